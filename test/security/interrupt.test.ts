// Interruptions of the real process: Ctrl-C at a prompt on a real pseudo-terminal; SIGINT,
// SIGTERM, SIGHUP and SIGQUIT while writing; SIGKILL in the middle of writing a new project or of
// applying --force / upgrade to an existing one. The file system is slowed from the outside (a
// module preloaded into the CLI, slow-fs.mjs), and each signal lands at a random point: every
// run ends with the tree byte for byte as before or as intended, and the runs are checked to
// have been cut at several distinct points.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/write.js';
import { CLI, runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { logged, sleep, snapshot, start, waitFor } from './processes.js';

const root = tempRoot('ck8s-interrupt-');
let hasGit = true;
try {
  execFileSync('git', ['--version'], { stdio: 'ignore' });
} catch {
  hasGit = false;
}
afterAll(() => root.cleanup());
const newCwd = () => root.fresh();
const newLog = () => `${root.name('log')}.txt`;

const countFiles = (dir: string) => Object.keys(snapshot(dir)).filter((p) => !p.endsWith('/')).length;
const stagingDirs = (cwd: string, name: string) => readdirSync(cwd).filter((e) => e.startsWith(`.${name}.create-k8s-app-staging-`));

/** A user's folder that --force writes into: files the generator also writes, and files of their own. */
function userProject(target: string): void {
  mkdirSync(join(target, 'chart'), { recursive: true });
  mkdirSync(join(target, 'docs'));
  writeFileSync(join(target, 'README.md'), '# my own readme\n');
  writeFileSync(join(target, 'chart', 'values.yaml'), 'mine: true\n');
  chmodSync(join(target, 'chart', 'values.yaml'), 0o600);
  writeFileSync(join(target, 'notes.txt'), 'keep me\n');
  writeFileSync(join(target, 'docs', 'runbook.md'), 'keep me too\n');
}

/** What an uninterrupted `--force` makes of the same folder. */
function forcedReference(): Record<string, string> {
  const cwd = newCwd();
  userProject(join(cwd, 'demo'));
  const r = runCli(['demo', '--yes', '--force', '--no-lint'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return snapshot(join(cwd, 'demo'));
}

/** Renames into place are slowed: those are the steps after which the tree is half-changed. */
const RENAMES = { pauseMs: 15, only: '/.create-k8s-app/run/new/', calls: 'renameSync' } as const;

/** Waits for the first file to be renamed into place, then a random part of the whole write. */
async function atRandomPoint(log: string, files: number): Promise<number> {
  await waitFor('the first file renamed into place', () => logged(log).length > 0);
  const delay = Math.random() * files * RENAMES.pauseMs;
  await sleep(delay);
  return delay;
}

/** A `--force` run into a fresh user folder, caught after its first rename plus a random part of the write. */
async function forcedWriteAtRandomPoint() {
  const cwd = newCwd();
  const target = join(cwd, 'demo');
  userProject(target);
  const before = snapshot(target);
  const log = newLog();
  const { child, exited } = start(['demo', '--yes', '--force', '--no-lint'], cwd, { ...RENAMES, log });
  const delay = await atRandomPoint(log, 24);
  return { cwd, target, before, log, child, exited, delay };
}

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
    const { child, exited } = start(['demo', '--yes', '--no-lint'], cwd, { pauseMs: 50, only: 'create-k8s-app-staging-', calls: 'writeFileSync' });
    await waitFor('some staged files', () => stagingDirs(cwd, 'demo').some((s) => countFiles(join(cwd, s)) >= 3));
    child.kill('SIGINT');
    const { code, stderr } = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toBe('error: interrupted; nothing was written\n');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('SIGINT, SIGTERM, SIGHUP and SIGQUIT while applying --force', () => {
  // The files are replaced by synchronous renames (slowed down from outside): the signal must
  // still be acted on before the change commits, not lost when the writer ends.
  it('each exits 130 with every original back, byte for byte, wherever it lands', async () => {
    const after = forcedReference();
    const cuts = new Set<number>();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) {
      const { target, before, log, child, exited, delay } = await forcedWriteAtRandomPoint();
      const sent = Date.now();
      child.kill(signal);
      const exit = await exited;
      // Promptly: the writer acts at its next checkpoint, undoes, and the process ends.
      expect(Date.now() - sent, signal).toBeLessThan(3000);
      const done = logged(log).length;
      const context = `${signal} ${delay.toFixed(0)} ms after the first rename, ${done} renamed: ${exit.stderr}`;
      if (exit.code === 130 && exit.stderr === 'error: interrupted; nothing was written\n') {
        expect(snapshot(target), context).toEqual(before);
        cuts.add(done);
      } else {
        // Too late to stop: the change had committed (or the run had ended) when the signal came;
        // past the writer, a signal ends the process the default way.
        if (exit.code === null) expect(exit.signal, context).toBe(signal);
        else expect([0, 130], context).toContain(exit.code);
        expect(snapshot(target), context).toEqual(after);
      }
    }
    // The signals really landed in the middle, at different points.
    expect(cuts.size, [...cuts].join(', ')).toBeGreaterThanOrEqual(3);
  });
});

describe('SIGKILL in the middle of writing', () => {
  it('a new project: the target never appears; the next run removes the stale staging directory and succeeds', async () => {
    const cwd = newCwd();
    const { child, exited } = start(['demo', '--yes', '--no-lint'], cwd, { pauseMs: 50, only: 'create-k8s-app-staging-', calls: 'writeFileSync' });
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

  it('--force into an existing directory, at random points: reported until the next run, which puts back every original', async () => {
    const after = forcedReference();
    const cuts = new Set<number>();
    for (let run = 0; run < 5; run++) {
      const { cwd, target, before, log, child, exited, delay } = await forcedWriteAtRandomPoint();
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      const done = logged(log).length;
      const context = `killed ${delay.toFixed(0)} ms after the first rename, ${done} renamed`;
      const killed = snapshot(target);
      expect(killed, context).not.toEqual(before);
      if (!existsSync(join(target, '.create-k8s-app', 'run', 'journal.json'))) {
        // On a loaded machine the kill can land after the commit point: the change is complete
        // (the state folder's leftovers aside), and read-only runs find it up to date.
        expect(runCli(['upgrade', '--check', 'demo'], { cwd }).code, context).toBe(0);
        continue;
      }
      cuts.add(done);

      if (run === 0 && hasGit) {
        // What the killed run left is never committed by accident: its folder ignores itself.
        execFileSync('git', ['init', '-q'], { cwd: target });
        const status = execFileSync('git', ['-c', 'core.fsmonitor=false', 'status', '--porcelain', '--untracked-files=all'], { cwd: target, encoding: 'utf8' });
        expect(existsSync(join(target, '.create-k8s-app', 'run', 'journal.json'))).toBe(true);
        expect(status).not.toContain('.create-k8s-app/run');
        rmSync(join(target, '.git'), { recursive: true, force: true });
      }

      // Until a run that writes comes, read-only runs say so.
      const check = runCli(['upgrade', '--check', 'demo'], { cwd });
      expect(check.code, check.stderr).toBe(1);
      // (--check reports on stdout: exit 1 is an answer there, not a failure)
      expect(check.stdout + check.stderr).toMatch(/^error: an earlier create-k8s-app run was interrupted while writing .*\nhint: run create-k8s-app upgrade/);
      expect(snapshot(target), 'a read-only run changes nothing').toEqual(killed);

      // Recovery alone puts back exactly what was there: bytes, modes, folders.
      const recovered = root.name('recovered');
      cpSync(target, recovered, { recursive: true });
      expect(recoverInterrupted(recovered), context).toMatchObject({ leftAsFound: [] });
      expect(snapshot(recovered), context).toEqual(before);
      rmSync(recovered, { recursive: true });

      // The next run puts the originals back, then writes: as if it had been the only one.
      const again = runCli(['demo', '--yes', '--force', '--no-lint'], { cwd });
      expect(again.code, again.stderr).toBe(0);
      // After the intro line.
      expect(again.stdout.split('\n')[1]).toMatch(/^an earlier run was interrupted while writing: put \d+ file\(s\) back as they were before it$/);
      expect(snapshot(target), context).toEqual(after);
    }
    expect(cuts.size, [...cuts].join(', ')).toBeGreaterThanOrEqual(3);
  });

  it('upgrade, at random points: the next upgrade says what it put back and ends as an uninterrupted one', async () => {
    const project = (cwd: string) => {
      const r = runCli(['demo', '--yes', '--no-lint'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine\n');
      return join(cwd, 'demo');
    };
    const refCwd = newCwd();
    const reference = project(refCwd);
    const change = ['upgrade', '--set', 'strategy=canary', '--set', 'envs=dev,staging,prod'];
    const refLog = newLog();
    const ok = await start([...change, 'demo'], refCwd, { ...RENAMES, log: refLog }).exited;
    expect(ok.code, ok.stderr).toBe(0);
    const after = snapshot(reference);
    // How many files the upgrade renames into place: the window the kills are spread over.
    const files = logged(refLog).length;
    expect(files).toBeGreaterThan(5);
    const cuts = new Set<number>();
    for (let run = 0; run < 4; run++) {
      const cwd = newCwd();
      const target = project(cwd);
      const before = snapshot(target);
      const log = newLog();
      const { child, exited } = start([...change, 'demo'], cwd, { ...RENAMES, log });
      const delay = await atRandomPoint(log, files - 1);
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      const done = logged(log).length;
      const context = `killed ${delay.toFixed(0)} ms after the first rename, ${done} renamed`;
      expect(snapshot(target), context).not.toEqual(before);
      cuts.add(done);
      for (const mode of ['--check', '--dry-run']) {
        const r = runCli(['upgrade', mode, 'demo'], { cwd });
        expect(r.code, `${mode}: ${r.stderr}`).toBe(1);
        expect(r.stdout + r.stderr).toMatch(/^error: an earlier create-k8s-app run was interrupted while writing .*\nhint: run create-k8s-app upgrade/);
      }
      // SIGHUP and SIGQUIT in the middle of the upgrade: exit 130, the tree exactly as before.
      const stopped = snapshot(target);
      for (const signal of ['SIGHUP', 'SIGQUIT'] as const) {
        const cwd2 = newCwd();
        const other = project(cwd2);
        const before2 = snapshot(other);
        const log2 = newLog();
        const run2 = start([...change, 'demo'], cwd2, { ...RENAMES, log: log2 });
        await atRandomPoint(log2, Math.max(1, Math.floor(files / 2)));
        run2.child.kill(signal);
        const exit = await run2.exited;
        expect(exit.code, `${signal}: ${exit.stderr}`).toBe(130);
        expect(snapshot(other), signal).toEqual(before2);
      }
      expect(snapshot(target)).toEqual(stopped);

      const again = runCli([...change, 'demo'], { cwd });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split('\n')[1], again.stdout).toMatch(/^an earlier run was interrupted while writing: put \d+ file\(s\) back as they were before it$/);
      expect(snapshot(target), context).toEqual(after);
    }
    expect(cuts.size, [...cuts].join(', ')).toBeGreaterThanOrEqual(2);
  });
});
