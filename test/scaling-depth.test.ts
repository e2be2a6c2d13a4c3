// Autoscaling depth, rendered by real Helm 3 and Helm 4: autoscaling switched off per environment
// (a fixed replica count, no HPA or ScaledObject), extra HPA metrics, KEDA scale to zero with each
// trigger's activation value (and KEDA's admission warnings still quiet), the VerticalPodAutoscaler
// per scaling mode and only where its CRD exists, and the WebSocket timeouts of every router.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { render } from '../src/render.js';
import { TRIGGERS } from '../src/keda-triggers.js';
import type { Partial_ } from '../src/options.js';
import { kedaWarnings } from './behaviour/keda-rules.js';
import { checkObjects, formatFindings } from './support/checks/index.js';
import { validateSchemas } from './support/checks/schema.js';
import { helmBinaries, runHelm, type HelmBinary } from './support/helm.js';
import { answersFor, builtin, tempRoot, writePlan } from './support/project.js';

type Obj = Record<string, any>;

const root = tempRoot('ck8s-scaling-depth-');
afterAll(() => root.cleanup());
let n = 0;

const securityOf = new Map<string, 'baseline' | 'restricted'>();

/** Generates a project (app `shop`) and returns its chart directory. */
async function chartOf(given: Partial_): Promise<string> {
  const dir = join(root.dir, `p${n++}`);
  const answers = await answersFor({ name: 'shop', ...given });
  await writePlan(dir, render(answers, builtin(), '1.2.3'));
  securityOf.set(join(dir, 'chart'), answers.security);
  return join(dir, 'chart');
}

/**
 * The checks every generated combination passes (schemas, Pod Security Standards, cross-references:
 * an autoscaler targets an existing workload that then omits replicas), on one render. The VPA has
 * no published model; its fields are asserted by the tests below.
 */
async function findings(chart: string, objects: Obj[]): Promise<string> {
  const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
  const external = [values.keda?.auth?.secretName].filter((name): name is string => typeof name === 'string');
  const found = [
    ...checkObjects(objects, { security: securityOf.get(chart)!, externalSecrets: external }),
    ...(await validateSchemas(objects.filter((o) => o.kind !== 'VerticalPodAutoscaler'))),
  ];
  return formatFindings(found);
}

interface TemplateOptions {
  env?: string;
  /** extra values, written to a file passed after the environment's */
  values?: string;
  apis?: string[];
}

/** `helm template` of the chart as an environment deploys it; fails the test on a Helm error. */
async function template(helm: HelmBinary, chart: string, options: TemplateOptions = {}): Promise<Obj[]> {
  const args = ['template', 'shop', chart, '--namespace', 'shop-prod', '-f', join(chart, `values-${options.env ?? 'prod'}.yaml`)];
  if (options.values) {
    const file = join(chart, `extra-${n++}.yaml`);
    writeFileSync(file, options.values);
    args.push('-f', file);
  }
  for (const api of options.apis ?? []) args.push('--api-versions', api);
  const result = await runHelm(helm.bin, args);
  expect(result.stderr, `${helm.name} template`).toBe('');
  expect(result.code).toBe(0);
  const objects: Obj[] = parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((o) => o);
  expect(await findings(chart, objects)).toBe('');
  return objects;
}

/** And `helm lint --strict` with the same values: the schema accepts them. */
async function lint(helm: HelmBinary, chart: string, values: string, env = 'prod'): Promise<void> {
  const file = join(chart, `extra-${n++}.yaml`);
  writeFileSync(file, values);
  const result = await runHelm(helm.bin, ['lint', '--strict', chart, '-f', join(chart, `values-${env}.yaml`), '-f', file]);
  expect(result.code, `${helm.name} lint: ${result.stdout}${result.stderr}`).toBe(0);
}

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const workload = (objects: Obj[]) => objects.find((o) => ['Deployment', 'Rollout'].includes(o.kind))!;

