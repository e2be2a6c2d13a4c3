// Optional post-step: `helm lint --strict` on the chart with each environment's values.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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

/** Runs a command to its end; its stdout and stderr together, in the order they came. */
async function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  // Loaded here, not at the top: a run without helm has no use for child_process (~5 ms to load).
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => resolve({ code: null, output: `${command}: ${error.message}` }));
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString().trimEnd() }));
  });
}

export async function lintChart(helm: string, chartDir: string, envs: string[]): Promise<LintResult> {
  const runs = [[], ...envs.map((env) => ['-f', join(chartDir, `values-${env}.yaml`)])];
  const results = await Promise.all(runs.map((extra) => run(helm, ['lint', '--strict', chartDir, ...extra])));
  const failed = results.filter((r) => r.code !== 0);
  return { ok: failed.length === 0, output: failed.map((r) => r.output).join('\n') };
}
