// Builds the small Go evaluators in this folder (rollouts-eval, appset-render) with Debian's Go
// and the Debian-packaged libraries Argo builds on, in GOPATH mode, into the ignored .cache/argo/.
// The binary is keyed by its source and the Go version, so editing main.go rebuilds it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureDebianPackages, onPath } from './debian.js';

const execFileP = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const GOPATH = '/usr/share/gocode';
const LIBRARIES: Record<string, string> = {
  'golang-github-antonmedv-expr-dev': 'github.com/antonmedv/expr',
  'golang-github-masterminds-sprig-dev': 'github.com/Masterminds/sprig',
};

export type Tool = 'rollouts-eval' | 'appset-render';
const built = new Map<Tool, Promise<string>>();

async function ensureGo(): Promise<void> {
  const ready = () => onPath('go') !== undefined && Object.values(LIBRARIES).every((p) => existsSync(join(GOPATH, 'src', p)));
  await ensureDebianPackages(['golang-go', ...Object.keys(LIBRARIES)], ready, 'to build the Argo evaluators');
}

export function toolBinary(tool: Tool): Promise<string> {
  let bin = built.get(tool);
  if (!bin) built.set(tool, (bin = build(tool)));
  return bin;
}

async function build(tool: Tool): Promise<string> {
  await ensureGo();
  const src = fileURLToPath(new URL(`./${tool}/`, import.meta.url));
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(repoRoot, '.cache', 'go-build'), GOFLAGS: '' };
  const { stdout: goVersion } = await execFileP('go', ['version'], { env });
  const hash = createHash('sha256').update(goVersion).update(await readFile(join(src, 'main.go'))).digest('hex').slice(0, 12);
  const dir = join(repoRoot, '.cache', 'argo');
  const bin = join(dir, `${tool}-${hash}`);
  if (existsSync(bin)) return bin;
  await mkdir(dir, { recursive: true });
  // Parallel workers may build at once: each writes its own file, the rename makes it visible whole.
  const tmp = `${bin}.${process.pid}.tmp`;
  try {
    await execFileP('go', ['build', '-o', tmp, '.'], { cwd: src, env, timeout: 300_000 });
    await rename(tmp, bin);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building ${tool} failed: ${(e.stderr || e.message).trim()}`);
  } finally {
    await rm(tmp, { force: true });
  }
  return bin;
}

/** Runs a built tool with `input` as JSON on stdin and returns its JSON answer. */
export async function runTool<T>(tool: Tool, input: unknown): Promise<T> {
  const bin = await toolBinary(tool);
  return new Promise((resolve, reject) => {
    const child = execFile(bin, [], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${tool}: ${stderr.trim() || err.message}`));
      resolve(JSON.parse(stdout) as T);
    });
    child.stdin!.end(JSON.stringify(input));
  });
}