const helms = await helmBinaries();

describe.each(helms.map((h) => [h.name, h] as const))('autoscaling.enabled per environment (%s)', (_name, helm) => {
  it.each([
    ['hpa', { type: 'web', scaling: 'hpa' }, 'HorizontalPodAutoscaler'],
    ['hpa with a canary Rollout', { type: 'api', scaling: 'hpa', strategy: 'canary', traffic: 'nginx' }, 'HorizontalPodAutoscaler'],
    ['keda', { type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka' }, 'ScaledObject'],
    ['keda with a Rollout', { type: 'worker', scaling: 'keda', 'keda-trigger': 'rabbitmq', strategy: 'canary' }, 'ScaledObject'],
  ] as const)('%s: on by default, off gives a fixed replicaCount and no autoscaler', async (_label, given, kind) => {
    const chart = await chartOf(given as Partial_);
    const on = await template(helm, chart, { env: 'staging' });
    expect(ofKind(on, kind)).toHaveLength(1);
    expect(workload(on).spec).not.toHaveProperty('replicas');

    const off = await template(helm, chart, { env: 'staging', values: 'autoscaling:\n  enabled: false\n' });
    expect(ofKind(off, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(off, 'ScaledObject')).toEqual([]);
    expect(ofKind(off, 'TriggerAuthentication')).toEqual([]);
    expect(workload(off).spec.replicas).toBe(1); // values-staging.yaml's replicaCount
    // prod keeps its autoscaler: the switch is per environment.
    expect(ofKind(await template(helm, chart, { env: 'prod' }), kind)).toHaveLength(1);
  });

  it('a fixed-scaling app has no switch: the schema rejects autoscaling.enabled', async () => {
    const chart = await chartOf({ type: 'web', scaling: 'none' });
    expect(workload(await template(helm, chart)).spec.replicas).toBe(3);
    const file = join(chart, 'bad.yaml');
    writeFileSync(file, 'autoscaling:\n  enabled: false\n');
    const result = await runHelm(helm.bin, ['lint', '--strict', chart, '-f', file]);
    expect(result.code).not.toBe(0);
  });
});

describe.each(helms.map((h) => [h.name, h] as const))('HPA extra metrics (%s)', (_name, helm) => {
  it('appends Pods and External metrics after cpu and memory', async () => {
    const chart = await chartOf({ type: 'web', scaling: 'hpa' });
    const extra = [
      'autoscaling:',
      '  extraMetrics:',
      '    - type: Pods',
      '      pods:',
      '        metric: {name: http_requests_per_second}',
      '        target: {type: AverageValue, averageValue: "10"}',
      '    - type: External',
      '      external:',
      '        metric: {name: queue_depth, selector: {matchLabels: {queue: orders}}}',
      '        target: {type: Value, value: "100"}',
      '',
    ].join('\n');
    await lint(helm, chart, extra);
    const [hpa] = ofKind(await template(helm, chart, { values: extra }), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics.map((m: Obj) => m.type)).toEqual(['Resource', 'Resource', 'Pods', 'External']);
    expect(hpa.spec.metrics[2].pods.metric.name).toBe('http_requests_per_second');
    expect(hpa.spec.metrics[3].external.target).toEqual({ type: 'Value', value: '100' });
    // By default only cpu and memory.
    const [plain] = ofKind(await template(helm, chart), 'HorizontalPodAutoscaler');
    expect(plain.spec.metrics.map((m: Obj) => m.resource.name)).toEqual(['cpu', 'memory']);
  });

  it('the schema types extraMetrics as a list', async () => {
    const chart = await chartOf({ type: 'web', scaling: 'hpa' });
    const file = join(chart, 'bad.yaml');
    writeFileSync(file, 'autoscaling:\n  extraMetrics: {type: Pods}\n');
    expect((await runHelm(helm.bin, ['lint', '--strict', chart, '-f', file])).code).not.toBe(0);
  });
});

describe.each(helms.map((h) => [h.name, h] as const))('KEDA scale to zero (%s)', (_name, helm) => {
  const cases = TRIGGERS.map((t) => [t.name, t.activation?.field ?? null] as const);
  it.each(cases)('%s: the activation value is rendered at minReplicas 0 only, and KEDA warns of nothing', async (trigger, field) => {
    const chart = await chartOf({ type: 'worker', scaling: 'keda', 'keda-trigger': trigger });
    const [atOne] = ofKind(await template(helm, chart), 'ScaledObject');
    expect(atOne.spec.minReplicaCount).toBe(3);
    expect(kedaWarnings(atOne)).toEqual([]);
    expect(Object.keys(atOne.spec.triggers[0].metadata).filter((k) => k.startsWith('activation'))).toEqual([]);

    const zero = 'keda:\n  minReplicas: 0\n';
    await lint(helm, chart, zero);
    const [atZero] = ofKind(await template(helm, chart, { values: zero }), 'ScaledObject');
    expect(atZero.spec.minReplicaCount).toBe(0);
    expect(atZero.spec).toHaveProperty('pollingInterval');
    expect(atZero.spec).toHaveProperty('cooldownPeriod');
    expect(kedaWarnings(atZero)).toEqual([]);
    const metadata = atZero.spec.triggers[0].metadata;
    if (field === null) {
      // The cron scaler has no activation value: the window itself wakes the workload.
      expect(Object.keys(metadata).filter((k) => k.startsWith('activation'))).toEqual([]);
    } else {
      expect(metadata[field]).toBe('0');
    }
  });

  it('the activation value comes from the values file', async () => {
    const chart = await chartOf({ type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka' });
    const values = 'keda:\n  minReplicas: 0\n  kafka:\n    activationLagThreshold: 25\n';
    await lint(helm, chart, values);
    const [so] = ofKind(await template(helm, chart, { values }), 'ScaledObject');
    expect(so.spec.triggers[0].metadata).toMatchObject({ lagThreshold: '50', activationLagThreshold: '25' });
  });
});

const VPA_API = 'autoscaling.k8s.io/v1/VerticalPodAutoscaler';
const VPA_ON = 'vpa:\n  enabled: true\n';

describe.each(helms.map((h) => [h.name, h] as const))('VerticalPodAutoscaler (%s)', (_name, helm) => {
  const vpaOf = (objects: Obj[]) => ofKind(objects, 'VerticalPodAutoscaler');

  it('is off by default, and rendered only where its CRD exists', async () => {
    const chart = await chartOf({ type: 'web', scaling: 'hpa' });
    expect(vpaOf(await template(helm, chart, { apis: [VPA_API] }))).toEqual([]);
    await lint(helm, chart, VPA_ON);
    expect(vpaOf(await template(helm, chart, { values: VPA_ON }))).toEqual([]);
    expect(vpaOf(await template(helm, chart, { values: VPA_ON, apis: [VPA_API] }))).toHaveLength(1);
  });

  it.each([
    // [answers, values besides vpa.enabled, expected kind, apiVersion, updateMode]
    [{ type: 'web', scaling: 'hpa' }, '', 'Deployment', 'apps/v1', 'Off'],
    [{ type: 'web', scaling: 'hpa' }, 'autoscaling:\n  enabled: false\n', 'Deployment', 'apps/v1', 'Recreate'],
    [{ type: 'api', scaling: 'hpa', strategy: 'canary', traffic: 'istio' }, '', 'Rollout', 'argoproj.io/v1alpha1', 'Off'],
    [{ type: 'worker', scaling: 'keda', 'keda-trigger': 'redis' }, '', 'Deployment', 'apps/v1', 'Off'],
    [{ type: 'worker', scaling: 'keda', 'keda-trigger': 'redis', strategy: 'canary' }, 'autoscaling:\n  enabled: false\n', 'Rollout', 'argoproj.io/v1alpha1', 'Recreate'],
    [{ type: 'grpc', scaling: 'none', strategy: 'blue-green' }, '', 'Rollout', 'argoproj.io/v1alpha1', 'Recreate'],
    [{ type: 'web', scaling: 'none' }, 'vpa:\n  updateMode: InPlaceOrRecreate\n', 'Deployment', 'apps/v1', 'InPlaceOrRecreate'],
    // An autoscaler keeps the VPA in recommendation mode whatever vpa.updateMode says.
    [{ type: 'web', scaling: 'hpa' }, 'vpa:\n  updateMode: InPlaceOrRecreate\n', 'Deployment', 'apps/v1', 'Off'],
    [{ type: 'cron' }, '', 'CronJob', 'batch/v1', 'Initial'],
  ] as const)('%o %j: targets its %s (%s), updateMode %s', async (given, extra, kind, apiVersion, mode) => {
    const chart = await chartOf(given as Partial_);
    const values = `${VPA_ON}${extra}`.replace('vpa:\n  enabled: true\nvpa:\n', 'vpa:\n  enabled: true\n');
    await lint(helm, chart, values);
    const objects = await template(helm, chart, { values, apis: [VPA_API, 'argoproj.io/v1alpha1/Rollout'] });
    const [vpa] = vpaOf(objects);
    expect(vpa.apiVersion).toBe('autoscaling.k8s.io/v1');
    const target = objects.find((o) => o.kind === kind)!;
    expect(vpa.spec.targetRef).toEqual({ apiVersion: target.apiVersion, kind, name: target.metadata.name });
    expect(target.apiVersion).toBe(apiVersion);
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: mode });
    // Only the app container is sized; anything injected beside it is left alone.
    const appContainer = kind === 'CronJob' ? target.spec.jobTemplate.spec.template.spec.containers[0] : target.spec.template.spec.containers[0];
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([
      { containerName: appContainer.name, controlledResources: ['cpu', 'memory'] },
      { containerName: '*', mode: 'Off' },
    ]);
  });

  it('passes minAllowed and maxAllowed through', async () => {
    const chart = await chartOf({ type: 'web', scaling: 'none' });
    const values = 'vpa:\n  enabled: true\n  minAllowed: {cpu: 50m, memory: 64Mi}\n  maxAllowed: {cpu: "2", memory: 2Gi}\n';
    await lint(helm, chart, values);
    const [vpa] = vpaOf(await template(helm, chart, { values, apis: [VPA_API] }));
    expect(vpa.spec.resourcePolicy.containerPolicies[0]).toMatchObject({ minAllowed: { cpu: '50m', memory: '64Mi' }, maxAllowed: { cpu: '2', memory: '2Gi' } });
  });
});

describe.each(helms.map((h) => [h.name, h] as const))('--websocket (%s)', (_name, helm) => {
  const NGINX_READ = 'nginx.ingress.kubernetes.io/proxy-read-timeout';
  const NGINX_SEND = 'nginx.ingress.kubernetes.io/proxy-send-timeout';
  const ALB_ATTRIBUTES = 'alb.ingress.kubernetes.io/load-balancer-attributes';
  const annotations = (objects: Obj[]) => ofKind(objects, 'Ingress')[0].metadata.annotations ?? {};
  const noSnippet = (objects: Obj[]) => {
    for (const o of objects) expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.includes('snippet'))).toEqual([]);
  };

  it.each([
    ['web, rolling (nginx Ingress)', { type: 'web' }],
    ['api, canary through nginx', { type: 'api', strategy: 'canary', traffic: 'nginx' }],
  ] as const)('%s: long nginx read and send timeouts, and none without it', async (_label, given) => {
    const on = await template(helm, await chartOf({ ...given, websocket: true } as Partial_));
    expect(annotations(on)).toMatchObject({ [NGINX_READ]: '3600', [NGINX_SEND]: '3600' });
    noSnippet(on);
    const off = await template(helm, await chartOf(given as Partial_));
    expect(annotations(off)).not.toHaveProperty(NGINX_READ);
    expect(annotations(off)).not.toHaveProperty(NGINX_SEND);
  });

  it('websocket.timeoutSeconds and websocket.enabled are values: an environment can change them', async () => {
    const chart = await chartOf({ type: 'web', websocket: true });
    const values = 'websocket:\n  timeoutSeconds: 600\n';
    await lint(helm, chart, values);
    expect(annotations(await template(helm, chart, { values }))).toMatchObject({ [NGINX_READ]: '600', [NGINX_SEND]: '600' });
    expect(annotations(await template(helm, chart, { values: 'websocket:\n  enabled: false\n' }))).not.toHaveProperty(NGINX_READ);
    // And without --websocket, turning it on in values gives the same Ingress.
    const plain = await chartOf({ type: 'web' });
    expect(annotations(await template(helm, plain, { values: 'websocket:\n  enabled: true\n' }))).toMatchObject({ [NGINX_READ]: '3600' });
  });

  it('ALB: the idle timeout attribute, and no nginx annotation', async () => {
    const on = await template(helm, await chartOf({ type: 'web', strategy: 'canary', traffic: 'alb', websocket: true }));
    expect(annotations(on)[ALB_ATTRIBUTES]).toBe('idle_timeout.timeout_seconds=3600');
    expect(annotations(on)).not.toHaveProperty(NGINX_READ);
    noSnippet(on);
    const off = await template(helm, await chartOf({ type: 'web', strategy: 'canary', traffic: 'alb' }));
    expect(annotations(off)).not.toHaveProperty(ALB_ATTRIBUTES);
  });

  it('Gateway API: the HTTPRoute rule disables its request timeouts (0s)', async () => {
    const [on] = ofKind(await template(helm, await chartOf({ type: 'api', strategy: 'canary', traffic: 'gateway-api', websocket: true })), 'HTTPRoute');
    expect(on.spec.rules).toHaveLength(1);
    expect(on.spec.rules[0].timeouts).toEqual({ request: '0s', backendRequest: '0s' });
    const [off] = ofKind(await template(helm, await chartOf({ type: 'api', strategy: 'canary', traffic: 'gateway-api' })), 'HTTPRoute');
    expect(off.spec.rules[0]).not.toHaveProperty('timeouts');
  });

  it('Istio: the VirtualService route keeps no timeout (Istio rejects 0s; any value would cap every connection)', async () => {
    const chart = await chartOf({ type: 'web', strategy: 'canary', traffic: 'istio', websocket: true });
    const [vs] = ofKind(await template(helm, chart), 'VirtualService');
    expect(vs.spec.http.map((route: Obj) => route.timeout)).toEqual([undefined]);
    expect(vs.spec.http[0].route).toHaveLength(2);
    // The schema has no timeoutSeconds here: nothing reads it.
    const file = join(chart, 'bad.yaml');
    writeFileSync(file, 'websocket:\n  timeoutSeconds: 60\n');
    expect((await runHelm(helm.bin, ['lint', '--strict', chart, '-f', file])).code).not.toBe(0);
  });

  it.each(['grpc', 'worker', 'cron'] as const)('%s: --websocket does not apply; the chart has no websocket values', async (type) => {
    const answers = await answersFor({ name: 'shop', type, websocket: true });
    expect(answers.websocket).toBeNull();
    const chart = await chartOf({ type, websocket: true });
    const file = join(chart, 'bad.yaml');
    writeFileSync(file, 'websocket:\n  enabled: true\n');
    expect((await runHelm(helm.bin, ['lint', '--strict', chart, '-f', file])).code).not.toBe(0);
  });
});
