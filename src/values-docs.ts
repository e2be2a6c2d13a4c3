// values.yaml is the one source for the chart's values docs and schema: each key carries a
// `## @param key description` comment (the Bitnami convention). `[object]` after the key marks a
// map users fill freely (annotations, probes, resources), which the schema leaves open.
// Not the yaml library: see values-reader.ts for why.
import { readValuesYaml as parse } from './values-reader.js';

interface Param {
  key: string;
  open: boolean;
  description: string;
}

const PARAM = /^\s*## @param ([A-Za-z0-9_.-]+)( \[object\])? (.*)$/;

function params(valuesYaml: string): Param[] {
  const out: Param[] = [];
  for (const line of valuesYaml.split('\n')) {
    const m = PARAM.exec(line);
    if (m) out.push({ key: m[1], open: Boolean(m[2]), description: m[3].trim() });
  }
  return out;
}

function lookup(values: unknown, key: string): unknown {
  let node = values;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

type Schema = Record<string, unknown>;
const INT_OR_STRING = new Set(['maxUnavailable', 'maxSurge', 'minAvailable']);

function infer(value: unknown, key: string, path: string, open: Set<string>): Schema {
  if (value === null || value === undefined) return {};
  if (Array.isArray(value)) return { type: 'array' };
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      if (INT_OR_STRING.has(key)) return { type: ['integer', 'string'] };
      return Number.isInteger(value) ? { type: 'integer' } : { type: 'number' };
    case 'string':
      return INT_OR_STRING.has(key) ? { type: ['integer', 'string'] } : { type: 'string' };
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 || open.has(path)) return { type: 'object' };
      const properties: Record<string, Schema> = {};
      for (const [k, v] of entries) properties[k] = infer(v, k, path ? `${path}.${k}` : k, open);
      return { type: 'object', properties, additionalProperties: false };
    }
    default:
      return {};
  }
}

function shown(value: unknown): string {
  const text = value === undefined ? '' : JSON.stringify(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return short.replace(/\|/g, '\\|');
}

export interface ValuesDocs {
  /** a draft-07 schema (read by Helm 3 and Helm 4): known keys typed, unknown keys rejected */
  schema: string;
  /** the chart README's values table, one row per documented key */
  table: string;
}

/** Both documents from one reading of values.yaml. */
export function valuesDocs(valuesYaml: string): ValuesDocs {
  const values = parse(valuesYaml) ?? {};
  const documented = params(valuesYaml);
  const open = new Set(documented.filter((p) => p.open).map((p) => p.key));
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Chart values', ...infer(values, '', '', open) };
  const rows = documented.map((p) => `| \`${p.key}\` | ${p.description.replace(/\|/g, '\\|')} | \`${shown(lookup(values, p.key))}\` |`);
  return {
    schema: `${JSON.stringify(schema, null, 2)}\n`,
    table: ['| Key | Description | Default |', '| --- | --- | --- |', ...rows].join('\n'),
  };
}
