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

/** What one environment's values-<env>.yaml sets, as `yaml.parse` gives it. */
export function envOverrides(model: ValuesModel, v: View, env: EnvView): { [key: string]: Json } {
  const applies = new Set(resolve(model, v).map((r) => r.value.key));
  const root: { [key: string]: Json } = {};
  for (const override of model.perEnv) if (applies.has(override.key)) setPath(root, override.key.split('.'), override.value(env, v));
  return root;
}

export function valuesYaml(model: ValuesModel, v: View): string {
  const lines = [
    `# Default values for ${v.name}. Each environment's values-<env>.yaml overrides only what differs.`,
    '# values.schema.json rejects unknown keys and wrong types, so a typo fails `helm lint` instead of',
    '# being silently ignored.',
  ];
  const parents = new Parents();
  for (const r of resolve(model, v)) {
    const depth = r.path.length - 1;
    if (r.value.gap) lines.push('');
    if (r.value.heading) lines.push(`${pad(parents.shared(r.path))}# ${r.value.heading}`);
    lines.push(...parents.open(r.path));
    const marker = r.value.type === 'object' ? ' [object]' : '';
    lines.push(`${pad(depth)}## @param ${r.value.key}${marker} ${r.doc}`);
    const note = r.value.note?.(v);
    lines.push(...entry(r.path[depth], r.default, depth, r.value.quoted, note ?? undefined));
  }
  return `${lines.join('\n')}\n`;
}

export function envValuesYaml(model: ValuesModel, v: View, env: EnvView): string {
  const applies = new Map(resolve(model, v).map((r) => [r.value.key, r.value]));
  const lines: string[] = [];
  const parents = new Parents();
  for (const override of model.perEnv) {
    const value = applies.get(override.key);
    if (!value) continue;
    const path = override.key.split('.');
    const depth = path.length - 1;
    const own = override.value(env, v);
    // Each top-level block stands apart; top-level scalars (logLevel, replicaCount) stay together.
    if (lines.length > 0 && parents.shared(path) === 0 && (depth > 0 || isBlock(own))) lines.push('');
    lines.push(...parents.open(path));
    if (override.comment) lines.push(`${pad(depth)}# ${override.comment(env)}`);
    lines.push(...entry(path[depth], own, depth, value.quoted));
  }
  const header = [
    `# Values for the ${env.name} environment${env.isProd ? ' (production: the strict settings)' : ''}.`,
    '# Only what differs from values.yaml; Argo CD passes this file with `helm.valueFiles`.',
  ];
  return `${[...header, '', ...lines].join('\n')}\n`;
}

/** Draft 07, which Helm 3 and Helm 4 both read: known keys typed, unknown keys rejected. */
export function valuesSchema(model: ValuesModel, v: View): string {
  const root = objectSchema();
  for (const r of resolve(model, v)) {
    let node = root;
    for (const part of r.path.slice(0, -1)) node = (node.properties[part] ??= objectSchema()) as ObjectSchema;
    node.properties[r.path[r.path.length - 1]] = { ...TYPE_SCHEMA[r.value.type], ...r.value.schema };
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

/**
 * The parent lines (`image:`) each key needs, written once: keys that share a parent must be
 * listed together, since a parent opened twice would be a duplicate key.
 */
class Parents {
  private current: string[] = [];
  private closed = new Set<string>();

  /** How many of the key's parents are open already. */
  shared(path: string[]): number {
    const parents = path.slice(0, -1);
    let i = 0;
    while (i < this.current.length && i < parents.length && this.current[i] === parents[i]) i++;
    return i;
  }

  /** The lines that open the key's parents not yet open. */
  open(path: string[]): string[] {
    const parents = path.slice(0, -1);
    const shared = this.shared(path);
    for (let depth = shared; depth < this.current.length; depth++) this.closed.add(this.current.slice(0, depth + 1).join('.'));
    const lines: string[] = [];
    for (let depth = shared; depth < parents.length; depth++) {
      const parent = parents.slice(0, depth + 1).join('.');
      if (this.closed.has(parent)) throw new Error(`values model: ${path.join('.')} is listed apart from the other ${parent}.* keys`);
      lines.push(`${pad(depth)}${parents[depth]}:`);
    }
    this.current = parents;
    return lines;
  }
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
