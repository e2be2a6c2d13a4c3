// .create-k8s-app.yaml is written and read through the yaml library (src/recorded.ts); what it
// writes must read back as the same answers, and a hand-edited file's problems name their line.
import { describe, expect, it } from 'vitest';
import { serializeAnswers } from '../src/metadata.js';
import { parseRecorded } from '../src/recorded.js';
import { OPTIONS } from '../src/options.js';
import type { Answers } from '../src/types.js';
import { everyCombination } from './support/combinations.js';
import { answersFor } from './support/project.js';

const FILE = '.create-k8s-app.yaml';
const FP = '0123456789ab';

function expectSameAnswers(read: Partial<Answers>, answers: Answers, id: string) {
  for (const option of OPTIONS) {
    const value = answers[option.key];
    // null means "does not apply": nothing is read back for it, and resolve fills it in again.
    if (value === null) expect(read[option.key], `${id} ${option.key}`).toBeUndefined();
    else expect(read[option.key], `${id} ${option.key}`).toStrictEqual(value);
  }
}

/** The line of `text` on which `needle` first appears. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('.create-k8s-app.yaml', () => {
  it('writes the version and every answer in the option order, one per line', async () => {
    const answers = await answersFor({ name: 'shop' });
    expect(serializeAnswers(answers, '0.1.0', FP)).toBe(`# The answers this project was generated from; \`create-k8s-app upgrade\` re-renders with them.
version: 0.1.0
templates: 0123456789ab
answers:
  name: shop
  type: web
  envs:
    - staging
    - prod
  scaling: hpa
  keda-trigger: null
  schedule: null
  timezone: null
  strategy: rolling
  traffic: none
  websocket: false
  security: restricted
  secret-keys: []
  secrets: null
  image: registry.example.com/shop:0.1.0
  port: 8080
  host: shop.example.com
  repo-url: https://git.example.com/platform/shop.git
  repo-path: .
  clusters:
    staging: https://kubernetes.default.svc
    prod: https://kubernetes.default.svc
  monitoring: true
  slo: 99.9
`);
  });

  it('reads back the answers of every accepted combination', async () => {
    const { accepted } = everyCombination();
    for (const { id, ...given } of accepted) {
      const answers = await answersFor({ name: 'shop', ...given });
      const recorded = await parseRecorded(serializeAnswers(answers, '0.1.0'), FILE);
      expect(recorded.version).toBe('0.1.0');
      expectSameAnswers(recorded.answers, answers, id);
    }
  });

  it.each([
    { name: 'a' },
    { host: '*.apps.example.com' },
    { image: 'ghcr.io/acme/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
    { 'repo-url': 'git@github.com:acme/platform.git' },
    { 'repo-url': 'ssh://git@example.com:2222/acme/platform.git' },
    { 'repo-url': 'https://example.com/acme/platform%20x~y.git' },
    { 'repo-path': 'apps/shop' },
    { 'secret-keys': ['API_TOKEN', 'DB_PASSWORD'] },
    { type: 'cron' as const, port: undefined },
  ])('round-trips %o', async (given) => {
    const answers = await answersFor({ name: 'shop', ...given });
    const recorded = await parseRecorded(serializeAnswers(answers, '1.2.3-rc.1', FP), FILE);
    expect(recorded.version).toBe('1.2.3-rc.1');
    expect(recorded.templates).toBe(FP);
    expectSameAnswers(recorded.answers, answers, JSON.stringify(given));
  });

  it('reads records edited by hand', async () => {
    const answers = await answersFor({ name: 'shop' });
    const text = serializeAnswers(answers, '0.1.0');
    const expected = await parseRecorded(text, FILE);
    const edits = [
      text.replace('answers:\n', '# edited by hand\nanswers:   # the answers\n'),
      text.replace(/envs:\n {4}- staging\n {4}- prod/, 'envs: [staging, prod]'),
      text.replace('name: shop', "name: 'shop'"),
      text.replace('name: shop', 'name: &n shop'),
      text.replace('type: web', 'type: !!str web'),
      text.replace('  keda-trigger: null\n', ''),
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(text);
      expect(await parseRecorded(edited, FILE), edited).toEqual(expected);
    }
  });

  it('names the file and the line of every problem', async () => {
    const text = serializeAnswers(await answersFor({ name: 'shop' }), '0.1.0');
    const cases: [string, string, RegExp][] = [
      [text.replace('port: 8080', 'port: eighty'), 'port: eighty', /: port: expected/],
      [text.replace('  port: 8080', '  colour: blue'), 'colour: blue', /: colour: unknown key$/],
      [text.replace('answers:', 'extra: 1\nanswers:'), 'extra: 1', /: extra: unknown key$/],
      [text.replace('  type: web', '  type: web\n  type: api'), '  type: api', /: type: the key is given twice$/],
      [text.replace('version: 0.1.0', 'version: 1'), 'version: 1', /: version: no generator version recorded$/],
      [text.replace('  name: shop', '  name: *nowhere'), 'name: *nowhere', /: name: Unresolved alias/],
    ];
    for (const [edited, needle, message] of cases) {
      const error = await parseRecorded(edited, FILE).then(() => null, (e: Error) => e);
      expect(error?.message, needle).toMatch(message);
      expect(error?.message, needle).toMatch(new RegExp(`^\\.create-k8s-app\\.yaml:${lineOf(edited, needle)}: `));
    }
    await expect(parseRecorded('answers: {}\n', FILE)).rejects.toThrow(/^\.create-k8s-app\.yaml: no generator version recorded$/);
    await expect(parseRecorded('version: 0.1.0\nanswers: [a]\n', FILE)).rejects.toThrow(/^\.create-k8s-app\.yaml:2: answers: expected a mapping/);
  });
});
