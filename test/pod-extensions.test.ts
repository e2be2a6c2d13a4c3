// The pod's extension points (initContainers, sidecars, extraVolumes, extraVolumeMounts,
// configFiles, the migration Job), the PodDisruptionBudget's one-of, the zone and node spreads and
// the hardening each security level keeps, rendered by Helm 3 and Helm 4 with values that use them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Partial_ } from '../src/options.js';
import { render } from '../src/render.js';
import { checkObjects, formatFindings } from './support/checks/index.js';
import { validateSchemas } from './support/checks/schema.js';
import { helmBinaries, runHelm, type HelmBinary } from './support/helm.js';
import { egressAllowed, ingressAllowed, type NetworkPolicy } from './support/netpol.js';
import { answersFor, builtin, tempRoot, writePlan } from './support/project.js';

type Obj = Record<string, any>;

const root = tempRoot('pod-extensions-');
afterAll(() => root.cleanup());
let helms: HelmBinary[];
const charts = new Map<string, string>();

async function project(id: string, given: Partial_): Promise<void> {
  const answers = await answersFor({ name: 'shop', ...given });
  const dir = join(root.dir, id);
  await writePlan(dir, render(answers, builtin(), '1.2.3'));
  charts.set(id, join(dir, 'chart'));
}

beforeAll(async () => {
  helms = await helmBinaries();
  await project('web', { type: 'web' });
  await project('web-baseline', { type: 'web', security: 'baseline' });
  await project('cron', { type: 'cron', security: 'baseline' });
  await project('worker', { type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka', 'secret-keys': ['DB_PASSWORD'], secrets: 'existing' });
}, 60_000);

let files = 0;
/** A values file with this content, for `helm template -f`. */
function valuesFile(values: object): string {
  const file = join(root.dir, `values-${files++}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

interface Rendered { code: number; stderr: string; objects: Obj[] }

async function template(helm: HelmBinary, id: string, options: { env?: string; values?: object[]; set?: string[] } = {}): Promise<Rendered> {
  const chart = charts.get(id)!;
  const args = ['template', 'shop', chart, '--namespace', 'shop-prod', '-f', join(chart, `values-${options.env ?? 'prod'}.yaml`)];
  for (const v of options.values ?? []) args.push('-f', valuesFile(v));
  for (const s of options.set ?? []) args.push('--set', s);
  const r = await runHelm(helm.bin, args);
  const objects = r.code === 0 ? parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj).filter((o) => o && typeof o.kind === 'string') : [];
  return { code: r.code, stderr: r.stderr, objects };
}

/** Renders with every Helm binary; both must succeed and agree. */
async function renderAll(id: string, options: Parameters<typeof template>[2] = {}): Promise<Obj[]> {
  const results = await Promise.all(helms.map((helm) => template(helm, id, options)));
  results.forEach((r, i) => expect(r.code, `${helms[i].name}: ${r.stderr}`).toBe(0));
  for (const r of results.slice(1)) expect(r.objects).toEqual(results[0].objects);
  return results[0].objects;
}

/** Renders with every Helm binary; each must fail with this message. */
async function failsAll(id: string, message: RegExp, options: Parameters<typeof template>[2] = {}): Promise<void> {
  for (const helm of helms) {
    const r = await template(helm, id, options);
    expect(r.code, helm.name).not.toBe(0);
    expect(r.stderr, helm.name).toMatch(message);
  }
}

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: Obj[], kind: string, name?: string) => {
  const found = ofKind(objects, kind).filter((o) => name === undefined || o.metadata.name === name);
  expect(found, `${kind}${name ? `/${name}` : ''}`).toHaveLength(1);
  return found[0];
};
const podSpecOf = (workload: Obj): Obj => (workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec);
const chartValues = (id: string) => parse(readFileSync(join(charts.get(id)!, 'values.yaml'), 'utf8'));
const findings = (objects: Obj[], security: 'baseline' | 'restricted') =>
  formatFindings(checkObjects(objects, { security, externalSecrets: ['shop-secrets', 'shop-keda-auth'] }));

const small = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } };
const extensions = {
  initContainers: [{ name: 'wait-for-db', image: 'busybox:1.37.0', command: ['sh', '-c', 'until nc -z db 5432; do sleep 2; done'], resources: small }],
  sidecars: [{
    name: 'log-shipper', image: 'fluent/fluent-bit:3.2.2', resources: small,
    volumeMounts: [{ name: 'logs', mountPath: '/var/log/app', readOnly: true }],
  }],
  extraVolumes: [{ name: 'logs', emptyDir: {} }],
  extraVolumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }],
  configFiles: { 'app.json': '{"pool": 5}\n', 'nginx.conf': 'server {}\n' },
};

describe('added containers, volumes and configuration files', () => {
  it.each(['web', 'web-baseline', 'cron'])('%s: init containers and sidecars run with the app’s securityContext unless they set their own', async (id) => {
    const security = id === 'web' ? 'restricted' : 'baseline';
    const objects = await renderAll(id, { values: [extensions] });
    const workload = objects.find((o) => ['Deployment', 'CronJob'].includes(o.kind))!;
    const spec = podSpecOf(workload);
    const app = spec.containers[0];
    const appContext = chartValues(id).securityContext;
    expect(app.securityContext).toEqual(appContext);
    expect(spec.initContainers.map((c: Obj) => c.name)).toEqual(['wait-for-db']);
    expect(spec.initContainers[0].securityContext).toEqual(appContext);
    expect(spec.initContainers[0].command).toEqual(extensions.initContainers[0].command);
    expect(spec.containers.map((c: Obj) => c.name)).toEqual(['shop', 'log-shipper']);
    expect(spec.containers[1].securityContext).toEqual(appContext);
    expect(spec.volumes).toContainEqual({ name: 'logs', emptyDir: {} });
    expect(app.volumeMounts).toContainEqual({ name: 'logs', mountPath: '/var/log/app' });
    expect(findings(objects, security)).toBe('');
    expect(formatFindings(await validateSchemas(objects))).toBe('');
  });

  it('keeps a container’s own securityContext whole, so the PSS checks judge what the user wrote', async () => {
    const own = { ...extensions, initContainers: [{ ...extensions.initContainers[0], securityContext: { runAsUser: 1000 } }] };
    const objects = await renderAll('web', { values: [own] });
    const spec = podSpecOf(one(objects, 'Deployment'));
    expect(spec.initContainers[0].securityContext).toEqual({ runAsUser: 1000 });
    const found = checkObjects(objects, { security: 'restricted' }).filter((f) => f.check === 'pss-restricted');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.field.includes('initContainers[0]') || f.field.includes('initContainers.0'))).toBe(true);
  });

  it('mounts configFiles read-only from a ConfigMap of their own, and a change rolls the pods', async () => {
    const objects = await renderAll('web', { values: [extensions] });
    const files = one(objects, 'ConfigMap', 'shop-files');
    expect(files.data).toEqual(extensions.configFiles);
    expect(one(objects, 'ConfigMap', 'shop').data).not.toHaveProperty('app.json');
    const spec = podSpecOf(one(objects, 'Deployment'));
    expect(spec.volumes).toContainEqual({ name: 'config-files', configMap: { name: 'shop-files' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'config-files', mountPath: '/etc/shop', readOnly: true });

    const checksum = (o: Obj[]) => one(o, 'Deployment').spec.template.metadata.annotations['checksum/config'];
    const same = await renderAll('web', { values: [extensions] });
    const changed = await renderAll('web', { values: [extensions, { configFiles: { 'app.json': '{"pool": 6}\n' } }] });
    const moved = await renderAll('web', { values: [extensions], set: ['configFilesMountPath=/config'] });
    expect(checksum(same)).toBe(checksum(objects));
    expect(checksum(changed)).not.toBe(checksum(objects));
    expect(podSpecOf(one(moved, 'Deployment')).containers[0].volumeMounts).toContainEqual({ name: 'config-files', mountPath: '/config', readOnly: true });

    const none = await renderAll('web');
    expect(ofKind(none, 'ConfigMap').map((c) => c.metadata.name)).toEqual(['shop']);
    expect(podSpecOf(one(none, 'Deployment')).volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  it('types the new values in the schema', async () => {
    await failsAll('web', /initContainers|image/, { values: [{ initContainers: [{ name: 'no-image' }] }] });
    await failsAll('web', /sidecars|name/, { values: [{ sidecars: [{ image: 'busybox:1.37.0' }] }] });
    await failsAll('web', /extraVolumes|array/, { values: [{ extraVolumes: { name: 'x' } }] });
    await failsAll('web', /configFiles|string/, { set: ['configFiles.a=1'] });
    await failsAll('web', /configFiles|pattern|propertyNames|does not match|invalid/i, { values: [{ configFiles: { 'a/b': 'x' } }] });
    await failsAll('web', /migrations/, { values: [{ migrations: { enabled: true, command: [{ run: 'x' }] } }] });
  });
});

describe('the migration Job', () => {
  it('is off by default', async () => {
    const objects = await renderAll('web');
    expect(ofKind(objects, 'Job')).toEqual([]);
    expect(ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['shop']);
  });

  it('needs a command', async () => {
    await failsAll('web', /migrations\.command must name the migration/, { set: ['migrations.enabled=true'] });
  });

  it.each(['web', 'worker', 'web-baseline'])('%s: runs as an Argo CD PreSync hook with the app’s image, env, ServiceAccount and security', async (id) => {
    const security = id === 'web-baseline' ? 'baseline' : 'restricted';
    const objects = await renderAll(id, { values: [extensions, { migrations: { enabled: true, command: ['./migrate', 'up'] } }] });
    const job = one(objects, 'Job');
    expect(job.metadata.name).toBe('shop-migrate');
    expect(job.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    expect(job.spec.backoffLimit).toBe(1);
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    const app = podSpecOf(one(objects, 'Deployment'));
    const pod = job.spec.template.spec;
    const [migrate] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(pod.restartPolicy).toBe('Never');
    expect(migrate.command).toEqual(['./migrate', 'up']);
    expect(migrate.image).toBe(app.containers[0].image);
    expect(migrate.envFrom).toEqual(app.containers[0].envFrom);
    expect(migrate.securityContext).toEqual(app.containers[0].securityContext);
    expect(migrate.volumeMounts).toContainEqual({ name: 'config-files', mountPath: '/etc/shop', readOnly: true });
    expect(pod.serviceAccountName).toBe(app.serviceAccountName);
    expect(pod.automountServiceAccountToken).toBe(app.automountServiceAccountToken);
    expect(pod.securityContext).toEqual(app.securityContext);
    // Not an app pod: the Service and the PDB must not pick the migration up.
    const labels = job.spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('migration');
    const selects = (selector: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const service of ofKind(objects, 'Service')) expect(selects(service.spec.selector), service.metadata.name).toBe(false);
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) expect(selects(pdb.spec.selector.matchLabels)).toBe(false);
    expect(findings(objects, security)).toBe('');
    expect(formatFindings(await validateSchemas(objects))).toBe('');
  });

  it('at restricted, reaches DNS and the app’s extraEgress (its database) and nothing else', async () => {
    const database = { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] };
    const objects = await renderAll('web', { values: [{ migrations: { enabled: true, command: ['./migrate'] }, networkPolicy: { extraEgress: [database] } }] });
    const policy = one(objects, 'NetworkPolicy', 'shop-migrate');
    expect(policy.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
    expect(Number(policy.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
    const policies = ofKind(objects, 'NetworkPolicy').map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'shop-prod' } })) as NetworkPolicy[];
    const job = one(objects, 'Job');
    const migration = { namespace: 'shop-prod', labels: job.spec.template.metadata.labels };
    const dns = { namespace: 'kube-system', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, labels: { 'k8s-app': 'kube-dns' } };
    expect(egressAllowed(policies, migration, dns, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(egressAllowed(policies, migration, { ip: '10.20.3.4' }, { port: 5432, protocol: 'TCP' })).toBe(true);
    expect(egressAllowed(policies, migration, { ip: '10.20.3.4' }, { port: 22, protocol: 'TCP' })).toBe(false);
    expect(egressAllowed(policies, migration, { ip: '203.0.113.9' }, { port: 443, protocol: 'TCP' })).toBe(false);
    const stranger = { namespace: 'other', namespaceLabels: { 'kubernetes.io/metadata.name': 'other' }, labels: { app: 'x' } };
    expect(ingressAllowed(policies, migration, stranger, { port: 8080, protocol: 'TCP' })).toBe(false);
    // The app's own policy is untouched by the migration's.
    const appPod = { namespace: 'shop-prod', labels: one(objects, 'Deployment').spec.template.metadata.labels };
    expect(egressAllowed(policies, appPod, { ip: '10.20.3.4' }, { port: 5432, protocol: 'TCP' })).toBe(true);

    expect(formatFindings(await validateSchemas(objects))).toBe('');

    const baseline = await renderAll('web-baseline', { values: [{ migrations: { enabled: true, command: ['./migrate'] } }] });
    expect(ofKind(baseline, 'NetworkPolicy')).toEqual([]);
  });
});

describe('the PodDisruptionBudget', () => {
  it('keeps maxUnavailable: 1 by default', async () => {
    const pdb = one(await renderAll('web'), 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec).not.toHaveProperty('minAvailable');
  });

  it('takes minAvailable instead when maxUnavailable is emptied', async () => {
    const count = one(await renderAll('web', { values: [{ podDisruptionBudget: { minAvailable: 2, maxUnavailable: '' } }] }), 'PodDisruptionBudget');
    expect(count.spec.minAvailable).toBe(2);
    expect(count.spec).not.toHaveProperty('maxUnavailable');
    const percent = one(await renderAll('web', { values: [{ podDisruptionBudget: { minAvailable: '50%', maxUnavailable: null } }] }), 'PodDisruptionBudget');
    expect(percent.spec).toEqual({ minAvailable: '50%', selector: percent.spec.selector });
  });

  it('rejects both, and neither', async () => {
    await failsAll('web', /exactly one of minAvailable and maxUnavailable/, { set: ['podDisruptionBudget.minAvailable=1'] });
    await failsAll('web', /exactly one of minAvailable and maxUnavailable/, { values: [{ podDisruptionBudget: { maxUnavailable: '' } }] });
  });
});

describe('topology spread', () => {
  const constraints = (objects: Obj[]) =>
    (podSpecOf(one(objects, 'Deployment')).topologySpreadConstraints ?? []).map((c: Obj) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew]);

  it('requires the zone spread in production only, and prefers the node spread everywhere', async () => {
    expect(constraints(await renderAll('web'))).toEqual([
      ['topology.kubernetes.io/zone', 'DoNotSchedule', 1],
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
    expect(constraints(await renderAll('web', { env: 'staging' }))).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
  });

  it('sets the node spread on its own', async () => {
    expect(constraints(await renderAll('web', { set: ['topologySpread.hostname.whenUnsatisfiable=DoNotSchedule', 'topologySpread.hostname.maxSkew=2'] }))).toEqual([
      ['topology.kubernetes.io/zone', 'DoNotSchedule', 1],
      ['kubernetes.io/hostname', 'DoNotSchedule', 2],
    ]);
    expect(constraints(await renderAll('web', { set: ['topologySpread.hostname.enabled=false'] }))).toEqual([['topology.kubernetes.io/zone', 'DoNotSchedule', 1]]);
    expect(constraints(await renderAll('web', { set: ['topologySpread.enabled=false'] }))).toEqual([['kubernetes.io/hostname', 'ScheduleAnyway', 1]]);
    expect(constraints(await renderAll('web', { set: ['topologySpread.enabled=false', 'topologySpread.hostname.enabled=false'] }))).toEqual([]);
    await failsAll('web', /whenUnsatisfiable/, { set: ['topologySpread.hostname.whenUnsatisfiable=Sometimes'] });
  });
});

describe('hardening per security level', () => {
  it('baseline keeps every hardening that needs no non-root user', async () => {
    const objects = await renderAll('web-baseline');
    const spec = podSpecOf(one(objects, 'Deployment'));
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(findings(objects, 'baseline')).toBe('');
    // Only the non-root rules are missing for restricted.
    const missing = new Set(checkObjects(objects, { security: 'restricted' }).filter((f) => f.check === 'pss-restricted').map((f) => f.field.split('.').pop()));
    expect([...missing]).toEqual(['runAsNonRoot']);
  });

  it('baseline relaxes one setting at a time', async () => {
    const objects = await renderAll('web-baseline', { set: ['securityContext.readOnlyRootFilesystem=false', 'securityContext.capabilities.add={NET_BIND_SERVICE}'] });
    const context = podSpecOf(one(objects, 'Deployment')).containers[0].securityContext;
    expect(context).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
    expect(findings(objects, 'baseline')).toBe('');
  });

  it('restricted is unchanged', async () => {
    const objects = await renderAll('web');
    const spec = podSpecOf(one(objects, 'Deployment'));
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(findings(objects, 'restricted')).toBe('');
  });
});
