// Templates are Handlebars; the Helm files they produce are Go templates. Both use {{ }}, so
// Helm expressions are written `\{{ ... }}` in templates and Handlebars runs in strict mode
// without HTML escaping: a misspelt answer fails loudly and nothing reaches YAML as `&amp;`.
import type { HelperDelegate } from 'handlebars';

export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

/** Emits a YAML double-quoted scalar: JSON strings are valid YAML, so any text stays inert. */
const quote: HelperDelegate = (value: unknown) => JSON.stringify(value === null || value === undefined ? '' : String(value));

export const HELPERS: Record<string, HelperDelegate> = {
  q: quote,
  json: (value: unknown) => JSON.stringify(value),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  eq: (a: unknown, b: unknown) => a === b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (value: unknown) => !value,
};
