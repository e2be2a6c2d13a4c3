// .create-k8s-app.yaml: the generator version and the answers, so an upgrade re-renders with
// exactly what produced the project. .create-k8s-app/base.json: that pristine output.
// recorded.ts writes and reads the answers file.
import { builtinFingerprint } from './fingerprint.js';
import { serializeAnswers } from './recorded.js';
import { serializeBase, BASE_FILE } from './upgrade/base.js';
import type { Answers, Plan } from './types.js';

export const ANSWERS_FILE = '.create-k8s-app.yaml';
export { serializeAnswers };

/** Everything written for a new project: the rendered files plus the two records. */
export function withMetadata(plan: Plan, answers: Answers, version: string, templates = builtinFingerprint()): Plan {
  const files = new Map(plan);
  files.set(ANSWERS_FILE, serializeAnswers(answers, version, templates));
  files.set(BASE_FILE, serializeBase(plan));
  return files;
}
