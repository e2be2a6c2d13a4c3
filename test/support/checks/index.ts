// Checks over rendered manifests (the parsed documents of `helm template`), for the tests. They know
// the kinds the generator renders and no others; schema validation lives in ./schema.ts.
import { checkBasics } from './basics.js';
import { validObjects, type CheckOptions, type Finding } from './common.js';
import { checkCrossRefs } from './crossref.js';
import { checkPss } from './pss.js';

export type { CheckOptions, Finding } from './common.js';
export { checkBasics, imageProblem } from './basics.js';
export { checkCrossRefs } from './crossref.js';
export { checkPss } from './pss.js';

/** Pod Security Standards at `options.security`, cross-references and production basics. */
export function checkObjects(objects: unknown[], options: CheckOptions): Finding[] {
  const objs = validObjects(objects);
  return [...checkPss(objs, options.security), ...checkCrossRefs(objs, options), ...checkBasics(objs)];
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `[${f.check}] ${f.kind}/${f.name} ${f.field}: ${f.message}`).join('\n');
}
