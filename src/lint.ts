// Optional post-step: `helm lint --strict` on the chart with each environment's values.
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';

export function findHelm(): string | null {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'helm'), constants.X_OK);
      return join(dir, 'helm');
    } catch {
      // not here
    }
  }
  return null;
}

export interface LintResult {
  ok: boolean;
  output: string;
}

export async function lintChart(helm: string, chartDir: string, envs: string[]): Promise<LintResult> {
  const { execa } = await import('execa');
  const runs = [[], ...envs.map((env) => ['-f', join(chartDir, `values-${env}.yaml`)])];
  const results = await Promise.all(
    runs.map((extra) => execa(helm, ['lint', '--strict', chartDir, ...extra], { reject: false, all: true })),
  );
  const failed = results.filter((r) => r.exitCode !== 0);
  return { ok: failed.length === 0, output: failed.map((r) => r.all ?? '').join('\n') };
}
