import { checkWritable } from '../../src/project-fs.js';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { upgradeLabels } from '../../src/upgrade/merge.js';
import { hasConflictMarkers } from '../../src/upgrade/markers.js';
import { planUpgrade, readDisk, type FileChange, type UpgradePlan } from '../../src/upgrade/plan.js';

const labels = upgradeLabels('0.1.0', '0.2.0');
const lines = (...l: string[]) => l.map((x) => x + '\n').join('');
type Files = Record<string, string>;

function plan(base: Files, next: Files, disk: Record<string, string | null>, restore?: string[]): UpgradePlan {
  return planUpgrade({
    base: new Map(Object.entries(base)),
    next: new Map(Object.entries(next)),
    disk: new Map(Object.entries(disk)),
    labels,
    restore: restore && new Set(restore),
  });
}

/** The one entry of a single-path plan. */
function only(base: Files, next: Files, disk: Record<string, string | null>, restore?: string[]): FileChange {
  const { changes } = plan(base, next, disk, restore);
  expect(changes).toHaveLength(1);
  return changes[0]!;
}

/** What the writer would leave on disk after applying the plan. */
function apply(p: UpgradePlan, disk: Record<string, string | null>): Record<string, string | null> {
  const out = { ...disk };
  for (const ch of p.changes) {
    if (ch.status === 'delete') out[ch.path] = null;
    else if (ch.content !== undefined) out[ch.path] = ch.content;
  }
  return out;
}

const V1 = lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /healthz');
const V2 = lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /ready');

