// Optional post-step: `helm lint --strict` on the chart with each environment's values.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
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
