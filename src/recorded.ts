// .create-k8s-app.yaml: the generator version and the answers a project was generated from, so
// `upgrade` re-renders with exactly those. Written and read with the yaml library.
import { stringify } from 'yaml';
import { UsageError } from './errors.js';
import { builtinFingerprint } from './fingerprint.js';
import { OPTIONS, type Partial_ } from './options.js';
import { parseAnswers } from './preset.js';
import type { Answers } from './types.js';

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

/**
 * The file as written above or edited by hand, read like a preset (the same limits and checks);
 * every problem names the file and the line.
 */
export async function parseRecorded(text: string, file: string): Promise<Recorded> {
  const { answers, extra } = parseAnswers(text, file, ['version', 'templates'], { nested: 'answers' });
  const version = extra.version?.value;
  if (typeof version !== 'string') throw new UsageError(`${extra.version?.where ?? file}: no generator version recorded`);
  const templates = extra.templates;
  if (templates && typeof templates.value !== 'string') throw new UsageError(`${templates.where}: expected the template set's fingerprint`);
  return { version, ...(templates && { templates: templates.value as string }), answers };
}
