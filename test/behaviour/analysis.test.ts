// Progressive delivery gates that gate. Every Prometheus query of the generated AnalysisTemplates
// is evaluated by promtool on the series a rollout in progress produces (labels from the chart's
// own ServiceMonitor / PodMonitor, Services pointed as Argo Rollouts points them), and every
// verdict comes from Argo Rollouts' condition semantics (test/support/argo/rollouts-eval):
// healthy new pods pass, failing ones fail, no data is Inconclusive, and another namespace's
// traffic changes nothing. Blue-green previews, --no-monitoring and clusters without the
// Prometheus Operator are judged by a smoke-test Job, checked here field by field and, for HTTP,
// by running its exact command against a server that answers 200, 500 or nothing.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partial_ } from '../../src/options.js';
import { TRAFFIC_ROUTERS } from '../../src/traffic.js';
import type { AppType } from '../../src/types.js';
import { judge, vector, type QueryResult } from '../support/argo/rollouts.js';
import { ensureDebianPackages, onPath } from '../support/argo/debian.js';
import { checkPss } from '../support/checks/pss.js';
import { connectionAllowed, egressAllowed, matchesSelector, type NetworkPolicy } from '../support/netpol.js';
import { MONITORING_APIS } from '../support/project.js';
import { gateMetrics, podsDuring, resolvedProvider, seriesDuring, verdictsDuring, type Gate } from './analysis-support.js';
import { CLUSTER_APIS, generate, one, ofKind, release, workloadOf, type Generated, type Obj } from './support.js';

const SERVERS: AppType[] = ['web', 'api', 'grpc'];
const CANARIES: [AppType, string][] = [...SERVERS.flatMap((t) => TRAFFIC_ROUTERS.map((r): [AppType, string] => [t, r])), ['worker', 'none']];
const every = (phases: string[], phase: string) => phases.length > 0 && phases.every((p) => p === phase);

describe.each(CANARIES)('%s canary on traffic router %s', (type, traffic) => {
  const project = generate({ type, strategy: 'canary', traffic } as Partial_);
  const canary = (p: Generated, fresh: Parameters<typeof verdictsDuring>[4], others: ReturnType<typeof seriesDuring> = []) =>
    verdictsDuring(p, 'prod', 'canary', { perSecond: 20 }, fresh, others);
  /** staging's rollout in progress at the same time, in its own namespace. */
  const staging = (p: Generated, fresh: Parameters<typeof seriesDuring>[4]) => seriesDuring(p, 'staging', 'canary', { perSecond: 200 }, fresh);

  it('every gate of the canary is a Prometheus measurement scoped to the namespace', async () => {
    const r = release(await project, 'prod');
    const metrics = gateMetrics(r, 'canary');
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) expect(resolvedProvider(m).prometheus.query).toContain(`namespace="${r.namespace}"`);
  });

  it('promotes healthy new pods', async () => {
    const phases = await canary(await project, { perSecond: 5 });
    expect(every(phases, 'Successful'), phases.join()).toBe(true);
  });

  it('aborts new pods that fail 20% of their work', async () => {
    const phases = await canary(await project, { perSecond: 5, errorRatio: 0.2 });
    expect(every(phases, 'Failed'), phases.join()).toBe(true);
  });

  it('a canary that gets no traffic is Inconclusive, not promoted', async () => {
    const phases = await canary(await project, { perSecond: 0 });
    expect(every(phases, 'Inconclusive'), phases.join()).toBe(true);
  });

  it('a canary with no series at all is Inconclusive', async () => {
    const phases = await canary(await project, null);
    expect(every(phases, 'Inconclusive'), phases.join()).toBe(true);
  });

  it("prod's failing canary fails while staging's canary is busy and healthy", async () => {
    const p = await project;
    const phases = await canary(p, { perSecond: 5, errorRatio: 0.2 }, staging(p, { perSecond: 200 }));
    expect(every(phases, 'Failed'), phases.join()).toBe(true);
  });

  it("prod's healthy canary passes while staging's canary fails", async () => {
    const p = await project;
    const phases = await canary(p, { perSecond: 5 }, staging(p, { perSecond: 50, errorRatio: 0.5 }));
    expect(every(phases, 'Successful'), phases.join()).toBe(true);
  });

  it("staging's busy canary is no data for prod's idle one", async () => {
    const p = await project;
    const phases = await canary(p, { perSecond: 0 }, staging(p, { perSecond: 200 }));
    expect(every(phases, 'Inconclusive'), phases.join()).toBe(true);
  });
});

