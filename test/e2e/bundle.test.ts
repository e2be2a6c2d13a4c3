// The bundle renders with templates precompiled at build time (Handlebars.precompile, run on
// the Handlebars runtime); the tests elsewhere render with templates compiled from templates/ at run
// time. Both must give the same bytes, or the tests would be proving a different program.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeAnswers } from '../../src/metadata.js';
import type { Partial_ } from '../../src/options.js';
import { render } from '../../src/render.js';
import { parseBase } from '../../src/upgrade/base.js';
import { everyCombination } from '../support/combinations.js';
import { runCli } from '../support/cli.js';
import { answersFor, builtin, tempRoot } from '../support/project.js';

const REPO = join(import.meta.dirname, '..', '..');
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;

const root = tempRoot('ck8s-bundle-');
afterAll(() => root.cleanup());

function flags(given: Partial_): string[] {
  return Object.entries(given).flatMap(([key, value]) => {
    if (value === undefined) return [];
    if (typeof value === 'boolean') return [value ? `--${key}` : `--no-${key}`];
    return [`--${key}`, Array.isArray(value) ? value.join(',') : String(value)];
  });
}

// Every app type, strategy, traffic router, scaling and KEDA trigger appears at least once.
const { accepted } = everyCombination(['dev', 'staging', 'prod']);
const seen = new Set<string>();
const cases = accepted.filter(({ id, ...c }) => {
  const features = [c.type, c.scaling, c['keda-trigger'], c.strategy, c.traffic, `${c.type}-${c.strategy}`, `${c.security}-${c.type}`];
  const fresh = features.some((f) => f !== undefined && !seen.has(f));
  for (const f of features) if (f !== undefined) seen.add(f);
  return fresh;
});

describe('the built CLI renders what the template sources render', () => {
  it.each(cases.map(({ id, ...given }, i) => [id, i, given] as const))('%s', async (_id, i, given) => {
    const extra: Partial_ = i % 3 === 0 ? { 'secret-keys': ['API_TOKEN'], monitoring: false } : {};
    const cwd = join(root.dir, `case-${i}`);
    mkdirSync(cwd);
    const r = runCli(['app', ...flags({ ...given, ...extra }), '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);

    const answers = await answersFor({ name: 'app', ...given, ...extra });
    const expected = render(answers, builtin(), VERSION);
    const written = parseBase(readFileSync(join(cwd, 'app', '.create-k8s-app', 'base.json'), 'utf8'), 'base.json');
    expect([...written.keys()]).toEqual([...expected.keys()]);
    for (const [path, content] of expected) {
      expect(written.get(path), path).toBe(content);
      expect(readFileSync(join(cwd, 'app', path), 'utf8'), path).toBe(content);
    }
    expect(readFileSync(join(cwd, 'app', '.create-k8s-app.yaml'), 'utf8')).toBe(serializeAnswers(answers, VERSION));
  });
});
