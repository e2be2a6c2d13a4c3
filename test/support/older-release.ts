// The templates of a pretend older release (0.0.9), built at test time from today's templates/
// and the few edits that release differs by. test/upgrade/scenarios.test.ts generates projects
// with them, then upgrades the projects with the real templates/, so every upgrade scenario runs
// against a real template change.
//
// Each edit finds its anchor itself and throws when the anchor is missing or not unique: a rewrite
// of templates/ that removes one breaks this fixture loudly, never silently into a no-op. Anchors
// are comments and plain YAML lines of the output, which survive a rewrite of the expressions
// around them; the file holding an anchor is searched for, so moving it to another template is fine.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTemplateFiles, loadTemplates } from '../../src/load-templates.js';
import type { Templates } from '../../src/render.js';
import { CHART_VALUES, type ValuesModel } from '../../src/values/model.js';

export type Edit =
  /** Today's text `now` reads `then` in the older release; `now` occurs exactly once in the set. */
  | { change: string; now: string; then: string }
  /** The older release has no template producing `output` (a file new since). */
  | { change: string; absent: string }
  /** The older release produced `then` where today's release produces `output`, inside `{{#if <when>}}`. */
  | { change: string; renamed: string; then: string; when: string };

/** What 0.0.9 differs by, and which upgrade scenario each difference serves. */
export const OLDER_RELEASE_EDITS: Edit[] = [
  {
    change: 'a changed line in a file the user did not edit (update; CRLF and file mode kept)',
    now: '# Zero downtime: start new pods before any old pod stops.\n',
    then: '# Never fewer ready pods than desired during an update.\n',
  },
  {
    change: 'a file new since (create; merge against an empty base when the user wrote one)',
    absent: 'chart/.helmignore',
  },
  {
    change: 'a file no longer produced (deleted if unedited, a conflict if edited)',
    renamed: 'chart/templates/pdb.yaml',
    then: 'chart/templates/poddisruptionbudget.yaml',
    when: 'pdb',
  },
];

/**
 * 0.0.9's values model: today's with the two differences the upgrade scenarios need — a values
 * line both the user and the template change (a conflict, or an identical change), and a template
 * change away from the user's edit (a clean merge).
 */
export const OLDER_RELEASE_VALUES: ValuesModel = {
  ...CHART_VALUES,
  values: CHART_VALUES.values.map((value) => {
    if (value.key === 'revisionHistoryLimit') return { ...value, default: 10 };
    if (value.key === 'logLevel') return { ...value, doc: 'Log level of the app' };
    return value;
  }),
};

/** Applies `edits` to the template directory `dir`, in place. */
export function applyEdits(dir: string, edits: Edit[]): void {
  for (const edit of edits) {
    const files = listTemplateFiles(dir);
    const fail = (why: string): never => {
      throw new Error(`older-release fixture: "${edit.change}": ${why}; update OLDER_RELEASE_EDITS in test/support/older-release.ts`);
    };
    if ('now' in edit) {
      const hits = files.map((f) => ({ f, text: readFileSync(join(dir, f), 'utf8') }))
        .flatMap(({ f, text }) => Array.from({ length: text.split(edit.now).length - 1 }, () => ({ f, text })));
      if (hits.length !== 1) fail(`${JSON.stringify(edit.now)} occurs in ${hits.length === 0 ? 'no template' : `templates ${hits.length} times`}`);
      const { f, text } = hits[0]!;
      writeFileSync(join(dir, f), text.replace(edit.now, () => edit.then));
    } else {
      const output = 'absent' in edit ? edit.absent : edit.renamed;
      const file = files.find((f) => f === `${output}.hbs`) ?? fail(`no template ${output}.hbs`);
      if ('renamed' in edit) {
        const text = readFileSync(join(dir, file), 'utf8');
        writeFileSync(join(dir, `${edit.then}.hbs`), `{{#if ${edit.when}}}\n${text}{{/if}}\n`);
      }
      unlinkSync(join(dir, file));
    }
  }
}

/** The older release's templates, compiled: today's templates/ with OLDER_RELEASE_EDITS applied. */
export function olderReleaseTemplates(templatesDir: string, edits: Edit[] = OLDER_RELEASE_EDITS): Templates {
  const dir = mkdtempSync(join(tmpdir(), 'ck8s-templates-old-'));
  try {
    cpSync(templatesDir, dir, { recursive: true });
    applyEdits(dir, edits);
    return loadTemplates(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
