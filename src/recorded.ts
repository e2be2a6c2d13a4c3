// .create-k8s-app.yaml: the generator version and the answers a project was generated from, so
// `upgrade` re-renders with exactly those. Written and read with the yaml library.
import { LineCounter, isMap, isNode, isScalar, parseDocument, stringify, type Pair } from 'yaml';
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { builtinFingerprint } from './fingerprint.js';
import { OPTIONS, OPTION_BY_KEY, type Partial_ } from './options.js';
import type { AnswerKey, Answers } from './types.js';
import { printable } from './validate.js';

const HEADER = '# The answers this project was generated from; `create-k8s-app upgrade` re-renders with them.\n';

export interface Recorded {
  version: string;
  /** fingerprint of the template set; absent in projects generated before it was recorded */
  templates?: string;
  answers: Partial_;
}

/** Every answer, in the option table's order, so the file reads like `--help`. */
export function serializeAnswers(answers: Answers, version: string, templates = builtinFingerprint()): string {
  const recorded: Record<string, unknown> = {};
  for (const option of OPTIONS) recorded[option.key] = answers[option.key];
  return HEADER + stringify({ version, templates, answers: recorded }, { lineWidth: 0 });
}

/** The file as written above or edited by hand; every problem names the file and the line. */
export async function parseRecorded(text: string, file: string): Promise<Recorded> {
  const lineCounter = new LineCounter();
  // Every problem is told in one line naming the file and line, never by the library's warnings.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const at = (offset: number) => `${file}:${lineCounter.linePos(offset).line}`;
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new UsageError(`${at(error.pos[0])}: malformed YAML: ${error.message.split('\n')[0]}`);
  }
  const fields = entries(doc.contents, file);
  const allowed = ['version', 'templates', 'answers'];
  for (const field of fields) {
    if (!allowed.includes(field.key)) throw new UsageError(`${field.where}: unknown key`, `allowed keys: ${allowed.join(', ')}`);
  }
  const version = fields.find((f) => f.key === 'version')?.value();
  if (typeof version !== 'string') {
    const where = fields.find((f) => f.key === 'version')?.where ?? file;
    throw new UsageError(`${where}: no generator version recorded`);
  }
  const answers: Partial_ = {};
  const given = fields.find((f) => f.key === 'answers');
  for (const field of given ? entries(given.pair.value, given.where) : []) {
    const option = OPTION_BY_KEY.get(field.key as AnswerKey);
    if (!option) {
      throw new UsageError(`${field.where}: unknown key`, `allowed keys: ${[...OPTION_BY_KEY.keys()].join(', ')}`);
    }
    const raw = field.value();
    // An empty value means "not given": the default fills it.
    if (raw !== null) (answers as Record<string, unknown>)[field.key] = coerce(option, raw, field.where);
  }
  const templatesField = fields.find((f) => f.key === 'templates');
  const templates = templatesField?.value();
  if (templatesField && typeof templates !== 'string') throw new UsageError(`${templatesField.where}: expected the template set's fingerprint`);
  return { version, ...(typeof templates === 'string' && { templates }), answers };

  /** The pairs of a mapping (none for an empty value), each with where it is and its value. */
  function entries(node: unknown, what: string) {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) throw new UsageError(`${what}: expected a mapping (key: value)`);
    return node.items.map((pair: Pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const where = `${isNode(pair.key) && pair.key.range ? at(pair.key.range[0]) : file}: ${printable(key)}`;
      const value = (): unknown => {
        try {
          // Through the document, so an alias gives its anchor's value; the alias cap stops a
          // "billion laughs" file from exhausting memory.
          return isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 100 }) : null;
        } catch (error) {
          throw new UsageError(`${where}: ${(error as Error).message.split('\n')[0]}`);
        }
      };
      return { key, where, pair, value };
    });
  }
}