describe.each(['web', 'worker'] as AppType[])('%s canary conditions under Argo Rollouts semantics', (type) => {
  const project = generate({ type, strategy: 'canary' });
  const cases: [string, QueryResult, string][] = [
    ['an empty result', vector(), 'Inconclusive'],
    ['NaN (0/0: no traffic)', vector(NaN), 'Inconclusive'],
    ['a ratio above the threshold', vector(0.999), 'Successful'],
    ['the threshold itself', vector(0.99), 'Successful'],
    ['a ratio below the threshold', vector(0.98), 'Failed'],
    ['no success at all', vector(0), 'Failed'],
  ];

  it.each(cases)('%s', async (_, result, phase) => {
    const metrics = gateMetrics(release(await project, 'prod'), 'canary').filter((m) => m.metric.provider.prometheus);
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) {
      expect(m.metric.failureCondition, 'a failureCondition beside the successCondition').toBeTruthy();
      expect((await judge(m.metric, result)).phase).toBe(phase);
    }
  });
});

/** The Service a gate's smoke test must reach, and the release's objects it needs. */
function smokeTarget(p: Generated, env: string, gate: Gate) {
  const r = release(p, env);
  const strategy = one(r.objects, 'Rollout').spec.strategy;
  const name = gate === 'canary' ? strategy.canary.canaryService : gate === 'prePromotion' ? strategy.blueGreen.previewService : strategy.blueGreen.activeService;
  const service = ofKind(r.objects, 'Service').find((s) => s.metadata.name === name);
  return { r, service };
}

const jobsOf = (p: Generated, env: string, gate: Gate) => gateMetrics(release(p, env), gate).filter((m) => m.metric.provider.job);

/**
 * The gate is a smoke-test Job and nothing else: one attempt, the app's pod security, the exact
 * health check of the app type against the Service Argo Rollouts points at the new pods, and a
 * NetworkPolicy that lets it in.
 */
