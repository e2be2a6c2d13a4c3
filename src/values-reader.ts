// Reads the chart's values.yaml for its docs and schema without the YAML library: parsing it with
// `yaml` cost about half of a whole generation, cold. The templates write a small, regular subset
// of YAML — block mappings and sequences, one-line scalars, `[]`/`{}` and one-line flow lists —
// and this reads exactly that, giving what `yaml.parse` gives (test/values-reader.test.ts holds
// the two side by side over the option matrix). Anything else is refused with its line rather
// than guessed at: a template change that needs more fails the tests, loudly, at that line.
// upgrade reads .create-k8s-app.yaml with it too, and falls back to the library when refused.

interface Line {
  no: number;
  indent: number;
  text: string;
}

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export class OutsideSubset extends Error {}

const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;
/** A first character that gives a plain scalar another meaning, or is reserved (`-`, `?`, `:` only before a space). */
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?:\s|$))/;

/** A plain scalar as the YAML 1.2 core schema resolves it (what `yaml` does by default). */
export function resolvePlain(text: string): Value {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT.test(text) || FLOAT.test(text)) return Number(text);
  if (OCT.test(text)) return parseInt(text.slice(2), 8);
  if (HEX.test(text)) return parseInt(text.slice(2), 16);
  if (INF.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  return text;
}

// The chart README's table and the schema both read the same values.yaml; read it once.
let last: { source: string; value: Value } | undefined;

/** The value `yaml.parse` gives for `source`; callers must not modify it (it is shared). */
export function readValuesYaml(source: string): Value {
  if (last?.source !== source) {
    try {
      last = { source, value: readYamlSubset(source) };
    } catch (error) {
      if (error instanceof OutsideSubset) throw new OutsideSubset(`the generated chart/values.yaml: ${error.message}`);
      throw error;
    }
  }
  return last.value;
}

