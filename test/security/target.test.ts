// The target folder itself: an existing empty one is written into (same inode, same mode, and a
// shell standing in it stays in it); a long folder name still fits the staging name within the
// 255 bytes a file name may have; a failed run into an empty folder leaves it empty.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { logged, start, waitFor } from './processes.js';

const root = tempRoot('ck8s-target-');
afterAll(() => root.cleanup());
const newCwd = () => root.fresh();

describe('an existing empty target', () => {
  it('keeps its inode and its mode', () => {
    const cwd = newCwd();
    mkdirSync(join(cwd, 'demo'), { mode: 0o700 });
    const before = statSync(join(cwd, 'demo'));
    const r = runCli(['demo', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const after = statSync(join(cwd, 'demo'));
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o7777).toBe(0o700);
    expect(readdirSync(join(cwd, 'demo')).sort()).toEqual(['.create-k8s-app', '.create-k8s-app.yaml', 'README.md', 'argocd', 'chart']);
    expect(readdirSync(join(cwd, 'demo', '.create-k8s-app'))).toEqual(['base.json']);
  });

  it('`.` writes into the working directory itself, which is still there afterwards', () => {
    const cwd = join(newCwd(), 'demo');
    mkdirSync(cwd);
    const inode = statSync(cwd).ino;
    const r = runCli(['.', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(cwd).ino).toBe(inode);
    expect(readdirSync(cwd)).toContain('chart');
  });

  it('interrupted: exit 130, and the folder is empty again, with the same inode', async () => {
    const cwd = newCwd();
    mkdirSync(join(cwd, 'demo'));
    const inode = statSync(join(cwd, 'demo')).ino;
    const log = root.name('log');
    const run = start(['demo', '--yes', '--no-lint'], cwd, { pauseMs: 30, only: '/.create-k8s-app/run/new/', calls: 'renameSync', log });
    await waitFor('files renamed into place', () => logged(log).length >= 3);
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code, exit.stderr).toBe(130);
    expect(readdirSync(join(cwd, 'demo'))).toEqual([]);
    expect(statSync(join(cwd, 'demo')).ino).toBe(inode);
  });
});

describe('a long directory name', () => {
  it('of 225 characters is written (the staging name stays within 255 bytes)', () => {
    const cwd = newCwd();
    const dir = 'd'.repeat(225);
    const r = runCli([dir, '--name', 'demo', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([dir]);
  });

  it('of 225 multi-byte characters is written too', () => {
    const cwd = newCwd();
    const dir = 'é'.repeat(120); // 240 bytes
    const r = runCli([dir, '--name', 'demo', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([dir]);
  });
});
