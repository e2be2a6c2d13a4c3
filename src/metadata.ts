// .create-k8s-app.yaml: the generator version and the answers, so an upgrade re-renders with
// exactly what produced the project. .create-k8s-app/base.json: that pristine output.
// Reading them back is upgrade's business (recorded.ts), which is where the YAML library loads.
import { builtinFingerprint } from './fingerprint.js';
import { OPTIONS } from './options.js';
import { serializeBase, BASE_FILE } from './upgrade/base.js';
import type { Answers, Plan } from './types.js';
import { resolvePlain } from './values-reader.js';

export const ANSWERS_FILE = '.create-k8s-app.yaml';
export { BASE_FILE };

/**
 * Written by hand rather than with `yaml.stringify`, which would load the YAML library into every
 * generation for one small file; the bytes are the same (test/metadata.test.ts compares them).
 */
export function serializeAnswers(answers: Answers, version: string, templates = builtinFingerprint()): string {
  const lines = [
    '# The answers this project was generated from; `create-k8s-app upgrade` re-renders with them.',
    `version: ${yamlScalar(version)}`,
    `templates: ${yamlScalar(templates)}`,
    'answers:',
  ];
  for (const option of OPTIONS) {
    const value: unknown = answers[option.key];
    if (!Array.isArray(value)) lines.push(`  ${option.key}: ${yamlScalar(value)}`);
    else if (value.length === 0) lines.push(`  ${option.key}: []`);
    else lines.push(`  ${option.key}:`, ...value.map((item) => `    - ${yamlScalar(item)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** What keeps a string from being written plain: indicators first, blanks at the ends, `: ` and ` #` inside. */
const NOT_PLAIN = /^$|^[,[\]{}#&*!|>'"%@`]|^[-?:](?:\s|$)|^\s|\s$|:\s|\s#|:$|[\n\r\x00-\x08\x0b-\x1f\x7f]/;

/** A scalar as yaml.stringify writes it: plain when it reads back as the same string, else quoted. */
function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  if (!NOT_PLAIN.test(value) && typeof resolvePlain(value) === 'string') return value;
  // Like yaml: single quotes when that spares escaping a double quote; otherwise JSON's, which
  // YAML reads alike (the answers never hold the control characters where the two differ).
  if (value.includes('"') && !value.includes("'") && !value.includes('\\')) return `'${value}'`;
  return JSON.stringify(value);
}

/** Everything written for a new project: the rendered files plus the two records. */
export function withMetadata(plan: Plan, answers: Answers, version: string, templates = builtinFingerprint()): Plan {
  const files = new Map(plan);
  files.set(ANSWERS_FILE, serializeAnswers(answers, version, templates));
  files.set(BASE_FILE, serializeBase(plan));
  return files;
}
