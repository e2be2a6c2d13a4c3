// Writes the chart's values files, schema and README table from the model in ./model.ts. The
// layout (key lines, indentation, comments) is written here; every scalar goes through JSON or
// the yaml library, so no text can change the structure.
import { stringify } from 'yaml';
import type { EnvView, View } from '../view.js';
import type { Json, Value, ValuesModel, ValueType } from './model.js';

/** A value of the model as it applies to one set of answers. */
interface Resolved {
  value: Value;
  path: string[];
  default: Json;
  doc: string;
}

export function resolve(model: ValuesModel, v: View): Resolved[] {
  return model.values
    .filter((value) => value.when?.(v) ?? true)
    .map((value) => ({
      value,
      path: value.key.split('.'),
      default: typeof value.default === 'function' ? value.default(v) : value.default,
      doc: typeof value.doc === 'function' ? value.doc(v) : value.doc,
    }));
}

/** The values as Helm reads values.yaml: what `yaml.parse` gives for it. */
export function defaults(model: ValuesModel, v: View): { [key: string]: Json } {
  const root: { [key: string]: Json } = {};
  for (const r of resolve(model, v)) setPath(root, r.path, r.default);
  return root;
}

export function valuesYaml(model: ValuesModel, v: View): string {
  const lines = [
    `# Default values for ${v.name}. Each environment's values-<env>.yaml overrides only what differs.`,
    '# values.schema.json rejects unknown keys and wrong types, so a typo fails `helm lint` instead of',
    '# being silently ignored.',
  ];
  let open: string[] = [];
  for (const r of resolve(model, v)) {
    const parents = r.path.slice(0, -1);
    const shared = commonPrefix(open, parents);
    if (r.value.gap) lines.push('');
    if (r.value.heading) lines.push(`${pad(shared)}# ${r.value.heading}`);
    for (let depth = shared; depth < parents.length; depth++) lines.push(`${pad(depth)}${parents[depth]}:`);
    open = parents;
    const marker = r.value.type === 'object' ? ' [object]' : '';
    lines.push(`${pad(parents.length)}## @param ${r.value.key}${marker} ${r.doc}`);
    const note = r.value.note?.(v);
    lines.push(...entry(r.path[r.path.length - 1], r.default, parents.length, r.value.quoted, note ?? undefined));
  }
  return `${lines.join('\n')}\n`;
}

export function envValuesYaml(model: ValuesModel, v: View, env: EnvView): string {
  const applies = new Map(resolve(model, v).map((r) => [r.value.key, r.value]));
  const lines = [
    `# Values for the ${env.name} environment${env.isProd ? ' (production: the strict settings)' : ''}.`,
    '# Only what differs from values.yaml; Argo CD passes this file with `helm.valueFiles`.',
    '',
  ];
  let open: string[] = [];
  for (const override of model.perEnv) {
    const value = applies.get(override.key);
    if (!value) continue;
    const path = override.key.split('.');
    const parents = path.slice(0, -1);
    const shared = commonPrefix(open, parents);
    const own = override.value(env, v);
    // Each top-level block stands apart; top-level scalars (logLevel, replicaCount) stay together.
    if (shared === 0 && lines.length > 3 && (parents.length > 0 || isBlock(own))) lines.push('');
    for (let depth = shared; depth < parents.length; depth++) lines.push(`${pad(depth)}${parents[depth]}:`);
    open = parents;
    if (override.comment) lines.push(`${pad(parents.length)}# ${override.comment(env)}`);
    lines.push(...entry(path[path.length - 1], own, parents.length, value.quoted));
  }
  return `${lines.join('\n')}\n`;
}

/** Draft 07, which Helm 3 and Helm 4 both read: known keys typed, unknown keys rejected. */
export function valuesSchema(model: ValuesModel, v: View): string {
  const root = objectSchema();
  for (const r of resolve(model, v)) {
    let node = root;
    for (const part of r.path.slice(0, -1)) node = (node.properties[part] ??= objectSchema()) as ObjectSchema;
    node.properties[r.path[r.path.length - 1]] = TYPE_SCHEMA[r.value.type];
  }
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Chart values', ...root };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The chart README's values table: one row per value, its default as JSON. */
export function valuesTable(model: ValuesModel, v: View): string {
  const rows = resolve(model, v).map((r) => `| \`${r.value.key}\` | ${escapeCell(r.doc)} | \`${escapeCell(shown(r.default))}\` |`);
  return ['| Key | Description | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

interface ObjectSchema {
  type: 'object';
  properties: Record<string, object>;
  additionalProperties: false;
}

const objectSchema = (): ObjectSchema => ({ type: 'object', properties: {}, additionalProperties: false });

const TYPE_SCHEMA: Record<ValueType, object> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  'int-or-string': { type: ['integer', 'string'] },
  array: { type: 'array' },
  object: { type: 'object' },
};

function shown(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

// ------------------------------------------------------------------ YAML layout

const pad = (depth: number) => '  '.repeat(depth);

function commonPrefix(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function setPath(root: { [key: string]: Json }, path: string[], value: Json): void {
  let node = root;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as { [key: string]: Json };
  node[path[path.length - 1]] = value;
}

const isBlock = (value: Json) => typeof value === 'object' && value !== null && Object.keys(value).length > 0;

/** `key: value`, or `key:` and the value's lines below it; a note goes above its first item. */
function entry(key: string, value: Json, depth: number, quoted: Value['quoted'], note?: string): string[] {
  return block(key, value, depth, quoted === 'values', note, quoted === 'keys');
}

function block(name: string, value: Json, depth: number, quoteValues: boolean, note?: string, quoteKeys = false): string[] {
  if (!isBlock(value)) return [`${pad(depth)}${name}: ${scalar(value, quoteValues)}`];
  const lines = [`${pad(depth)}${name}:`];
  if (note) lines.push(`${pad(depth + 1)}# ${note}`);
  if (Array.isArray(value)) {
    for (const item of value) lines.push(...listItem(item, depth + 1, quoteValues));
  } else {
    for (const [key, child] of Object.entries(value as { [key: string]: Json })) {
      lines.push(...block(quoteKeys ? JSON.stringify(key) : key, child, depth + 1, quoteValues));
    }
  }
  return lines;
}

/** `- scalar`, or a mapping whose first key shares the dash's line. */
function listItem(item: Json, depth: number, quoteValues: boolean): string[] {
  if (Array.isArray(item)) throw new Error('a list directly inside a list has no layout here');
  if (!isBlock(item)) return [`${pad(depth)}- ${scalar(item, quoteValues)}`];
  const lines = Object.entries(item as { [key: string]: Json }).flatMap(([key, child]) => block(key, child, depth + 1, quoteValues));
  lines[0] = `${pad(depth)}- ${lines[0].slice(pad(depth + 1).length)}`;
  return lines;
}

/** Text from the answers as JSON (a valid YAML double-quoted scalar); anything else as yaml writes it. */
function scalar(value: Json, quote: boolean): string {
  if (typeof value === 'string' && quote) return JSON.stringify(value);
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return stringify(value, { lineWidth: 0 }).slice(0, -1);
}
