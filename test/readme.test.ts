// The README is the published contract: it must not drift from the option table, the presets,
// the rejection rules or the CI entry point.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRIGGERS } from '../src/keda-triggers.js';
import { OPTIONS, OPTION_BY_KEY, RULES, flagOf } from '../src/options.js';
import { ROUTERS } from '../src/traffic.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = (title: string) => readme.split(`## ${title}`)[1].split('\n## ')[0];
/** The body rows of the first table under a `###` heading. */
const tableRows = (title: string) => readme.split(`### ${title}\n`)[1].split('\n#')[0].split(/\n\| ---.*\n/)[1].split('\n\n')[0].trim().split('\n');
const docsLink = (url: string) => `[${url.replace(/\/$/, '').split('/').pop()}](${url})`;

describe('README', () => {
  it('documents every option of the option table', () => {
    const options = section('Options');
    for (const option of OPTIONS) {
      const flag = option.kind === 'bool' ? `--[no-]${option.key}` : `--${flagOf(option)} ${option.arg}`;
      expect(options, flag).toContain(`\`${flag}\``);
      for (const choice of option.choices ?? []) expect(options, `${flag} ${choice}`).toContain(`\`${choice}\``);
    }
  });

  it('has one row per KEDA trigger, as src/keda-triggers.ts has it', () => {
    const expected = TRIGGERS.map((t) =>
      `| \`${t.name}\` | \`${t.type}\` | ${t.hint} | ${t.brokerPort ?? '—'} | ${t.auth === null ? 'none' : 'secretParameters' in t.auth ? t.auth.secretParameters.map((p) => `\`${p}\``).join(', ') : `${t.auth.podIdentity} pod identity`} | ${docsLink(t.docs)} |`);
    expect(tableRows('KEDA triggers')).toEqual(expected);
  });

  it('has one row per traffic router, as src/traffic.ts has it', () => {
    const expected = ROUTERS.map((r) => `| \`${r.name}\` | ${r.hint} | ${r.ingress ? `Ingress (\`${r.ingressClass}\`)` : 'its own route'} | ${docsLink(r.docs)} |`);
    expect(tableRows('Traffic routers')).toEqual(expected);
  });

  it('lists every built-in preset', () => {
    const presets = readdirSync(join(root, 'presets')).map((f) => f.replace(/\.yaml$/, ''));
    for (const preset of presets) expect(section('Presets')).toContain(`| \`${preset}\` |`);
  });

  it('publishes every rejected combination', () => {
    const table = readme.split('### Rejected combinations')[1].split('###')[0];
    for (const rule of RULES) for (const key of rule.keys) expect(table, key).toContain(`--${flagOf(OPTION_BY_KEY.get(key)!)}`);
    expect(table.split('\n').filter((l) => l.startsWith('| `')).length).toBe(RULES.length);
  });

  it('.ci/run runs exactly the README test command', () => {
    const command = /Run the tests:\n\n```sh\n(.+)\n```/.exec(readme)![1];
    expect(command).toBe('npm ci && npm test');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(ci).toEqual([command]);
  });
});
