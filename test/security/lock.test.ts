// One run at a time per project: a second run exits 1 with one line naming the pid of the run
// that holds the lock; a lock left by a run that is gone is taken over; two runs started together
// never leave a project whose answers, files and records disagree.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { generatedProject } from './support.js';
import { logged, snapshot, start, waitFor } from './processes.js';

const root = tempRoot('ck8s-lock-');
afterAll(() => root.cleanup());
const LOCK = '.create-k8s-app/run/lock';

function project(): { cwd: string; target: string } {
  const { cwd, project: target } = generatedProject(root);
  return { cwd, target };
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

describe('a second run while one is writing', () => {
  it('exits 1 with one line naming the holder; read-only runs too; the first run is unaffected', async () => {
    const { cwd, target } = project();
    const log = root.name('log');
    // The first run stalls after its first rename until the gate file goes.
    const gate = root.name('gate');
    writeFileSync(gate, '');
    const first = start(['upgrade', '--set', 'strategy=canary', 'demo'], cwd, { only: '/.create-k8s-app/run/new/', calls: 'renameSync', log, gate });
    await waitFor('the first run to be writing', () => logged(log).length > 0);
    const pid = first.child.pid!;
    const lock = JSON.parse(readFileSync(join(target, LOCK), 'utf8'));
    expect(lock.pid).toBe(pid);
    for (const args of [['upgrade', 'demo'], ['upgrade', '--check', 'demo'], ['upgrade', '--dry-run', 'demo'], ['demo', '--yes', '--force', '--no-lint']]) {
      const r = runCli(args, { cwd });
      // create opens with its one-line intro; the rest is the refusal.
      const output = (r.stdout + r.stderr).replace(/^create-k8s-app \S+\n/, '').trim();
      expect(r.code, `${args.join(' ')}: ${output}`).toBe(1);
      expect(output.split('\n'), output).toHaveLength(1);
      expect(output).toMatch(new RegExp(`^error: another create-k8s-app run \\(pid ${pid}\\) is changing .*demo; wait for it to finish$`));
    }
    rmSync(gate);
    const done = await first.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(existsSync(join(target, '.create-k8s-app', 'run'))).toBe(false);
    const check = runCli(['upgrade', '--check', 'demo'], { cwd });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

describe('a lock left behind', () => {
  it('by a process that is gone is taken over, and removed when the run ends', async () => {
    const { cwd, target } = project();
    mkdirSync(join(target, '.create-k8s-app', 'run'), { recursive: true });
    writeFileSync(join(target, LOCK), JSON.stringify({ pid: await deadPid(), start: null, command: 'upgrade' }));
    const r = runCli(['upgrade', '--set', 'strategy=canary', 'demo'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(target, '.create-k8s-app', 'run'))).toBe(false);
  });

  it('naming a live pid that has since been reused by another process (its start time differs) is taken over', () => {
    const { cwd, target } = project();
    mkdirSync(join(target, '.create-k8s-app', 'run'), { recursive: true });
    writeFileSync(join(target, LOCK), JSON.stringify({ pid: process.pid, start: '1', command: 'upgrade' }));
    const r = runCli(['upgrade', '--set', 'strategy=canary', 'demo'], { cwd });
    expect(r.code, r.stderr).toBe(0);
  });

  it('naming a live process without its start time (e.g. committed with the files) is taken over', () => {
    const { cwd, target } = project();
    mkdirSync(join(target, '.create-k8s-app', 'run'), { recursive: true });
    writeFileSync(join(target, LOCK), JSON.stringify({ pid: 1, command: 'upgrade' }));
    expect(runCli(['upgrade', '--check', 'demo'], { cwd }).code).toBe(0);
    const r = runCli(['upgrade', '--set', 'strategy=canary', 'demo'], { cwd });
    expect(r.code, r.stderr).toBe(0);
  });

  it('cut off while being written (empty) is taken over', () => {
    const { cwd, target } = project();
    mkdirSync(join(target, '.create-k8s-app', 'run'), { recursive: true });
    writeFileSync(join(target, LOCK), '');
    expect(runCli(['upgrade', '--check', 'demo'], { cwd }).code).toBe(0);
    expect(runCli(['upgrade', '--set', 'strategy=canary', 'demo'], { cwd }).code).toBe(0);
  });
});

describe('two runs started together', () => {
  it('never leave answers, files and records that disagree', async () => {
    // What each run alone would make of the project.
    const outcomes = [['strategy=canary'], ['envs=dev,prod']].map((set) => {
      const { cwd, target } = project();
      const r = runCli(['upgrade', '--set', set[0], 'demo'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      return snapshot(target);
    });
    let busy = 0;
    for (let round = 0; round < 4; round++) {
      const { cwd, target } = project();
      const slow = { pauseMs: 60, only: '/.create-k8s-app/run/new/', calls: 'renameSync' as const };
      const runs = [start(['upgrade', '--set', 'strategy=canary', 'demo'], cwd, slow), start(['upgrade', '--set', 'envs=dev,prod', 'demo'], cwd, slow)];
      const exits = await Promise.all(runs.map((r) => r.exited));
      const codes = exits.map((e) => e.code);
      const context = exits.map((e) => e.stdout + e.stderr).join('\n');
      for (const e of exits) {
        expect([0, 1], context).toContain(e.code);
        if (e.code === 1) {
          busy++;
          expect(e.stderr.trim().split('\n'), context).toHaveLength(e.stderr.includes('hint:') ? 2 : 1);
          expect(e.stderr).toMatch(/^error: (another create-k8s-app run \(pid \d+\) is changing|.* changed while create-k8s-app was reading it)/);
        }
      }
      const final = snapshot(target);
      // Whichever won, the tree is exactly what that run alone makes (the second to write, over the first).
      const matches = outcomes.filter((o) => JSON.stringify(o) === JSON.stringify(final)).length;
      if (codes.every((c) => c === 0)) {
        // One after the other: the later one upgraded the earlier one's result; records agree with the files.
        const check = runCli(['upgrade', '--check', 'demo'], { cwd });
        expect(check.code, check.stdout).toBe(0);
      } else {
        expect(matches, context).toBe(1);
      }
    }
    // The runs really overlapped at least once.
    expect(busy).toBeGreaterThan(0);
  });
});
