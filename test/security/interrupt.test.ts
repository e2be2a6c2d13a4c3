// Interruptions of the real process: Ctrl-C at a prompt on a real pseudo-terminal, SIGINT while
// writing, and SIGKILL in the middle of writing a new project or of applying --force to an
// existing one. Each leaves the target as it was, and the next run cleans up and succeeds.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/write.js';
import { CLI, runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-interrupt-');
afterAll(() => root.cleanup());
let n = 0;
const newCwd = () => {
  const dir = join(root.dir, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};

/** Every file and folder under `dir` with the content of each file: what "exactly as before" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      const rel = relative(dir, full);
      if (entry.isDirectory()) {
        out[`${rel}/`] = '';
        walk(full);
      } else {
        out[rel] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir);
  return out;
}

const countFiles = (dir: string) => Object.keys(snapshot(dir)).filter((p) => !p.endsWith('/')).length;

function start(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  // 'close' comes after the kernel reaped the child: only then is its pid free, so the next run
  // sees the staging directory's owner as gone.
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stagingDirs = (cwd: string, name: string) => readdirSync(cwd).filter((e) => e.startsWith(`.${name}.create-k8s-app-staging-`));

describe('Ctrl-C at a prompt, on a real terminal', () => {
  let hasScript = false;
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 10_000 });
    hasScript = true;
  } catch {
    console.warn('skipped: `script` (util-linux) cannot open a pseudo-terminal here');
  }

  it.skipIf(!hasScript)('exits 130, says nothing was written, and writes nothing', async () => {
    const cwd = newCwd();
    // script(1) runs the CLI on a pseudo-terminal and forwards our pipe to it: the prompt puts the
    // terminal in raw mode, so the ^C byte arrives as the keypress a person would make.
    const env = { ...process.env };
    delete env.CI;
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} demo`, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor('the first prompt', () => screen.includes('App type'));
    child.stdin.write('\u0003');
    const code = await exited;
    expect(code, screen).toBe(130);
    expect(screen).toContain('interrupted; nothing was written');
    expect(screen).not.toMatch(/\n\s+at /);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('SIGINT while writing a new project', () => {
  it('exits 130 and removes what it had staged', async () => {
    const cwd = newCwd();
    const { child, exited } = start(['demo', '--yes', '--no-lint'], cwd, { CREATE_K8S_APP_TEST_PAUSE_MS: '50' });
    await waitFor('some staged files', () => stagingDirs(cwd, 'demo').some((s) => countFiles(join(cwd, s)) >= 3));
    child.kill('SIGINT');
    const { code } = await exited;
    expect(code).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('SIGINT while applying --force', () => {
  // The files are replaced by synchronous renames (slowed down here by a blocking pause): the
  // signal must still be acted on before the change commits, not lost when the writer ends.
  it('exits 130 with every original back and nothing of the change left', async () => {
    const cwd = newCwd();
    const target = join(cwd, 'demo');
    mkdirSync(join(target, 'chart'), { recursive: true });
    writeFileSync(join(target, 'README.md'), '# my own readme\n');
    writeFileSync(join(target, 'chart', 'values.yaml'), 'mine: true\n');
    writeFileSync(join(target, 'notes.txt'), 'keep me\n');
    const before = snapshot(target);

    const { child, exited } = start(['demo', '--yes', '--force', '--no-lint'], cwd, { CREATE_K8S_APP_TEST_PAUSE_MS: '50' });
    await waitFor('the first replaced files', () => readFileSync(join(target, 'README.md'), 'utf8') !== before['README.md']);
    child.kill('SIGINT');
    expect((await exited).code).toBe(130);
    expect(snapshot(target)).toEqual(before);
  });
});

describe('SIGKILL in the middle of writing', () => {
  it('a new project: the target never appears; the next run removes the stale staging directory and succeeds', async () => {
    const cwd = newCwd();
    const { child, exited } = start(['demo', '--yes', '--no-lint'], cwd, { CREATE_K8S_APP_TEST_PAUSE_MS: '50' });
    await waitFor('some staged files', () => stagingDirs(cwd, 'demo').some((s) => countFiles(join(cwd, s)) >= 5));
    child.kill('SIGKILL');
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');
    expect(existsSync(join(cwd, 'demo'))).toBe(false);
    const [stale] = stagingDirs(cwd, 'demo');
    expect(stale, 'the killed run leaves its staging directory behind').toBeDefined();
    expect(countFiles(join(cwd, stale))).toBeGreaterThanOrEqual(5);

    const again = runCli(['demo', '--yes', '--no-lint'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['demo']);
    // Complete: the same files as an uninterrupted run.
    const clean = newCwd();
    expect(runCli(['demo', '--yes', '--no-lint'], { cwd: clean }).code).toBe(0);
    expect(snapshot(join(cwd, 'demo'))).toEqual(snapshot(join(clean, 'demo')));
  });

  it('--force into an existing directory: the journal restores every original, and the user\'s own files are never touched', async () => {
    const cwd = newCwd();
    const target = join(cwd, 'demo');
    // The user's project: files the generator also writes (README.md, chart/values.yaml), and
    // files it knows nothing about.
    mkdirSync(join(target, 'chart'), { recursive: true });
    mkdirSync(join(target, 'docs'));
    writeFileSync(join(target, 'README.md'), '# my own readme\n');
    writeFileSync(join(target, 'chart', 'values.yaml'), 'mine: true\n');
    writeFileSync(join(target, 'notes.txt'), 'keep me\n');
    writeFileSync(join(target, 'docs', 'runbook.md'), 'keep me too\n');
    const before = snapshot(target);

    const { child, exited } = start(['demo', '--yes', '--force', '--no-lint'], cwd, { CREATE_K8S_APP_TEST_PAUSE_MS: '50' });
    const journal = join(target, '.create-k8s-app', 'journal', 'journal.json');
    // Killed once the journal is written and files are being replaced: README.md sorts early.
    await waitFor('the first replaced files', () => existsSync(journal) && readFileSync(join(target, 'README.md'), 'utf8') !== before['README.md']);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const killed = snapshot(target);
    expect(killed['README.md']).not.toBe(before['README.md']);

    // Recovery alone puts back exactly what was there.
    const recovered = join(root.dir, `recovered-${n++}`);
    cpSync(target, recovered, { recursive: true });
    expect(recoverInterrupted(recovered)).toBe(true);
    expect(snapshot(recovered)).toEqual(before);

    // The next run recovers first, then writes the generated files; the user's own stay as they were.
    const again = runCli(['demo', '--yes', '--force', '--no-lint'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    const after = snapshot(target);
    expect(after['notes.txt']).toBe(before['notes.txt']);
    expect(after['docs/runbook.md']).toBe(before['docs/runbook.md']);
    expect(after['.create-k8s-app/journal/']).toBeUndefined();
    expect(Object.keys(after).filter((p) => /\.tmp$/.test(p))).toEqual([]);
    const clean = newCwd();
    expect(runCli(['demo', '--yes', '--no-lint'], { cwd: clean }).code).toBe(0);
    for (const [path, content] of Object.entries(snapshot(join(clean, 'demo')))) expect(after[path], path).toBe(content);
    expect(statSync(join(target, 'notes.txt')).isFile()).toBe(true);
  });
});
