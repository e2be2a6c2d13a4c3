// The generated ApplicationSet as Argo CD expands it (Go text/template + sprig, missingkey=error)
// and each Application rendered by Helm with the release name, namespace and value files it names.
import { describe, expect, it } from 'vitest';
import { APP_TYPES } from '../../src/types.js';
import { generate, workloadOf } from './support.js';

describe.each(APP_TYPES)('%s ApplicationSet', (type) => {
  const project = generate({ type });

  it('renders one Application per environment under missingkey=error', async () => {
    const { releases, answers, appSetYaml } = await project;
    expect(appSetYaml).toMatch(/missingkey=error/);
    expect(releases.map((r) => r.app.metadata.name)).toEqual(answers.envs.map((env) => `shop-${env}`));
    for (const r of releases) {
      expect(r.app.spec.source.helm?.valueFiles).toEqual([`values-${r.env}.yaml`]);
      expect(r.app.spec.source.path).toBe('chart');
    }
  });

  it('each Application renders with its own release name and namespace', async () => {
    const { releases } = await project;
    for (const r of releases) {
      expect(r.releaseName).toBe('shop');
      expect(r.args).toEqual(expect.arrayContaining(['--name-template', 'shop', '--namespace', r.namespace]));
      expect(workloadOf(r.objects).metadata.labels['app.kubernetes.io/instance']).toBe(r.releaseName);
    }
    const namespaces = releases.map((r) => r.namespace);
    expect(new Set(namespaces).size).toBe(namespaces.length);
  });
});
