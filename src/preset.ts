// Presets and recorded answers files: YAML mappings whose keys are the flag names.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document, type YAMLMap } from 'yaml';
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { OPTION_BY_KEY, type Partial_ } from './options.js';
import type { AnswerKey } from './types.js';
import { PRESETS_DIR } from './paths.js';
import { readInputFile } from './input-file.js';
import { printable } from './validate.js';
import { findDuplicateKey, moreEntriesThan } from './yaml-keys.js';

/** Far more keys and list items than any answers file holds (a few dozen). */
const MAX_ENTRIES = 1000;


export interface PresetInfo {
  name: string;
  description: string;
}

export interface ParseAnswersOptions {
  /** a key whose value is the mapping of answers (`answers:` in .create-k8s-app.yaml) */
  nested?: string;
}

/** A top-level key given beside the answers, with where it stands for messages about it. */
export interface ExtraField {
  value: unknown;
  where: string;
}

/**
 * Parses answers YAML; every problem names the file, the line (of the file as given) and the key.
 * Top-level keys listed in `extraKeys` are returned as they are in `extra`.
 */
export function parseAnswers(
  text: string,
  file: string,
  extraKeys: readonly string[] = [],
  options: ParseAnswersOptions = {},
): { answers: Partial_; extra: Record<string, ExtraField> } {
  if (moreEntriesThan(text, MAX_ENTRIES)) {
    throw new UsageError(`${file}: more than ${MAX_ENTRIES} keys and list items; an answers file holds a few dozen`);
  }
  const lineCounter = new LineCounter();
  // uniqueKeys off: findDuplicateKey does the same check in linear time. logLevel error: every
  // problem is told in the one line below; the library's own warnings would only come before it.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new UsageError(`${file}:${line}: malformed YAML: ${printable(error.message.split('\n')[0], 200)}`);
  }
  const duplicate = findDuplicateKey(doc, lineCounter);
  if (duplicate) throw new UsageError(`${file}:${duplicate.line}: ${printable(duplicate.key)}: the key is given twice`);
  const root = doc.contents;
  if (root === null) return { answers: {}, extra: {} };
  if (!isMap(root)) throw new UsageError(`${file}: expected a mapping of answers (key: value)`);
  const allowed = options.nested ? [...extraKeys, options.nested] : extraKeys;
  const extra: Record<string, ExtraField> = {};
  let answers: Partial_ = {};
  for (const pair of root.items) {
    const { key, where } = located(pair, file, lineCounter);
    if (options.nested !== undefined && key === options.nested) {
      const value = pair.value;
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value)) throw new UsageError(`${where}: expected a mapping of answers (key: value)`);
      answers = answersOf(value, doc, file, lineCounter, []);
      continue;
    }
    if (allowed.includes(key)) {
      extra[key] = { value: valueOf(pair, doc, where), where };
      continue;
    }
    if (options.nested !== undefined) throw new UsageError(`${where}: unknown key`, `allowed keys: ${allowed.join(', ')}`);
  }
  if (options.nested === undefined) answers = answersOf(root, doc, file, lineCounter, extraKeys);
  return { answers, extra };
}

type Pair = YAMLMap['items'][number];

function located(pair: Pair, file: string, lineCounter: LineCounter): { key: string; where: string } {
  const keyNode = pair.key;
  const key = isScalar(keyNode) ? String(keyNode.value) : '?';
  const line = keyNode && isScalar(keyNode) && keyNode.range ? lineCounter.linePos(keyNode.range[0]).line : 1;
  return { key, where: `${file}:${line}: ${printable(key)}` };
}

function valueOf(pair: Pair, doc: Document, where: string): unknown {
  try {
    // Through the document, so an alias gives its anchor's value; the alias cap stops a
    // "billion laughs" file from exhausting memory.
    return isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 100 }) : null;
  } catch (error) {
    throw new UsageError(`${where}: ${printable((error as Error).message.split('\n')[0], 200)}`);
  }
}

function answersOf(map: YAMLMap, doc: Document, file: string, lineCounter: LineCounter, skip: readonly string[]): Partial_ {
  const answers: Partial_ = {};
  for (const pair of map.items) {
    const { key, where } = located(pair, file, lineCounter);
    if (skip.includes(key)) continue;
    const option = OPTION_BY_KEY.get(key as AnswerKey);
    if (!option) {
      throw new UsageError(`${where}: unknown key`, `allowed keys: ${[...OPTION_BY_KEY.keys(), ...skip].join(', ')}`);
    }
    const raw = valueOf(pair, doc, where);
    // An empty value means "not given": the default or a prompt fills it.
    if (raw !== null) (answers as Record<string, unknown>)[key] = coerce(option, raw, where);
  }
  return answers;
}

function presetPath(nameOrFile: string): { path: string; shown: string } {
  if (/^[a-z0-9-]+$/.test(nameOrFile) && !nameOrFile.endsWith('.yaml')) {
    return { path: join(PRESETS_DIR, `${nameOrFile}.yaml`), shown: `presets/${nameOrFile}.yaml` };
  }
  return { path: nameOrFile, shown: printable(nameOrFile, Infinity) };
}

export function loadPreset(nameOrFile: string): Partial_ {
  const { path, shown } = presetPath(nameOrFile);
  const text = readInputFile(path, {
    shown,
    missing: () => {
      const known = listPresets().map((p) => p.name).join(', ');
      return new UsageError(`preset "${printable(nameOrFile)}" not found`, `built-in presets: ${known}; or give the path of a YAML file`);
    },
  });
  return parseAnswers(text, shown, ['description']).answers;
}

export function listPresets(): PresetInfo[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(PRESETS_DIR, file), 'utf8');
      const { extra } = parseAnswers(text, `presets/${file}`, ['description']);
      return { name: basename(file, '.yaml'), description: String(extra.description?.value ?? '') };
    });
}
