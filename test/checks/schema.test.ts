import { beforeAll, describe, expect, it } from 'vitest';
import { schemaReport, validateSchemas } from '../support/checks/schema.js';
import { canarySet, deploymentSet, find, podSpec, workerAndCronSet, type Obj } from './fixtures.js';

const applicationSet = (): Obj => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'web', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [{ list: { elements: [{ env: 'staging', cluster: 'https://kubernetes.default.svc', namespace: 'web-staging' }] } }],
    template: {
      metadata: { name: 'web-{{.env}}' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/example/web.git',
          targetRevision: 'main',
          path: 'chart',
          helm: { releaseName: 'web', valueFiles: ['values-{{.env}}.yaml'] },
        },
        destination: { server: '{{.cluster}}', namespace: '{{.namespace}}' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
          managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
        },
      },
    },
  },
});

const sealedSecret = (): Obj => ({
  apiVersion: 'bitnami.com/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'web-secrets' },
  spec: { encryptedData: { DB_PASSWORD: 'AgBy3i4OJSWK+PiTySYZZA==' }, template: { metadata: { name: 'web-secrets' } } },
});

const httpRoute = (): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web' },
  spec: {
    parentRefs: [{ name: 'gateway', namespace: 'gateway-system' }],
    hostnames: ['web.example.com'],
    rules: [{ backendRefs: [{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }],
  },
});

const grpcRoute = (): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GRPCRoute',
  metadata: { name: 'web' },
  spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [{ name: 'web-stable', port: 80 }] }] },
});

const extras = (): Obj[] => [applicationSet(), sealedSecret(), httpRoute(), grpcRoute()];

async function fieldsOf(objects: Obj[], check: string): Promise<string[]> {
  return (await validateSchemas(objects)).filter((f) => f.check === check).map((f) => `${f.kind}/${f.name} ${f.field}`);
}

// Loading the models and compiling their validators is the slow part (seconds on a busy
// machine); pay it once so each test stays within the default timeout.
beforeAll(async () => {
  await validateSchemas([...canarySet(), ...workerAndCronSet(), ...extras()]);
}, 120_000);

describe('validateSchemas', () => {
  it.each([
    ['canary', canarySet],
    ['deployment', deploymentSet],
    ['worker and cron', workerAndCronSet],
    ['ApplicationSet, SealedSecret, routes', extras],
  ])('accepts the good %s set', async (_, build) => {
    const report = await schemaReport(build());
    expect(report.findings).toEqual([]);
    expect(report.unvalidated).toEqual([]);
  });

  it('reports wrong types and missing required fields with their path', async () => {
    const objs = deploymentSet();
    find(objs, 'Deployment').spec.replicas = 'two';
    delete podSpec(objs, 'Deployment').containers[0].name;
    const findings = await validateSchemas(objs);
    expect(findings).toContainEqual(expect.objectContaining({ check: 'schema', kind: 'Deployment', name: 'web', field: 'spec.replicas' }));
    expect(findings).toContainEqual(expect.objectContaining({ check: 'schema', field: 'spec.template.spec.containers[0].name' }));
  });

  it('reports a CRD type error (Rollout setWeight must be an integer)', async () => {
    const objs = canarySet();
    find(objs, 'Rollout').spec.strategy.canary.steps[0].setWeight = 'ten';
    expect(await fieldsOf(objs, 'schema')).toEqual(['Rollout/web spec.strategy.canary.steps[0].setWeight']);
  });

  it("validates the Rollout's pod template against the core model too", async () => {
    const objs = [...canarySet(), ...extras()];
    podSpec(objs).containers[0].resources.requests.cpu = {}; // the Rollout CRD schema accepts this
    expect(await fieldsOf(objs, 'schema')).toEqual(['Rollout/web spec.template.spec.containers[0].resources.requests.cpu']);
  });

  it('reports an object with no known model, but only lists an Istio VirtualService as unvalidated', async () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web' }, spec: { hosts: ['web'] } };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    const report = await schemaReport([vs, widget]);
    expect(report.findings).toEqual([expect.objectContaining({ check: 'schema', kind: 'Widget', name: 'w', field: 'apiVersion' })]);
    expect(report.unvalidated).toEqual([expect.objectContaining({ kind: 'VirtualService', name: 'web' })]);
  });

  it('ignores null and empty documents', async () => {
    expect(await validateSchemas([null, undefined, 'text', ...deploymentSet()])).toEqual([]);
  });
});

