// The ApplicationSet expansion (Go text/template + sprig, as argo-cd applicationset/utils/utils.go
// renders goTemplate) and the Helm call Argo CD makes for each Application
// (argo-cd reposerver/repository/repository.go helmTemplate).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { helmBinaries } from '../helm.js';
import { answersFor, builtin, tempRoot, writePlan } from '../project.js';
import { render } from '../../../src/render.js';
import { renderApplicationChart, renderApplications } from './appset.js';

const appSet = (template: string, options = '["missingkey=error"]', elements = '[{env: dev, ns: a-dev, replicas: 2}, {env: prod, ns: a-prod, replicas: 3}]') => `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  goTemplate: true
  goTemplateOptions: ${options}
  generators:
    - list:
        elements: ${elements}
  template:
${template}`;

const TEMPLATE = `    metadata:
      name: 'a-{{.env}}'
      labels:
        'env-{{.env}}': 'yes'
        team: '{{ .env | upper | printf "%s-team" }}'
    spec:
      project: default
      source: {repoURL: 'https://git.example/a.git', path: chart, helm: {valueFiles: ['values-{{.env}}.yaml'], parameters: [{name: replicas, value: '{{.replicas}}'}]}}
      destination: {server: 'https://kubernetes.default.svc', namespace: '{{.ns}}'}
      info: null
`;

describe('ApplicationSet rendering', () => {
  it('renders one Application per element, keys and values, with sprig functions', async () => {
    const apps = await renderApplications(appSet(TEMPLATE));
    expect(apps.map((a) => a.metadata.name)).toEqual(['a-dev', 'a-prod']);
    expect(apps[1]).toMatchObject({
      kind: 'Application',
      metadata: { labels: { 'env-prod': 'yes', team: 'PROD-team' } },
      spec: { destination: { namespace: 'a-prod' }, source: { helm: { valueFiles: ['values-prod.yaml'], parameters: [{ value: '3' }] } } },
    });
    expect(apps[0].spec).not.toHaveProperty('info'); // null fields are dropped
  });

  it('missingkey=error fails on an unknown key; without it Go prints <no value>', async () => {
    const typo = TEMPLATE.replace('{{.ns}}', '{{.namespace}}');
    await expect(renderApplications(appSet(typo))).rejects.toThrow(/map has no entry for key "namespace"/);
    const apps = await renderApplications(appSet(typo, '[]'));
    expect(apps[0].spec.destination.namespace).toBe('<no value>');
  });

  it('refuses what it does not model, and the functions Argo CD removes', async () => {
    await expect(renderApplications(appSet(TEMPLATE.replace("'a-{{.env}}'", "'{{ env \"HOME\" }}'")))).rejects.toThrow(/function "env" not defined/);
    await expect(renderApplications(appSet(TEMPLATE).replace('goTemplate: true', 'goTemplate: false'))).rejects.toThrow(/goTemplate/);
  });
});

describe('Applications rendered by Helm as Argo CD does', () => {
  const root = tempRoot('appset-helm-');
  afterAll(() => root.cleanup());

  it('uses helm.releaseName, destination.namespace and the value files relative to source.path', async () => {
    const answers = await answersFor({ name: 'shop', type: 'api' });
    await writePlan(root.dir, render(answers, builtin(), '1.2.3'));
    const [helm] = await helmBinaries();
    const apps = await renderApplications(readFileSync(`${root.dir}/argocd/applicationset.yaml`, 'utf8'));
    const staging = apps.find((a) => a.metadata.name === 'shop-staging')!;
    const rendered = await renderApplicationChart(helm.bin, root.dir, staging);
    expect(rendered.releaseName).toBe(staging.spec.source.helm?.releaseName);
    expect(rendered.namespace).toBe(staging.spec.destination.namespace);
    expect(rendered.args).toEqual(expect.arrayContaining(['--values', `${root.dir}/chart/values-staging.yaml`, '--include-crds']));
    const deployment = rendered.objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.metadata.labels['app.kubernetes.io/instance']).toBe(rendered.releaseName);
    // Without a release name the Application's name is Helm's release name.
    const unnamed = { ...staging, spec: { ...staging.spec, source: { ...staging.spec.source, helm: { ...staging.spec.source.helm, releaseName: undefined } } } };
    const byAppName = await renderApplicationChart(helm.bin, root.dir, unnamed);
    expect(byAppName.objects.find((o) => o.kind === 'Deployment')!.metadata.labels['app.kubernetes.io/instance']).toBe('shop-staging');
  });
});