describe('planUpgrade statuses', () => {
  it('create: new in N and absent on disk', () => {
    expect(only({}, { f: V2 }, { f: null })).toEqual({ path: 'f', status: 'create', content: V2 });
  });

  it('update: unedited on disk, template changed', () => {
    expect(only({ f: V1 }, { f: V2 }, { f: V1 })).toEqual({ path: 'f', status: 'update', content: V2, before: V1 });
  });

  it('update keeps the CRLF of a file that is otherwise unedited', () => {
    const crlf = V1.replace(/\n/g, '\r\n');
    expect(only({ f: V1 }, { f: V2 }, { f: crlf }).content).toBe(V2.replace(/\n/g, '\r\n'));
  });

  it('merged: user edit and template change on different lines are both kept', () => {
    const mine = lines('replicas: 3', 'image: app:1', 'port: 80', 'probe: /healthz');
    expect(only({ f: V1 }, { f: V2 }, { f: mine })).toEqual({
      path: 'f',
      status: 'merged',
      content: lines('replicas: 3', 'image: app:1', 'port: 80', 'probe: /ready'),
      before: mine,
    });
  });

  it('merged: a CRLF file stays CRLF', () => {
    const mine = lines('replicas: 3', 'image: app:1', 'port: 80', 'probe: /healthz').replace(/\n/g, '\r\n');
    const ch = only({ f: V1 }, { f: V2 }, { f: mine });
    expect(ch.status).toBe('merged');
    expect(ch.content).toBe('replicas: 3\r\nimage: app:1\r\nport: 80\r\nprobe: /ready\r\n');
  });

  it('merged: a missing final newline is preserved when the template did not change the end', () => {
    const base = lines('a', 'b', 'c', 'd');
    const ch = only({ f: base }, { f: lines('A', 'b', 'c', 'd') }, { f: 'a\nb\nc\nD' });
    expect(ch).toMatchObject({ status: 'merged', content: 'A\nb\nc\nD' });
  });

  it('conflict: same line changed on both sides, with base section and labels', () => {
    const mine = lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /live');
    const p = plan({ f: V1 }, { f: V2 }, { f: mine });
    expect(p.conflicts).toEqual(p.changes);
    expect(p.changes[0]).toMatchObject({ status: 'conflict', before: mine });
    expect(p.changes[0]!.content).toBe(
      lines(
        'replicas: 1',
        'image: app:1',
        'port: 80',
        '<<<<<<< yours (on disk)',
        'probe: /live',
        '||||||| base (create-k8s-app 0.1.0)',
        'probe: /healthz',
        '=======',
        'probe: /ready',
        '>>>>>>> new (create-k8s-app 0.2.0)',
      ),
    );
  });

  it('no conflict when both sides made the same change (kept if disk already has it, else merged)', () => {
    const mine = lines('replicas: 5', 'image: app:1', 'port: 80', 'probe: /ready');
    expect(only({ f: V1 }, { f: V2 }, { f: mine })).toMatchObject({ status: 'kept', reason: expect.any(String) });
    const base2 = lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /healthz', 'debug: false');
    const mine2 = lines('replicas: 5', 'image: app:1', 'port: 80', 'probe: /ready', 'debug: false');
    const next2 = lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /ready', 'debug: false', 'tls: true');
    expect(only({ f: base2 }, { f: next2 }, { f: mine2 })).toMatchObject({
      status: 'merged',
      content: lines('replicas: 5', 'image: app:1', 'port: 80', 'probe: /ready', 'debug: false', 'tls: true'),
    });
  });

  it('delete: generated, unedited, no longer produced', () => {
    expect(only({ f: V1 }, {}, { f: V1 })).toMatchObject({ status: 'delete', before: V1 });
    expect(only({ f: V1 }, {}, { f: V1.replace(/\n/g, '\r\n') }).status).toBe('delete');
  });

  it('conflict: edited but no longer generated is kept and reported', () => {
    const p = plan({ f: V1 }, {}, { f: V2 });
    expect(p.changes).toEqual([
      { path: 'f', status: 'conflict', before: V2, reason: 'edited but no longer generated; kept as is' },
    ]);
    expect(p.conflicts).toHaveLength(1);
  });

  it('unchanged: no longer generated and already gone', () => {
    expect(only({ f: V1 }, {}, { f: null })).toMatchObject({ status: 'unchanged' });
  });

  it('kept: edited on disk, template unchanged', () => {
    expect(only({ f: V1 }, { f: V1 }, { f: V2 })).toMatchObject({ status: 'kept', before: V2 });
    expect(only({ f: V1 }, { f: V1 }, { f: V2 }).content).toBeUndefined();
  });

  it('unchanged: disk already equals N', () => {
    expect(only({ f: V1 }, { f: V2 }, { f: V2 })).toEqual({ path: 'f', status: 'unchanged', before: V2 });
    expect(only({ f: V1 }, { f: V1 }, { f: V1 }).status).toBe('unchanged');
    expect(only({ f: V1 }, { f: V2 }, { f: V2.replace(/\n/g, '\r\n') }).status).toBe('unchanged');
  });

  it('kept-deleted: a generated file the user deleted stays deleted', () => {
    const ch = only({ f: V1 }, { f: V2 }, { f: null });
    expect(ch).toMatchObject({ status: 'kept-deleted' });
    expect(ch.content).toBeUndefined();
    expect(only({ f: V1 }, { f: V1 }, { f: null }).status).toBe('kept-deleted');
  });

  it('restore: a deleted generated file listed in restore is created from N', () => {
    expect(only({ f: V1 }, { f: V2 }, { f: null }, ['f'])).toEqual({ path: 'f', status: 'restore', content: V2 });
  });

  it('file new in N that the user already created merges against an empty base', () => {
    expect(only({}, { f: V2 }, { f: V2 })).toMatchObject({ status: 'unchanged' });
    const ch = only({}, { f: V2 }, { f: V1 });
    expect(ch.status).toBe('conflict');
    expect(ch.reason).toMatch(/created on disk/);
    expect(ch.content).toBe(
      '<<<<<<< yours (on disk)\n' + V1 + '||||||| base (create-k8s-app 0.1.0)\n=======\n' + V2 +
        '>>>>>>> new (create-k8s-app 0.2.0)\n',
    );
  });
});

