// Optional post-step: `helm lint --strict` on the chart with each environment's values.
import { delimiter, join } from 'node:path';
import { accessSync, constants, statSync } from 'node:fs';
import { UsageError } from './errors.js';
import { printable } from './validate.js';

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** HELM_BIN (a path, or a name looked up on PATH), else `helm` on PATH, else null. */
export function findHelm(): string | null {
  const given = process.env.HELM_BIN;
  if (!given) return onPath('helm');
  const found = given.includes('/') ? (executable(given) ? given : null) : onPath(given);
  if (!found) throw new UsageError(`HELM_BIN=${printable(given, Infinity)} is not an executable file`, 'point HELM_BIN at a helm binary, unset it, or pass --no-lint');
  return found;
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
