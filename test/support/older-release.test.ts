import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listTemplateFiles } from '../../src/load-templates.js';
import { applyEdits, OLDER_RELEASE_EDITS, type Edit } from './older-release.js';

const TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));
const dirs: string[] = [];

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ck8s-older-release-test-'));
  dirs.push(dir);
  cpSync(TEMPLATES, dir, { recursive: true });
  return dir;
}

const all = (dir: string) => listTemplateFiles(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\0');

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the older-release fixture', () => {
  it('differs from templates/ by exactly its edits', () => {
    const dir = copy();
    applyEdits(dir, OLDER_RELEASE_EDITS);
    const before = listTemplateFiles(TEMPLATES);
    const after = listTemplateFiles(dir);
    expect(before.filter((f) => !after.includes(f))).toEqual(['chart/.helmignore.hbs', 'chart/templates/pdb.yaml.hbs']);
    expect(after.filter((f) => !before.includes(f))).toEqual(['chart/templates/poddisruptionbudget.yaml.hbs']);
    const text = all(dir);
    for (const edit of OLDER_RELEASE_EDITS) {
      if (!('now' in edit)) continue;
      expect(text).not.toContain(edit.now);
      expect(text).toContain(edit.then);
    }
    const changed = after.filter((f) => before.includes(f) && readFileSync(join(dir, f), 'utf8') !== readFileSync(join(TEMPLATES, f), 'utf8'));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(OLDER_RELEASE_EDITS.filter((e) => 'now' in e).length);
  });

  it.each<[string, Edit, RegExp]>([
    ['an anchor that is gone', { change: 'c', now: '\nno such line: 1\n', then: 'x' }, /"c": "\\nno such line: 1\\n" occurs in no template/],
    ['an anchor that is not unique', { change: 'c', now: 'apiVersion: ', then: 'x' }, /"c": "apiVersion: " occurs in templates \d+ times/],
    ['a file to drop that is gone', { change: 'c', absent: 'chart/nothing.yaml' }, /"c": no template chart\/nothing\.yaml\.hbs/],
    ['a file to rename that is gone', { change: 'c', renamed: 'chart/nothing.yaml', then: 'chart/old.yaml', when: 'x' }, /no template chart\/nothing\.yaml\.hbs/],
  ])('fails loudly on %s', (_, edit, message) => {
    expect(() => applyEdits(copy(), [edit])).toThrow(message);
  });

  it('fails loudly when a rewrite of templates/ drops an anchor', () => {
    const dir = copy();
    const anchor = '# Zero downtime: start new pods before any old pod stops.\n';
    for (const f of listTemplateFiles(dir)) writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8').replace(anchor, ''));
    expect(() => applyEdits(dir, OLDER_RELEASE_EDITS)).toThrow(/a changed line in a file the user did not edit/);
  });
});
