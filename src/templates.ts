// Templates are Handlebars; the Helm files they produce are Go templates. Both use {{ }}.
// A chart template is literal Helm inside `{{{{helm}}}} … {{{{/helm}}}}` (a raw block: Handlebars
// leaves its text alone), or, where the file differs by answers, Handlebars inside
// `{{#helm}} … {{/helm}}` with Helm expressions written `\{{ ... }}`. Either way the one
// generation-time value inside Helm code is the chart name, written `<CHARTNAME>` as in Helm's own
// starter charts. Handlebars runs in strict mode without HTML escaping: a misspelt answer fails
// loudly and nothing reaches YAML as `&amp;`.
import type { HelperDelegate, HelperOptions } from 'handlebars';

export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

/** Emits a YAML double-quoted scalar: JSON strings are valid YAML, so any text stays inert. */
const quote: HelperDelegate = (value: unknown) => JSON.stringify(value === null || value === undefined ? '' : String(value));

/** The placeholder `helm create --starter` replaces with the chart name, used the same way here. */
export const CHART_NAME_PLACEHOLDER = '<CHARTNAME>';

/** `{{{{helm}}}}` / `{{#helm}}`: the block's text with the chart name put in. */
function helm(this: { name: string }, options: HelperOptions): string {
  // A function, so no `$&`-style pattern in a name is ever expanded.
  return options.fn(this).replaceAll(CHART_NAME_PLACEHOLDER, () => this.name);
}

export const HELPERS: Record<string, HelperDelegate> = {
  helm,
  q: quote,
  json: (value: unknown) => JSON.stringify(value),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  eq: (a: unknown, b: unknown) => a === b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (value: unknown) => !value,
};
