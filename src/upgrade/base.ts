import { UsageError } from '../errors.js';
import { printable } from '../validate.js';
import { byCodeUnit } from '../order.js';

/** Where the pristine output of the last generation is kept, relative to the project root. */
export const BASE_FILE = '.create-k8s-app/base.json';

/**
 * One JSON object, path → content as an array of lines, keys sorted. Lines rather than one
 * string so that a PR upgrading the generator shows a readable line diff of the base.
 * `split('\n')`/`join('\n')` round-trip exactly, including a missing final newline.
 */
export function serializeBase(files: Map<string, string>): string {
  const sorted = [...files].sort(([x], [y]) => byCodeUnit(x, y));
  return JSON.stringify(Object.fromEntries(sorted.map(([path, text]) => [path, text.split('\n')])), null, 2) + '\n';
}

/**
 * Reads what `serializeBase` wrote (plain string values are accepted too). The record is data,
 * not instructions: the upgrade writes and deletes the paths listed here, so each must be one
 * the generator itself produces (isGeneratedPath), or the whole record is refused.
 */
export function parseBase(text: string, where: string): Map<string, string> {
  const fail = (why: string) =>
    new UsageError(`${where}: ${why}`, `restore ${BASE_FILE} from version control, or regenerate the project`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw fail('expected a JSON object mapping file paths to contents');
  }
  const files = new Map<string, string>();
  for (const [path, value] of Object.entries(data)) {
    if (!isGeneratedPath(path)) throw fail(`"${printable(path)}" is not a path create-k8s-app generates`);
    if (typeof value === 'string') files.set(path, value);
    else if (Array.isArray(value) && value.every((l) => typeof l === 'string')) files.set(path, value.join('\n'));
    else throw fail(`the content of "${printable(path)}" must be an array of lines or a string`);
  }
  return files;
}

// What the generator writes, in this version or an earlier one: the README, the ApplicationSet,
// and the chart's own files (Chart.yaml, values files, templates and helm tests). Never a path
// outside these (.git/, the app's sources, the records themselves), never a hidden name.
const NAME = '[A-Za-z0-9_][A-Za-z0-9_.-]*';
const GENERATED = new RegExp(
  [
    'README\\.md',
    `argocd/${NAME}\\.yaml`,
    'chart/(?:Chart\\.yaml|\\.helmignore|README\\.md|values\\.yaml|values\\.schema\\.json)',
    'chart/values-[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\\.yaml',
    `chart/templates/(?:tests/)?${NAME}\\.(?:yaml|tpl|txt)`,
  ]
    .map((p) => `(?:${p})`)
    .join('|')
    .replace(/^/, '^(?:')
    .replace(/$/, ')$'),
);

/** Whether `path` is one the generator can produce; only those may be written or deleted on a record's word. */
export function isGeneratedPath(path: string): boolean {
  return GENERATED.test(path) && !path.split('/').some((seg) => seg === '.' || seg === '..');
}