describe('planUpgrade as a whole', () => {
  const base = { 'a.yaml': V1, 'b.yaml': V1, 'c.yaml': V1, 'gone.yaml': V1, 'old-edited.yaml': V1, 'deleted.yaml': V1 };
  const next = { 'a.yaml': V2, 'b.yaml': V2, 'c.yaml': V1, 'new.yaml': V2, 'deleted.yaml': V2 };
  const disk = {
    'a.yaml': V1,
    'b.yaml': lines('replicas: 1', 'image: app:1', 'port: 80', 'probe: /live'),
    'c.yaml': V2,
    'gone.yaml': V1,
    'old-edited.yaml': V2,
    'deleted.yaml': null,
    'new.yaml': null,
  };

  it('is sorted by path and covers only base ∪ next', () => {
    const p = plan(base, next, disk);
    expect(p.changes.map((c) => [c.path, c.status])).toEqual([
      ['a.yaml', 'update'],
      ['b.yaml', 'conflict'],
      ['c.yaml', 'kept'],
      ['deleted.yaml', 'kept-deleted'],
      ['gone.yaml', 'delete'],
      ['new.yaml', 'create'],
      ['old-edited.yaml', 'conflict'],
    ]);
    expect(p.conflicts.map((c) => c.path)).toEqual(['b.yaml', 'old-edited.yaml']);
    expect(plan(base, next, disk)).toEqual(p);
  });

  it('is idempotent: planning again from the result changes nothing', () => {
    const first = plan(base, next, disk);
    const after = apply(first, disk);
    expect(hasConflictMarkers(after['b.yaml']!)).toBe(true);
    const again = plan(next, next, after);
    for (const ch of again.changes) expect(['unchanged', 'kept', 'kept-deleted']).toContain(ch.status);
    expect(again.changes.every((ch) => ch.content === undefined)).toBe(true);
  });

  it('passes the disk mode through', () => {
    const p = planUpgrade({
      base: new Map([['run.sh', V1]]),
      next: new Map([['run.sh', V2]]),
      disk: new Map([['run.sh', V1]]),
      modes: new Map([['run.sh', 0o755]]),
      labels,
    });
    expect(p.changes[0]).toMatchObject({ status: 'update', mode: 0o755 });
  });

  it('refuses to plan without the disk state of a path', () => {
    expect(() => plan({}, { f: V1 }, {})).toThrow(/no disk state given for f/);
  });
});

describe('readDisk', () => {
  const root = mkdtempSync(join(tmpdir(), 'cka-upgrade-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads content and mode, null when absent', async () => {
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin/run.sh'), 'echo hi\n');
    chmodSync(join(root, 'bin/run.sh'), 0o755);
    const { disk, modes } = await readDisk(root, ['bin/run.sh', 'missing.yaml', 'gone/below']);
    expect(disk).toEqual(
      new Map([
        ['bin/run.sh', 'echo hi\n'],
        ['missing.yaml', null],
        ['gone/below', null],
      ]),
    );
    expect(modes.get('bin/run.sh')! & 0o111).toBe(0o111);
    expect(modes.has('missing.yaml')).toBe(false);
  });

  it('reads a file where a generated folder belongs as nothing there (writing refuses it), and refuses a folder where a file belongs', async () => {
    writeFileSync(join(root, 'file'), 'x');
    expect((await readDisk(root, ['file/below'])).disk).toEqual(new Map([['file/below', null]]));
    expect(() => checkWritable(root, ['file/below'])).toThrow(/^file is a file where create-k8s-app needs a folder$/);
    mkdirSync(join(root, 'dir.yaml'));
    await expect(readDisk(root, ['dir.yaml'])).rejects.toThrow(/^dir\.yaml is a folder, where create-k8s-app keeps a file$/);
  });

  it('never follows a link, at the file or in a folder above it', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cka-outside-'));
    try {
      writeFileSync(join(outside, 'secret'), 'GITHUB_TOKEN=x\n');
      symlinkSync(join(outside, 'secret'), join(root, 'leak.yaml'));
      symlinkSync(outside, join(root, 'linked'));
      await expect(readDisk(root, ['leak.yaml'])).rejects.toThrow(/^leak\.yaml is a symbolic link; create-k8s-app does not follow links inside a project$/);
      await expect(readDisk(root, ['linked/secret'])).rejects.toThrow(/^linked is a symbolic link; create-k8s-app does not follow links inside a project$/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
