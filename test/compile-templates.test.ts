// scripts/compile-templates.mjs emits plain JavaScript for the templates the bundle ships; for
// every construct it accepts it must give what Handlebars gives (strict, no escaping), including
// the errors of strict mode, and it must refuse the rest so the build can fall back.
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script, plain JavaScript without types
import { compileTemplate, RUNTIME, Unsupported } from '../scripts/compile-templates.mjs';
import { COMPILE_OPTIONS, HELPERS } from '../src/templates.js';

const names = Object.keys(HELPERS);

function ours(source: string): (context: object) => string {
  const body = `${RUNTIME}\nreturn ${compileTemplate(source, names)};`;
  return new Function('h', body)(HELPERS) as (context: object) => string;
}

function theirs(source: string): (context: object) => string {
  const hb = Handlebars.create();
  hb.registerHelper(HELPERS);
  return hb.compile(source, COMPILE_OPTIONS);
}

function outcome(render: () => string): { text?: string; error?: string } {
  try {
    return { text: render() };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}

const CONTEXT = {
  name: 'shop',
  zero: 0,
  empty: '',
  none: null,
  yes: true,
  no: false,
  list: ['a', 'b', 'c'],
  emptyList: [],
  map: { x: 1, y: 2 },
  emptyMap: {},
  nested: { deep: { value: 'v' }, list: [{ n: 1 }, { n: 2 }] },
  envs: [
    { name: 'staging', isProd: false, hosts: ['s1', 's2'] },
    { name: 'prod', isProd: true, hosts: [] },
  ],
  fn() {
    return 'from a function';
  },
};

const TEMPLATES = [
  'plain text, {{name}} and \\{{ .Values.helm }} and {{ "{{args.x}}" }}',
  '{{nested.deep.value}} {{this.name}} {{zero}} {{empty}}|{{yes}} {{no}} {{list}} {{map}}',
  '{{#if yes}}Y{{else}}N{{/if}}{{#if no}}Y{{else}}N{{/if}}{{#if zero}}Y{{else}}N{{/if}}{{#if emptyList}}Y{{else}}N{{/if}}{{#if emptyMap}}Y{{else}}N{{/if}}{{#if missing}}Y{{else}}N{{/if}}',
  '{{#unless yes}}U{{else}}not{{/unless}}{{#unless none}}U{{/unless}}',
  '{{#if no}}a{{else if yes}}b{{else}}c{{/if}}',
  '{{#each list}}{{@index}}:{{this}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}},{{/each}}',
  '{{#each map}}{{@key}}={{this}}{{#unless @last}}, {{/unless}}{{/each}}',
  '{{#each emptyList}}x{{else}}nothing{{/each}}{{#each missing}}x{{else}}absent{{/each}}',
  '{{#each envs}}{{name}}@{{../name}}[{{#each hosts}}{{this}}/{{../name}}/{{../../name}} {{else}}none{{/each}}]{{#if isProd}}!{{/if}}\n{{/each}}',
  '{{#each nested.list}}{{n}}{{/each}}',
  '{{q name}} {{q none}} {{json list}} {{concat "a-" name "-" zero}} {{#if (eq name "shop")}}eq{{/if}} {{#if (or no (and yes (not no)))}}logic{{/if}}',
  '{{q (concat name ".example.com")}}',
  'line\n{{#if yes}}\n  standalone block lines vanish\n{{/if}}\n  {{#each list}}\n  - {{this}}\n  {{/each}}\nend\n',
  '{{~#if yes~}}   trimmed   {{~/if~}}  |',
  '{{!-- a comment --}}{{! another }}kept',
  '{{fn}} {{#if fn}}called{{/if}}',
  // strict mode: a printed path that is not there is an error, a tested one is not
  '{{missing}}',
  '{{nested.missing}}',
  '{{#if nested.missing}}x{{/if}}ok',
  '{{missing.deeper}}',
];

describe('compiled templates', () => {
  it.each(TEMPLATES)('%j renders as Handlebars renders it', (source) => {
    const expected = outcome(() => theirs(source)(CONTEXT));
    const actual = outcome(() => ours(source)(CONTEXT));
    if (expected.error !== undefined) expect(actual.error).toBeDefined();
    else expect(actual).toEqual(expected);
  });

  it.each([
    ['{{#with map}}{{x}}{{/with}}'],
    ['{{lookup map "x"}}'],
    ['{{q name quote=true}}'],
    ['{{> partial}}'],
    ['{{#each list as |item|}}{{item}}{{/each}}'],
    ['{{@root.name}}'],
    ['{{unknownHelper name}}'],
    ['{{../name}}'],
  ])('refuses %j', (source) => {
    expect(() => compileTemplate(source, names)).toThrow(Unsupported);
  });
});
