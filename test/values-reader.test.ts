// values-reader.ts stands in for `yaml.parse` on the generated values files; it must give the same
// value for everything the templates write, and refuse, never misread, anything else.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { render } from '../src/render.js';
import { OutsideSubset, readValuesYaml } from '../src/values-reader.js';
import { everyCombination } from './support/combinations.js';
import { answersFor, builtin } from './support/project.js';

/** Same as yaml.parse, or refused: the two outcomes that are allowed. */
function agreesOrRefuses(text: string): 'same' | 'refused' {
  let ours: unknown;
  try {
    ours = readValuesYaml(text);
  } catch (error) {
    if (error instanceof OutsideSubset) return 'refused';
    throw error;
  }
  expect(ours).toStrictEqual(parse(text));
  return 'same';
}

describe('values reader', () => {
  it('reads every generated values file as yaml.parse does', async () => {
    const { accepted } = everyCombination(['dev', 'staging', 'prod']);
    let files = 0;
    for (const combination of accepted) {
      const { id: _id, ...given } = combination;
      for (const extra of [{}, { 'secret-keys': ['API_TOKEN', 'DB_PASSWORD'] }, { monitoring: false, host: '*.apps.example.com' }]) {
        const plan = render(await answersFor({ name: 'shop', ...given, ...extra }), builtin(), '1.0.0');
        for (const [path, text] of plan) {
          if (!/^chart\/values.*\.yaml$/.test(path)) continue;
          expect(readValuesYaml(text), `${combination.id} ${path}`).toStrictEqual(parse(text));
          files++;
        }
      }
    }
    expect(files).toBeGreaterThan(100);
  });

  it('resolves scalars by the YAML 1.2 core schema', () => {
    const text = [
      'a: ~', 'b: null', 'c: NULL', 'd:', 'e: true', 'f: False', 'g: 10', 'h: -3', 'i: +4', 'j: 007', 'k: 0o17', 'l: 0x1F',
      'm: 1.5', 'n: .5', 'o: 5.', 'p: 1e3', 'q: -.inf', 'r: .NaN', 's: yes', 't: no', 'u: on', 'v: 1_000', 'w: 25%',
      'x: 100m', 'y: http://prometheus:9090', 'z: busybox:1.37.0', 'aa: "quoted # not a comment"', "ab: 'it''s'",
      'ac: plain # a comment', 'ad: a#b', 'ae: "\\u00e9\\n"', 'af: -x', 'ag: []', 'ah: {}', 'ai: [1, two, 3.5, null]',
      'aj: {x: 1, y: b}', '"quoted key": 1', 'a.b/c-d: 2',
    ].join('\n');
    expect(agreesOrRefuses(text)).toBe('same');
  });

  it('reads nested mappings, lists of mappings and lists at the key’s indent', () => {
    const text = `# comment
root:
  child:
    grandchild: 1   # trailing

  list:
    - a
    - "b"
    -
      deep: true
  compact:
  - x
  - y
  maps:
    - type: Percent
      value: 100
      nested:
        k: v
    - type: Pods
      value: 4
  empty:
after: end
`;
    expect(agreesOrRefuses(text)).toBe('same');
    expect(agreesOrRefuses('')).toBe('same');
    expect(agreesOrRefuses('# only a comment\n')).toBe('same');
    expect(agreesOrRefuses('- a\n- b: 1\n  c: 2\n')).toBe('same');
  });

  it.each([
    ['a block scalar', 'a: |\n  text\n'],
    ['a folded scalar', 'a: >-\n  text\n'],
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a nested flow collection', 'a: [[1], 2]\n'],
    ['a multi-line flow collection', 'a: [1,\n  2]\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a bad dedent', 'a:\n    b: 1\n  c: 2\n'],
    ['a tab indent', 'a:\n\tb: 1\n'],
    ['a YAML-only escape', 'a: "\\x41"\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: 1\n'],
    ['two keys on a line', 'a: b: c\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => readValuesYaml(text)).toThrow(OutsideSubset);
  });
});