/** The value `yaml.parse` gives for `source`, new on every call; OutsideSubset for other YAML. */
export function readYamlSubset(source: string): Value {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) return;
    const indent = line.length - body.length;
    const fail = (why: string): never => {
      throw new OutsideSubset(`YAML line ${i + 1}: ${why}; src/values-reader.ts reads block mappings and lists with one-line values`);
    };
    if (line.slice(0, indent).includes('\t')) fail('a tab in the indentation');
    if (indent === 0 && /^(?:---|\.\.\.)(?:\s|$)|^%/.test(body)) fail('a document marker or directive');
    lines.push({ no: i + 1, indent, text: body.trimEnd() });
  });
  let at = 0;

  const fail = (line: Line | undefined, why: string): never => {
    throw new OutsideSubset(
      `YAML line ${line?.no ?? 'end'}: ${why}; src/values-reader.ts reads block mappings and lists with one-line values`,
    );
  };
  const isItem = (text: string) => text === '-' || text.startsWith('- ');

  /** Where a key's `:` is: the first `: ` (or a final `:`) outside quotes; -1 for none. */
  function keyEnd(text: string): number {
    if (text[0] === '"' || text[0] === "'") {
      const close = quoteEnd(text, 0);
      return close >= 0 && /^\s*:(?:\s|$)/.test(text.slice(close + 1)) ? text.indexOf(':', close + 1) : -1;
    }
    const m = /:(?:\s|$)/.exec(text);
    return m ? m.index : -1;
  }

  /** Index of the quote closing the one at `start`, or -1. */
  function quoteEnd(text: string, start: number): number {
    const q = text[start];
    for (let i = start + 1; i < text.length; i++) {
      if (q === '"' && text[i] === '\\') i++;
      else if (text[i] === q) {
        if (q === "'" && text[i + 1] === "'") i++;
        else return i;
      }
    }
    return -1;
  }

  /** A quoted scalar at the start of `text`: its value and what follows it. */
  function quoted(text: string, line: Line): [string, string] {
    const close = quoteEnd(text, 0);
    if (close < 0) return fail(line, 'a quoted string that goes on past its line');
    const body = text.slice(0, close + 1);
    let value: string;
    if (body[0] === "'") value = body.slice(1, -1).replace(/''/g, "'");
    else {
      try {
        value = JSON.parse(body) as string;
      } catch {
        return fail(line, 'a double-quoted string with an escape JSON does not share');
      }
    }
    return [value, text.slice(close + 1)];
  }

  function key(text: string, line: Line): string {
    let name: string;
    if (text[0] === '"' || text[0] === "'") {
      const [value, rest] = quoted(text, line);
      if (rest.trim() !== '') fail(line, 'text between a quoted key and its colon');
      name = value;
    } else {
      name = text.trimEnd();
      if (INDICATOR.test(name) || name.includes(' #')) fail(line, `the key ${JSON.stringify(name)}`);
      if (typeof resolvePlain(name) !== 'string') fail(line, `the key ${name}, which YAML reads as a non-string`);
    }
    if (name === '__proto__' || name === '<<') fail(line, `the key ${name}`);
    return name;
  }

  /** A value on the same line as its key or dash; undefined when there is none (a block follows). */
  function inlineValue(text: string, line: Line): Value | undefined {
    if (text === '' || text.startsWith('#')) return undefined;
    const c = text[0];
    if (c === '"' || c === "'") {
      const [value, rest] = quoted(text, line);
      if (!/^(?:\s+#.*)?\s*$/.test(rest)) fail(line, 'text after a quoted value');
      return value;
    }
    if (c === '[' || c === '{') return flow(text, line);
    const plain = text.replace(/\s+#.*$/, '').trimEnd();
    if (INDICATOR.test(plain)) fail(line, `a value starting with ${JSON.stringify(c)}`);
    if (/:(?:\s|$)/.test(plain)) fail(line, 'a second key on one line');
    return resolvePlain(plain);
  }

  /** `[a, "b"]` or `{k: v}`, on one line, holding scalars only. */
  function flow(text: string, line: Line): Value {
    const close = text[0] === '[' ? ']' : '}';
    const end = text.indexOf(close);
    if (end < 0 || !/^(?:\s+#.*)?\s*$/.test(text.slice(end + 1))) fail(line, 'a flow collection that is not one line');
    const inner = text.slice(1, end).trim();
    if (/[[\]{}]/.test(inner)) fail(line, 'a nested flow collection');
    if (/["']/.test(inner)) fail(line, 'quotes inside a flow collection');
    const items = inner === '' ? [] : inner.split(',').map((s) => s.trim());
    if (items.some((s) => s === '' || INDICATOR.test(s) || s.includes('#'))) fail(line, 'a flow collection item outside the subset');
    if (close === ']') return items.map(resolvePlain);
    const map: { [key: string]: Value } = {};
    for (const item of items) {
      const colon = item.indexOf(': ');
      if (colon < 0 || item.indexOf(':', colon + 1) >= 0) fail(line, 'a flow mapping entry outside the subset');
      const k = key(item.slice(0, colon), line);
      if (Object.hasOwn(map, k)) fail(line, `the key ${k} twice`);
      map[k] = resolvePlain(item.slice(colon + 2).trim());
    }
    return map;
  }

  /** What follows a key or dash with nothing after it: a deeper block, a list at the key's own indent, or null. */
  function nested(parent: Line, allowSameIndentList: boolean): Value {
    const next = lines[at];
    if (next && next.indent > parent.indent) return block(next.indent);
    if (allowSameIndentList && next && next.indent === parent.indent && isItem(next.text)) return list(next.indent);
    return null;
  }

  function afterScalar(line: Line): void {
    const next = lines[at];
    if (next && next.indent > line.indent) fail(next, 'a value continued on the next line');
  }

  function mapping(indent: number): Value {
    const map: { [key: string]: Value } = {};
    while (at < lines.length && lines[at].indent === indent) {
      const line = lines[at];
      if (isItem(line.text)) fail(line, 'a list item among mapping keys');
      const colon = keyEnd(line.text);
      if (colon < 0) fail(line, 'a line that is neither a key nor a list item');
      const k = key(line.text.slice(0, colon), line);
      if (Object.hasOwn(map, k)) fail(line, `the key ${k} twice`);
      at++;
      const value = inlineValue(line.text.slice(colon + 1).trimStart(), line);
      if (value === undefined) map[k] = nested(line, true);
      else {
        map[k] = value;
        afterScalar(line);
      }
    }
    return map;
  }

  function list(indent: number): Value {
    const items: Value[] = [];
    while (at < lines.length && lines[at].indent === indent && isItem(lines[at].text)) {
      const line = lines[at];
      const rest = line.text.slice(1).trimStart();
      if (isItem(rest)) fail(line, 'a list directly inside a list item');
      if (rest !== '' && !rest.startsWith('#') && keyEnd(rest) >= 0 && rest[0] !== '[' && rest[0] !== '{') {
        // `- key: value` opens a mapping whose keys line up with this first one.
        lines[at] = { no: line.no, indent: line.indent + (line.text.length - rest.length), text: rest };
        items.push(mapping(lines[at].indent));
        continue;
      }
      at++;
      const value = inlineValue(rest, line);
      if (value === undefined) items.push(nested(line, false));
      else {
        items.push(value);
        afterScalar(line);
      }
    }
    return items;
  }

  function block(indent: number): Value {
    return isItem(lines[at].text) ? list(indent) : mapping(indent);
  }

  if (lines.length === 0) return null;
  let root: Value;
  if (keyEnd(lines[0].text) < 0 && !isItem(lines[0].text)) {
    at = 1;
    root = inlineValue(lines[0].text, lines[0]) ?? null;
  } else root = block(lines[0].indent);
  if (at < lines.length) fail(lines[at], 'indentation that matches no enclosing block');
  return root;
}
