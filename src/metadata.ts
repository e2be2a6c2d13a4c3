// .create-k8s-app.yaml: the generator version and the answers, so an upgrade re-renders with
// exactly what produced the project. .create-k8s-app/base.json: that pristine output.
import { stringify } from 'yaml';
import { parseAnswers } from './preset.js';
import { UsageError } from './errors.js';
import { OPTIONS } from './options.js';
import { serializeBase, BASE_FILE } from './upgrade/base.js';
import type { Answers, Plan } from './types.js';

export const ANSWERS_FILE = '.create-k8s-app.yaml';
export { BASE_FILE };

export function serializeAnswers(answers: Answers, version: string): string {
  const ordered: Record<string, unknown> = {};
  for (const option of OPTIONS) ordered[option.key] = answers[option.key];
  return `# The answers this project was generated from; \`create-k8s-app upgrade\` re-renders with them.\n${stringify(
    { version, answers: ordered },
    { lineWidth: 0 },
  )}`;
}

export function parseRecorded(text: string, file: string): { version: string; answers: Partial<Answers> } {
  const { extra } = parseAnswers(text, file, ['version', 'answers']);
  const version = extra.version;
  if (typeof version !== 'string') throw new UsageError(`${file}: no generator version recorded`);
  const answersText = stringify(extra.answers ?? {});
  const { answers } = parseAnswers(answersText, `${file} (answers)`);
  return { version, answers };
}

/** Everything written for a new project: the rendered files plus the two records. */
export function withMetadata(plan: Plan, answers: Answers, version: string): Plan {
  const files = new Map(plan);
  files.set(ANSWERS_FILE, serializeAnswers(answers, version));
  files.set(BASE_FILE, serializeBase(plan));
  return files;
}