describe('unknown fields', () => {
  const cases: [string, () => Obj[], (objs: Obj[]) => void, string][] = [
    ['Deployment spec.replica', deploymentSet, (o) => { find(o, 'Deployment').spec.replica = 2; }, 'Deployment/web spec.replica'],
    ['Deployment container field', deploymentSet, (o) => { podSpec(o, 'Deployment').containers[0].imagePullPolcy = 'Always'; },
      'Deployment/web spec.template.spec.containers[0].imagePullPolcy'],
    ['Service port field', deploymentSet, (o) => { find(o, 'Service').spec.ports[0].targetPrt = 8080; }, 'Service/web spec.ports[0].targetPrt'],
    ['HPA behavior field', deploymentSet, (o) => { find(o, 'HorizontalPodAutoscaler').spec.behavior.scaledown = {}; },
      'HorizontalPodAutoscaler/web spec.behavior.scaledown'],
    ['top-level typo', deploymentSet, (o) => { find(o, 'ConfigMap', 'web-config').dta = { a: 'b' }; }, 'ConfigMap/web-config dta'],
    ['Rollout canaryServce', canarySet, (o) => { find(o, 'Rollout').spec.strategy.canary.canaryServce = 'x'; },
      'Rollout/web spec.strategy.canary.canaryServce'],
    ['Rollout pod template (core round trip)', canarySet, (o) => { podSpec(o).containers[0].securityContext.readOnlyRootFilesytem = true; },
      'Rollout/web spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem'],
    ['AnalysisTemplate metric', canarySet, (o) => { find(o, 'AnalysisTemplate', 'web-success-rate').spec.metrics[0].sucessCondition = 'x'; },
      'AnalysisTemplate/web-success-rate spec.metrics[0].sucessCondition'],
    ['ServiceMonitor endpoint', canarySet, (o) => { find(o, 'ServiceMonitor').spec.endpoints[0].intervl = '1m'; },
      'ServiceMonitor/web spec.endpoints[0].intervl'],
    ['PrometheusRule rule', canarySet, (o) => { find(o, 'PrometheusRule').spec.groups[0].rules[0].severty = 'x'; },
      'PrometheusRule/web spec.groups[0].rules[0].severty'],
    ['ExternalSecret data', canarySet, (o) => { find(o, 'ExternalSecret').spec.data[0].remoteRf = {}; },
      'ExternalSecret/web spec.data[0].remoteRf'],
    ['ScaledObject spec', workerAndCronSet, (o) => { find(o, 'ScaledObject').spec.maxReplicaCunt = 3; }, 'ScaledObject/web spec.maxReplicaCunt'],
    ['TriggerAuthentication', workerAndCronSet, (o) => { find(o, 'TriggerAuthentication', 'web-kafka').spec.secretTargetRef[0].parm = 'x'; },
      'TriggerAuthentication/web-kafka spec.secretTargetRef[0].parm'],
    ['PodMonitor', workerAndCronSet, (o) => { find(o, 'PodMonitor').spec.podMetricsEndpoints[0].prt = 'x'; },
      'PodMonitor/web spec.podMetricsEndpoints[0].prt'],
    ['CronJob job template', workerAndCronSet, (o) => { find(o, 'CronJob', 'report').spec.jobTemplate.spec.backofLimit = 1; },
      'CronJob/report spec.jobTemplate.spec.backofLimit'],
    ['ApplicationSet template', extras, (o) => { find(o, 'ApplicationSet').spec.template.spec.syncPolcy = {}; },
      'ApplicationSet/web spec.template.spec.syncPolcy'],
    ['SealedSecret', extras, (o) => { find(o, 'SealedSecret', 'web-secrets').spec.templat = {}; }, 'SealedSecret/web-secrets spec.templat'],
    ['HTTPRoute backendRef', extras, (o) => { find(o, 'HTTPRoute').spec.rules[0].backendRefs[0].wieght = 1; },
      'HTTPRoute/web spec.rules[0].backendRefs[0].wieght'],
    ['GRPCRoute v1', extras, (o) => { find(o, 'GRPCRoute').spec.rule = []; }, 'GRPCRoute/web spec.rule'],
  ];

  it.each(cases)('%s', async (_, build, mutate, expected) => {
    const objs = build();
    mutate(objs);
    expect(await fieldsOf(objs, 'unknown-field')).toEqual([expected]);
  });

  it('accepts free-form maps, int-or-string and quantities', async () => {
    const objs = deploymentSet();
    const c = podSpec(objs, 'Deployment').containers[0];
    c.resources.limits.memory = 1073741824;
    c.resources.limits['example.com/gpu'] = 1;
    find(objs, 'Service').spec.ports[0].targetPort = 8080;
    find(objs, 'Deployment').spec.strategy.rollingUpdate.maxSurge = '25%';
    find(objs, 'Deployment').metadata.annotations = { 'example.com/any-key': 'x' };
    find(objs, 'ConfigMap', 'web-config').data['any.key-name'] = 'v';
    podSpec(objs, 'Deployment').nodeSelector = { 'kubernetes.io/os': 'linux' };
    expect(await validateSchemas(objs)).toEqual([]);
  });
});
