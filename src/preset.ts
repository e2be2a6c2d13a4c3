// Presets and recorded answers files: YAML mappings whose keys are the flag names.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { OPTION_BY_KEY, type Partial_ } from './options.js';
import type { AnswerKey } from './types.js';
import { PRESETS_DIR } from './paths.js';
import { printable } from './validate.js';


export interface PresetInfo {
  name: string;
  description: string;
}

/** Parses answers YAML; every problem names the file, the line and the key. */
export function parseAnswers(text: string, file: string, extraKeys: readonly string[] = []): { answers: Partial_; extra: Record<string, unknown> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new UsageError(`${file}:${line}: malformed YAML: ${error.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (root === null) return { answers: {}, extra: {} };
  if (!isMap(root)) throw new UsageError(`${file}: expected a mapping of answers (key: value)`);
  const answers: Partial_ = {};
  const extra: Record<string, unknown> = {};
  for (const pair of root.items) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : '?';
    const line = keyNode && isScalar(keyNode) && keyNode.range ? lineCounter.linePos(keyNode.range[0]).line : 1;
    const where = `${file}:${line}: ${printable(key)}`;
    let raw: unknown;
    try {
      // Through the document, so an alias gives its anchor's value; the alias cap stops a
      // "billion laughs" file from exhausting memory.
      raw = isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 100 }) : null;
    } catch (error) {
      throw new UsageError(`${where}: ${(error as Error).message.split('\n')[0]}`);
    }
    if (extraKeys.includes(key)) {
      extra[key] = raw;
      continue;
    }
    const option = OPTION_BY_KEY.get(key as AnswerKey);
    if (!option) {
      throw new UsageError(`${where}: unknown key`, `allowed keys: ${[...OPTION_BY_KEY.keys(), ...extraKeys].join(', ')}`);
    }
    // An empty value means "not given": the default or a prompt fills it.
    if (raw !== null) (answers as Record<string, unknown>)[key] = coerce(option, raw, where);
  }
  return { answers, extra };
}

function presetPath(nameOrFile: string): { path: string; shown: string } {
  if (/^[a-z0-9-]+$/.test(nameOrFile) && !nameOrFile.endsWith('.yaml')) {
    return { path: join(PRESETS_DIR, `${nameOrFile}.yaml`), shown: `presets/${nameOrFile}.yaml` };
  }
  return { path: nameOrFile, shown: printable(nameOrFile, Infinity) };
}

export function loadPreset(nameOrFile: string): Partial_ {
  const { path, shown } = presetPath(nameOrFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const known = listPresets().map((p) => p.name).join(', ');
    throw new UsageError(`preset "${printable(nameOrFile)}" not found`, `built-in presets: ${known}; or give the path of a YAML file`);
  }
  return parseAnswers(text, shown, ['description']).answers;
}

export function listPresets(): PresetInfo[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(PRESETS_DIR, file), 'utf8');
      const { extra } = parseAnswers(text, `presets/${file}`, ['description']);
      return { name: basename(file, '.yaml'), description: String(extra.description ?? '') };
    });
}
