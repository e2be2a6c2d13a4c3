// Writing where the filesystem says no: a read-only target and a full disk give one clear line,
// exit 1, and leave the target exactly as it was. Real mounts need root (tmpfs); without them the
// read-only case falls back to permissions (non-root) and the mount cases are skipped, saying why.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-fs-');
const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted.reverse()) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  root.cleanup();
});

const newDir = () => root.fresh();

const isRoot = process.getuid?.() === 0;

/** A tmpfs at a new directory; null (with the reason) when this machine does not allow mounting. */
function mountTmpfs(options: string): { dir: string } | { reason: string } {
  const dir = newDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    mounted.push(dir);
    return { dir };
  } catch (error) {
    return { reason: `cannot mount a tmpfs (${String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n')[0]})` };
  }
}

const probe = isRoot ? mountTmpfs('size=64k') : { reason: 'not root: mounting needs root' };
const canMount = 'dir' in probe;
if (!canMount) console.warn(`skipped: read-only and disk-full mounts: ${probe.reason}`);

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        out[`${relative(dir, full)}/`] = '';
        walk(full);
      } else out[relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function expectIoFailure(r: { code: number; stderr: string }, reason: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: cannot write .*; nothing was changed$/);
  expect(lines[0]).toMatch(reason);
  expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
}

/** A user's project the --force runs write into. */
function userProject(dir: string): void {
  mkdirSync(join(dir, 'demo', 'chart'), { recursive: true });
  writeFileSync(join(dir, 'demo', 'README.md'), '# mine\n');
  writeFileSync(join(dir, 'demo', 'chart', 'values.yaml'), 'mine: true\n');
  writeFileSync(join(dir, 'demo', 'notes.txt'), 'keep\n');
}

describe('read-only target', () => {
  it.skipIf(!canMount && isRoot)('a new project on a read-only filesystem: exit 1, one line, nothing written', () => {
    let cwd: string;
    if (isRoot) {
      const ro = mountTmpfs('ro,size=64k');
      if (!('dir' in ro)) throw new Error(ro.reason);
      cwd = ro.dir;
    } else {
      cwd = newDir();
      execFileSync('chmod', ['555', cwd]);
    }
    const reason = isRoot ? /read-only/ : /permission denied/;
    expectIoFailure(runCli(['demo', '--yes', '--no-lint'], { cwd }), reason);
    // With folders to make above the target, the cause is still named (not ENOENT).
    expectIoFailure(runCli(['apps/team/demo', '--yes', '--no-lint'], { cwd }), reason);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.skipIf(!canMount)('--force into a project on a filesystem remounted read-only: exit 1, the project untouched', () => {
    const mount = mountTmpfs('size=256k');
    if (!('dir' in mount)) throw new Error(mount.reason);
    userProject(mount.dir);
    const before = snapshot(mount.dir);
    execFileSync('mount', ['-o', 'remount,ro', mount.dir]);
    const r = runCli(['demo', '--yes', '--force', '--no-lint'], { cwd: mount.dir });
    expectIoFailure(r, /read-only/);
    expect(snapshot(mount.dir)).toEqual(before);
  });

  it('a file where the target\'s folder should be: exit 2 before anything is written, and one line saying so', () => {
    const cwd = newDir();
    writeFileSync(join(cwd, 'apps'), 'a file, not a folder\n');
    const r = runCli(['apps/demo', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: .*apps\/demo is not a directory \(it, or a folder above it, is a file\)$/);
    expect(readdirSync(cwd)).toEqual(['apps']);
    expect(readFileSync(join(cwd, 'apps'), 'utf8')).toBe('a file, not a folder\n');
  });
});

describe('disk full', () => {
  it.skipIf(!canMount)('a new project on a 64 KiB filesystem: exit 1, "the disk is full", no staging left behind', () => {
    const { dir } = probe as { dir: string };
    const r = runCli(['demo', '--yes', '--no-lint'], { cwd: dir });
    expectIoFailure(r, /the disk is full/);
    expect(readdirSync(dir)).toEqual([]);
    // Folders made above the target for this run go too.
    expectIoFailure(runCli(['apps/team/demo', '--yes', '--no-lint'], { cwd: dir }), /the disk is full/);
    expect(readdirSync(dir)).toEqual([]);
    // Room again: the same command succeeds.
    execFileSync('mount', ['-o', 'remount,size=4m', dir]);
    expect(runCli(['demo', '--yes', '--no-lint'], { cwd: dir }).code).toBe(0);
  });

  it.skipIf(!canMount)('--force into a project whose disk fills up midway: exit 1, every original back, no folder added', () => {
    // Room for the user's files and the journal's backups, not for the generated files.
    const mount = mountTmpfs('size=96k');
    if (!('dir' in mount)) throw new Error(mount.reason);
    userProject(mount.dir);
    const before = snapshot(mount.dir);
    const r = runCli(['demo', '--yes', '--force', '--no-lint'], { cwd: mount.dir });
    expectIoFailure(r, /the disk is full/);
    expect(snapshot(mount.dir)).toEqual(before);
  });
});
