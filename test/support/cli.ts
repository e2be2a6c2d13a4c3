// Runs the built CLI as users and CI do: a child process, no terminal, CI=true.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'create-k8s-app.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node` picks the Node binary that runs the CLI (default: the one running the tests). */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; node?: string }): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', HELM_BIN: '', ...options.env };
  // No helm post-step unless a test asks for it.
  if (!env.HELM_BIN) delete env.HELM_BIN;
  const r = spawnSync(options.node ?? process.execPath, [CLI, ...args], { cwd: options.cwd, env, input: options.input ?? '', encoding: 'utf8' });
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout, stderr: r.stderr };
}
