// serializeAnswers writes .create-k8s-app.yaml without the YAML library; it must write what
// `yaml.stringify` wrote before it, and whatever it writes must read back as the same answers.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { serializeAnswers } from '../src/metadata.js';
import { parseRecorded } from '../src/recorded.js';
import { OPTIONS } from '../src/options.js';
import type { Answers } from '../src/types.js';
import { everyCombination } from './support/combinations.js';
import { answersFor } from './support/project.js';

const FP = '0123456789ab';

function withYaml(answers: Answers, version: string): string {
  const ordered: Record<string, unknown> = {};
  for (const option of OPTIONS) ordered[option.key] = answers[option.key];
  return `# The answers this project was generated from; \`create-k8s-app upgrade\` re-renders with them.\n${stringify({ version, templates: FP, answers: ordered }, { lineWidth: 0 })}`;
}

describe('serializeAnswers', () => {
  it('writes the bytes yaml.stringify writes, for every accepted combination', async () => {
    const { accepted } = everyCombination();
    for (const { id, ...given } of accepted) {
      const answers = await answersFor({ name: 'shop', ...given });
      expect(serializeAnswers(answers, '0.1.0', FP), id).toBe(withYaml(answers, '0.1.0'));
    }
  });

  it('quotes, as yaml does, strings that YAML would read as something else', async () => {
    const base = await answersFor({ name: 'shop' });
    const strings = ['123', 'true', 'False', '1e5', 'null', '~', '0x10', '0o7', '.inf', '-1.5', '', '-', '---', '<<'];
    strings.push("it's", 'a b', 'a#b', 'a,b', 'a[b]', 'a"b', 'a: b', 'a :b', 'a:b', 'a:', 'x #y', 'x# y', '- z', '-z', '?z', '? z');
    strings.push(':z', ': z', ' lead', 'trail ', 'é', 'a|b', 'a*b', '%a', '@a', '`a', '!a', '&a', '*a', '|a', '>a', "'a", '"a', '#a');
    strings.push(',a', '[a', '{a', '~a', 'a~b', 'say "hi"', `it's "x"`);
    for (const text of strings) {
      const answers = { ...base, name: text, envs: [text, 'prod'] };
      expect(serializeAnswers(answers, '1.0.0', FP), JSON.stringify(text)).toBe(withYaml(answers, '1.0.0'));
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
  ])('round-trips and matches yaml for %o', async (given) => {
    const answers = await answersFor({ name: 'shop', ...given });
    const text = serializeAnswers(answers, '1.2.3-rc.1', FP);
    expect(text).toBe(withYaml(answers, '1.2.3-rc.1'));
    const recorded = await parseRecorded(text, '.create-k8s-app.yaml');
    expect(recorded.version).toBe('1.2.3-rc.1');
    expect(recorded.templates).toBe(FP);
    for (const option of OPTIONS) {
      const value = answers[option.key];
      if (value !== null) expect(recorded.answers[option.key], option.key).toStrictEqual(value);
    }
  });

  it('reads records edited by hand as before: the subset directly, the rest through the YAML library', async () => {
    const answers = await answersFor({ name: 'shop' });
    const text = serializeAnswers(answers, '0.1.0', FP);
    const expected = await parseRecorded(text, '.create-k8s-app.yaml');
    const edits = [
      text.replace('answers:\n', '# edited by hand\nanswers:   # the answers\n'),
      text.replace(/envs:\n {4}- staging\n {4}- prod/, 'envs: [staging, prod]'),
      text.replace('name: shop', "name: 'shop'"),
      text.replace('name: shop', 'name: &n shop'),
      text.replace('type: web', 'type: !!str web'),
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(text);
      expect(await parseRecorded(edited, '.create-k8s-app.yaml'), edited).toEqual(expected);
    }
    // The line of the file itself, not of the answers mapping read on its own.
    const portLine = text.split('\n').findIndex((line) => line === '  port: 8080') + 1;
    expect(portLine).toBeGreaterThan(10);
    await expect(parseRecorded(text.replace('port: 8080', 'port: eighty'), '.create-k8s-app.yaml')).rejects.toThrow(
      new RegExp(`^\\.create-k8s-app\\.yaml:${portLine}: port: expected a number`),
    );
    const nameLine = text.split('\n').findIndex((line) => line === '  name: shop') + 1;
    await expect(parseRecorded(text.replace('name: shop', 'name: Shop!'), '.create-k8s-app.yaml')).rejects.toThrow(
      new RegExp(`^\\.create-k8s-app\\.yaml:${nameLine}: name: `),
    );
    await expect(parseRecorded(text.replace('answers:\n', 'answers:\n  colour: red\n'), '.create-k8s-app.yaml')).rejects.toThrow(
      /^\.create-k8s-app\.yaml:5: colour: unknown key$/,
    );
    await expect(parseRecorded(text.replace('  type: web\n', '  type: web\n  type: api\n'), '.create-k8s-app.yaml')).rejects.toThrow(
      /^\.create-k8s-app\.yaml:\d+: type: the key is given twice$/,
    );
    await expect(parseRecorded(text.replace('version: 0.1.0', 'version: 1'), '.create-k8s-app.yaml')).rejects.toThrow(/no generator version/);
  });
});
