// Every built-in preset, generated and checked by real Helm 3 and Helm 4.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPreset } from '../src/preset.js';
import { generateInto, tempRoot, verifyProject } from './support/project.js';

const presets = readdirSync(join(import.meta.dirname, '..', 'presets')).map((f) => f.replace(/\.yaml$/, '')).sort();
const root = tempRoot('ck8s-presets-');
afterAll(() => root.cleanup());

describe('built-in presets', () => {
  it('ships the presets the README lists', () => {
    expect(presets).toEqual(expect.arrayContaining(['api', 'cron-job', 'grpc-service', 'minimal', 'queue-worker', 'web-app']));
  });

  it.each(presets)('%s passes helm lint --strict, helm template and every check on Helm 3 and 4', async (name) => {
    const dir = join(root.dir, name);
    const answers = await generateInto(dir, { ...loadPreset(name), name: `demo-${name}` });
    const result = await verifyProject(dir, answers);
    expect(result.failures).toEqual([]);
    expect(result.objects).toBeGreaterThan(5);
  });
});
