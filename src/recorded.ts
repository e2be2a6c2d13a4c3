// Reads .create-k8s-app.yaml back, for upgrade. Kept apart from metadata.ts, which every
// generation loads: reading any YAML needs the YAML library, writing those few lines does not.
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { OPTION_BY_KEY, type Partial_ } from './options.js';
import type { AnswerKey, Answers } from './types.js';
import { readYamlSubset } from './values-reader.js';

export interface Recorded {
  version: string;
  /** fingerprint of the template set; absent in projects generated before it was recorded */
  templates?: string;
  answers: Partial<Answers>;
}

export async function parseRecorded(text: string, file: string): Promise<Recorded> {
  return readWritten(text) ?? (await readAny(text, file));
}

/**
 * The file as serializeAnswers writes it, read without the YAML library: `upgrade --check` over a
 * monorepo reads one per project, and the library takes milliseconds for each. Anything else —
 * a hand edit beyond the subset, an unknown key, a bad value — returns null and goes the full way,
 * which also gives the error its line number.
 */
function readWritten(text: string): Recorded | null {
  let doc: unknown;
  try {
    doc = readYamlSubset(text);
  } catch {
    return null;
  }
  if (!isMapping(doc) || Object.keys(doc).some((k) => k !== 'version' && k !== 'templates' && k !== 'answers')) return null;
  const { version, templates, answers: given = null } = doc;
  if (typeof version !== 'string' || (given !== null && !isMapping(given))) return null;
  if (templates !== undefined && typeof templates !== 'string') return null;
  const answers: Partial_ = {};
  try {
    for (const [key, raw] of Object.entries(given ?? {})) {
      const option = OPTION_BY_KEY.get(key as AnswerKey);
      if (!option) return null;
      if (raw !== null) (answers as Record<string, unknown>)[key] = coerce(option, raw, key);
    }
  } catch {
    return null;
  }
  return { version, ...(templates !== undefined && { templates }), answers };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** With the YAML library, loaded only for this. */
async function readAny(text: string, file: string): Promise<Recorded> {
  const { parseAnswers } = await import('./preset.js');
  // The answers are read where they stand, so an error names the line of the file itself.
  const { answers, extra } = parseAnswers(text, file, ['version', 'templates'], { nested: 'answers' });
  const { version, templates } = extra;
  if (typeof version !== 'string') throw new UsageError(`${file}: no generator version recorded`);
  if (templates !== undefined && templates !== null && typeof templates !== 'string') throw new UsageError(`${file}: templates: expected a fingerprint string`);
  return { version, ...(typeof templates === 'string' && { templates }), answers };
}
