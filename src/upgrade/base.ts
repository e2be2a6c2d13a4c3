import { UsageError } from '../errors.js';

/** Where the pristine output of the last generation is kept, relative to the project root. */
export const BASE_FILE = '.create-k8s-app/base.json';

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

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
 * Reads what `serializeBase` wrote (plain string values are accepted too). Paths must be
 * relative and stay inside the project, since the upgrade may delete files listed here.
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
    if (!isProjectPath(path)) throw fail(`"${path}" is not a relative path inside the project`);
    if (typeof value === 'string') files.set(path, value);
    else if (Array.isArray(value) && value.every((l) => typeof l === 'string')) files.set(path, value.join('\n'));
    else throw fail(`the content of "${path}" must be an array of lines or a string`);
  }
  return files;
}

function isProjectPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