function expectSmokeTest(p: Generated, env: string, gate: Gate) {
  const metrics = gateMetrics(release(p, env), gate);
  expect(metrics.length, `a ${gate} gate`).toBeGreaterThan(0);
  expect(metrics.filter((m) => !m.metric.provider.job).map((m) => m.metric.name), 'metrics other than the Job').toEqual([]);
  const { r, service } = smokeTarget(p, env, gate);
  const workload = workloadOf(r.objects);
  const app = workload.spec.template.spec.containers[0];
  for (const m of jobsOf(p, env, gate)) {
    const job = resolvedProvider(m).job;
    expect(job.spec.backoffLimit, 'backoffLimit').toBe(0);
    expect(job.spec.activeDeadlineSeconds, 'a deadline').toBeGreaterThan(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const asCronJob = { kind: 'CronJob', metadata: { name: m.template }, spec: { jobTemplate: { spec: job.spec } } };
    expect(checkPss([asCronJob], p.answers.security), 'the pod security of the chart').toEqual([]);
    const containers = [...(pod.initContainers ?? []), ...pod.containers];
    for (const c of containers) {
      expect(c.image, 'a pinned image').toMatch(/:[\w.-]+$/);
      expect(c.image).not.toMatch(/:latest$/);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      const line = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
      expect(line, 'no shell, nothing that swallows a failure').not.toMatch(/\|\||\bsh\b|-c\b|true\b/);
    }
    const [check] = pod.containers;
    if (p.answers.type === 'worker') {
      expectWorkerCheck(r, pod, m.template);
      continue;
    }
    expect(service, 'the Service the gate targets').toBeDefined();
    const port = service!.spec.ports.find((sp: Obj) => sp.targetPort === (p.answers.type === 'grpc' ? 'grpc' : 'http'));
    const host = `${service!.metadata.name}.${r.namespace}.svc:${port.port}`;
    if (p.answers.type === 'grpc') {
      expect(check.image).toMatch(/^ghcr\.io\/grpc-ecosystem\/grpc-health-probe:v\d/);
      // grpc_health_probe exits 0 only on SERVING (2: no connection, 3: RPC error, 4: NOT_SERVING).
      expect(check.command).toBeUndefined();
      expect(check.args).toEqual([`-addr=${host}`, '-connect-timeout=5s', '-rpc-timeout=5s']);
      expect(app.readinessProbe.grpc.port, 'the port the health service is on').toBe(workload.spec.template.spec.containers[0].ports.find((cp: Obj) => cp.name === 'grpc').containerPort);
    } else {
      expect(check.command).toEqual(['wget', '-q', '-O', '/dev/null', '-T', '5', `http://${host}${app.readinessProbe.httpGet.path}`]);
      expect(app.readinessProbe.httpGet.path).toBe('/ready');
    }
    // The NetworkPolicy admits the Job's pod to the app's port, and does not confine its egress.
    const policies = ofKind(r.objects, 'NetworkPolicy') as NetworkPolicy[];
    const smokePod = { namespace: r.namespace, labels: job.spec.template.metadata.labels, ports: [] };
    const appPod = podsDuring(r, gate).fresh;
    const appPort = appPod.containers[0].ports!.find((cp) => cp.name === port.targetPort)!;
    expect(connectionAllowed(policies, smokePod, { namespace: r.namespace, labels: appPod.labels, ports: appPod.containers[0].ports }, { port: appPort.containerPort }), 'smoke test → app port').toBe(true);
    expect(egressAllowed(policies, smokePod, { ip: '10.96.0.10' }, { port: 53, protocol: 'UDP' }), 'smoke test → DNS').toBe(true);
    if (p.answers.security === 'restricted') expect(policies.length, 'the restricted NetworkPolicy is rendered').toBeGreaterThan(0);
  }
}

/** The worker's check: kubectl waits for the new pods (and only those) to be Ready, then finds none restarted. */
function expectWorkerCheck(r: ReturnType<typeof release>, pod: Obj, template: string) {
  const { old, fresh } = podsDuring(r, 'canary');
  const [ready] = pod.initContainers;
  const [restarts] = pod.containers;
  for (const c of [ready, restarts]) {
    expect(c.image).toMatch(/^registry\.k8s\.io\/kubectl:v\d/);
    expect(c.args.slice(0, 3)).toEqual(['wait', 'pods', `--namespace=${r.namespace}`]);
    const selector = c.args.find((a: string) => a.startsWith('--selector='))!.slice('--selector='.length);
    const matchLabels = Object.fromEntries(selector.split(',').map((kv: string) => kv.split('=')));
    expect(matchesSelector({ matchLabels }, fresh.labels), 'selects the new pods').toBe(true);
    expect(matchesSelector({ matchLabels }, old.labels), 'not the old ones').toBe(false);
  }
  expect(ready.args).toContain('--for=condition=Ready');
  expect(restarts.args).toContain('--for=jsonpath={.status.containerStatuses[0].restartCount}=0');
  // Its ServiceAccount may read pods here, nothing more.
  expect(pod.automountServiceAccountToken).toBe(true);
  const sa = ofKind(r.objects, 'ServiceAccount').find((s) => s.metadata.name === pod.serviceAccountName);
  expect(sa, `${template}: its ServiceAccount`).toBeDefined();
  const binding = ofKind(r.objects, 'RoleBinding').find((b) => b.subjects.some((s: Obj) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName && s.namespace === r.namespace));
  expect(binding).toBeDefined();
  const role = ofKind(r.objects, 'Role').find((o) => o.metadata.name === binding!.roleRef.name);
  expect(role?.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
}

describe.each(SERVERS)('%s blue-green gates', (type) => {
  const project = generate({ type, strategy: 'blue-green' });

  it('the preview is judged by a smoke-test Job against the preview Service', async () => {
    expectSmokeTest(await project, 'prod', 'prePromotion');
    expectSmokeTest(await project, 'staging', 'prePromotion');
  });

  it('a preview that gets no user traffic is not promoted on Prometheus data', async () => {
    expect(gateMetrics(release(await project, 'prod'), 'prePromotion').filter((m) => m.metric.provider.prometheus)).toEqual([]);
  });

  it('after promotion, healthy new pods pass on their own traffic', async () => {
    const phases = await verdictsDuring(await project, 'prod', 'postPromotion', { perSecond: 0 }, { perSecond: 20 });
    expect(every(phases, 'Successful'), phases.join()).toBe(true);
  });

  it('after promotion, new pods failing 20% abort (and switch back)', async () => {
    const phases = await verdictsDuring(await project, 'prod', 'postPromotion', { perSecond: 0 }, { perSecond: 20, errorRatio: 0.2 });
    expect(every(phases, 'Failed'), phases.join()).toBe(true);
  });

  it('after promotion, no traffic is Inconclusive', async () => {
    const phases = await verdictsDuring(await project, 'prod', 'postPromotion', { perSecond: 0 }, { perSecond: 0 });
    expect(every(phases, 'Inconclusive'), phases.join()).toBe(true);
  });

  it("after promotion, staging failing changes nothing for prod's healthy stack", async () => {
    const p = await project;
    const others = seriesDuring(p, 'staging', 'postPromotion', { perSecond: 0 }, { perSecond: 100, errorRatio: 0.5 });
    const phases = await verdictsDuring(p, 'prod', 'postPromotion', { perSecond: 0 }, { perSecond: 20 }, others);
    expect(every(phases, 'Successful'), phases.join()).toBe(true);
  });
});

describe.each([...CANARIES.map(([t, r]) => [t, 'canary', r]), ...SERVERS.map((t) => [t, 'blue-green', 'none'])] as [AppType, string, string][])(
  '%s %s (traffic %s) with --no-monitoring',
  (type, strategy, traffic) => {
    const project = generate({ type, strategy, traffic: strategy === 'canary' ? traffic : undefined, monitoring: false } as Partial_);

    it('gets the job-based gate instead of a Prometheus one', async () => {
      const p = await project;
      for (const env of ['staging', 'prod']) {
        const r = release(p, env);
        expect(ofKind(r.objects, 'AnalysisTemplate').flatMap((t) => t.spec.metrics).filter((m: Obj) => m.provider.prometheus)).toEqual([]);
        for (const gate of strategy === 'canary' ? (['canary'] as const) : (['prePromotion'] as const)) expectSmokeTest(p, env, gate);
        expect(one(r.objects, 'Rollout').spec.strategy.blueGreen?.postPromotionAnalysis).toBeUndefined();
      }
    });
  },
);

describe.each([['web', 'canary'], ['grpc', 'blue-green'], ['worker', 'canary']] as [AppType, string][])('%s %s on a cluster without the Prometheus Operator', (type, strategy) => {
  const withoutMonitoring = CLUSTER_APIS.filter((api) => !MONITORING_APIS.includes(api));
  const project = generate({ type, strategy } as Partial_, withoutMonitoring);

  it('is gated by the smoke-test Job: nothing scrapes the pods there', async () => {
    const p = await project;
    for (const gate of strategy === 'canary' ? (['canary'] as const) : (['prePromotion', 'postPromotion'] as const)) {
      if (gate === 'postPromotion') {
        expect(jobsOf(p, 'prod', gate).length).toBeGreaterThan(0);
        expect(gateMetrics(release(p, 'prod'), gate).filter((m) => m.metric.provider.prometheus)).toEqual([]);
      } else expectSmokeTest(p, 'prod', gate);
    }
  });
});

describe('the generated README', () => {
  const canary = generate({ type: 'api', strategy: 'canary' });
  const blueGreen = generate({ type: 'grpc', strategy: 'blue-green' });

  it('says a canary with no data pauses for a person', async () => {
    const text = readFileSync(`${(await canary).dir}/README.md`, 'utf8');
    expect(text).toMatch(/no data[^.]*\*\*Inconclusive\*\*: Argo Rollouts\s+pauses the rollout for a person/);
  });

  it('says how a blue-green preview is judged', async () => {
    const text = readFileSync(`${(await blueGreen).dir}/README.md`, 'utf8');
    expect(text).toMatch(/smoke-test Job \(`analysis\.smokeTest`\)\s+calls the gRPC health service through the preview Service; no ready endpoint, an answer other than SERVING\s+or a timeout fails it/);
  });
});

// The HTTP smoke test's command, run as written (busybox wget, the image's tool) against a server
// standing in for the preview Service: only a 2xx answer passes.
describe('the HTTP smoke-test command', () => {
  const project = generate({ type: 'web', strategy: 'blue-green' });
  let server: Server;
  let port: number;
  let busybox: string;

  beforeAll(async () => {
    await ensureDebianPackages(['busybox'], () => onPath('busybox') !== undefined, 'or put busybox on PATH');
    busybox = onPath('busybox')!;
    server = createServer((req, res) => {
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, status === 302 ? { location: '/ready?status=500' } : {}).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** The Job's command with the preview Service's address swapped for the stand-in's. */
  async function run(status: number | 'closed'): Promise<number> {
    const job = resolvedProvider(jobsOf(await project, 'prod', 'prePromotion')[0]).job;
    const [tool, ...args] = job.spec.template.spec.containers[0].command as string[];
    const url = new URL(args.at(-1)!);
    const target = status === 'closed' ? `http://127.0.0.1:1${url.pathname}` : `http://127.0.0.1:${port}${url.pathname}?status=${status}`;
    // Debian's busybox 1.35 crashes on `-T` (the image's 1.37 does not); the timeout only bounds a
    // hung server, the activeDeadlineSeconds of the Job covers that, so it is left out here.
    const flags = args.slice(0, -1);
    const t = flags.indexOf('-T');
    expect(t, 'a timeout flag').toBeGreaterThan(-1);
    flags.splice(t, 2);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
    return new Promise((resolve) => execFile(busybox, [tool, ...flags, target], { env, timeout: 20_000 }, (err) => resolve(err ? Number(err.code ?? 1) : 0)));
  }

  it.each([200, 204])('passes on %i', async (status) => expect(await run(status)).toBe(0));
  it.each([500, 503, 404, 302])('fails on %i', async (status) => expect(await run(status)).not.toBe(0));
  it('fails when nothing answers (no ready endpoint)', async () => expect(await run('closed')).not.toBe(0));
});
