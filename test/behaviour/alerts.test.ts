// The generated alerts, evaluated by promtool on the series a cluster would hold: the app's own
// series carry the labels the chart's ServiceMonitor / PodMonitor give them
// (test/support/promtool-targets.ts), kube-state-metrics' series those of the chart's CronJob.
// For every app type and strategy: healthy traffic fires nothing; errors, latency and the app
// down (targets up == 0, or none at all) fire; the same app failing or down in another namespace
// fires nothing here; a CronJob's failed or missed run fires, and only while it matters.
// Also: monitors and rules carry the label a default kube-prometheus-stack selects them by, and
// each pod is one scrape target, at rest and during a rollout.
import { describe, expect, it } from 'vitest';
import type { Partial_ } from '../../src/options.js';
import type { AppType, Strategy } from '../../src/types.js';
import { renderApplicationChart } from '../support/argo/appset.js';
import { helmBinaries } from '../support/helm.js';
import { checkRules, firingAlerts, type Series } from '../support/promtool.js';
import {
  CLUSTER_APIS, cronSeries, generate, release, rulesOf, runningPods, seriesFor, targetsOf,
  type CronHistory, type EnvRelease, type Generated, type Load,
} from './support.js';

const at = '40m';

/** Every strategy each serving app type allows (decisions.md, "Combinations"), and KEDA on a server. */
const SERVED: Partial_[] = [
  { type: 'web', strategy: 'rolling' }, { type: 'web', strategy: 'canary' }, { type: 'web', strategy: 'blue-green' }, { type: 'web', scaling: 'keda' },
  { type: 'api', strategy: 'rolling' }, { type: 'api', strategy: 'canary' }, { type: 'api', strategy: 'blue-green' },
  { type: 'grpc', strategy: 'rolling' }, { type: 'grpc', strategy: 'canary' }, { type: 'grpc', strategy: 'blue-green' },
  { type: 'worker', strategy: 'rolling' }, { type: 'worker', strategy: 'canary' }, { type: 'worker', scaling: 'none' },
];
const title = (given: Partial_) => Object.values(given).join(' ');
// One project per combination, shared by the suites below (and cleaned up after the file).
const PROJECTS = new Map(SERVED.map((given) => [given, generate(given)]));

/** The series of `r`'s pods under `load` (the new pods, during a rollout, under `canary`). */
function seriesOf(p: Generated, r: EnvRelease, load: Load, canary?: Load): Series[] {
  const { pods, services } = runningPods(r, canary ? 'update' : 'rest');
  const targets = targetsOf(r, pods.stable!, services);
  expect(targets.length, `the chart's monitors scrape the ${r.env} pod`).toBeGreaterThan(0);
  const series = targets.flatMap((t) => seriesFor(p.answers.type, t, load));
  if (canary && pods.canary) series.push(...targetsOf(r, pods.canary, services).flatMap((t) => seriesFor(p.answers.type, t, canary)));
  return series;
}

const names = (alerts: Record<string, string>[]) => alerts.map((a) => a.alertname).sort();
/** The error alert, and the SLO's page and ticket (test/behaviour/slo.test.ts): 20% and more of errors burn any budget. */
const ERRORS = ['ShopErrorBudgetBurn', 'ShopErrorBudgetBurn', 'ShopHighErrorRate'];

describe.each(SERVED.map((given) => [title(given), given] as const))('%s: alerts', (_, given) => {
  const project = PROJECTS.get(given)!;
  const type = given.type;
  const rollout = given.strategy === 'canary' || given.strategy === 'blue-green';
  const firing = async (series: Series[]) => names(await firingAlerts(rulesOf(release(await project, 'prod').objects), series, at));
  const prod = async () => release(await project, 'prod');
  const staging = async () => release(await project, 'staging');

  it('every PrometheusRule passes promtool check rules', async () => {
    for (const r of (await project).releases) expect(await checkRules(rulesOf(r.objects)), r.env).toMatchObject({ ok: true });
  });

  it('healthy traffic fires nothing', async () => {
    expect(await firing(seriesOf(await project, await prod(), { perSecond: 20 }))).toEqual([]);
  });

  it('a high error rate fires the error alert', async () => {
    expect(await firing(seriesOf(await project, await prod(), { perSecond: 20, errorRatio: 0.2 }))).toEqual(ERRORS);
  });

  it('high latency fires the latency alert', async () => {
    expect(await firing(seriesOf(await project, await prod(), { perSecond: 20, slow: true }))).toEqual([type === 'worker' ? 'ShopSlowJobs' : 'ShopHighLatency']);
  });

  it('scrape targets up == 0 and no traffic fires the down alert', async () => {
    expect(await firing(seriesOf(await project, await prod(), { perSecond: 0, up: false }))).toEqual(['ShopDown']);
  });

  it('no scrape target at all (absent) fires the down alert', async () => {
    // Only staging reports: prod's series are absent.
    expect(await firing(seriesOf(await project, await staging(), { perSecond: 10 }))).toEqual(['ShopDown']);
  });

  it('the same app failing or down in another namespace fires nothing here', async () => {
    const p = await project;
    const healthy = seriesOf(p, await prod(), { perSecond: 20 });
    expect(await firing([...healthy, ...seriesOf(p, await staging(), { perSecond: 20, errorRatio: 0.5, slow: true })])).toEqual([]);
    expect(await firing([...healthy, ...seriesOf(p, await staging(), { perSecond: 0, up: false })])).toEqual([]);
  });

  if (rollout) {
    it('during a rollout, healthy old and new pods fire nothing; failing new pods fire', async () => {
      const p = await project;
      expect(await firing(seriesOf(p, await prod(), { perSecond: 20 }, { perSecond: 5 }))).toEqual([]);
      expect(await firing(seriesOf(p, await prod(), { perSecond: 20 }, { perSecond: 20, errorRatio: 0.5 }))).toEqual(ERRORS);
    });
  }
});

describe('worker allowed to scale to zero (keda.minReplicas: 0)', () => {
  const project = generate({ type: 'worker', scaling: 'keda' });
  const scaledToZero = async () => {
    const p = await project;
    const r = release(p, 'prod');
    const app = structuredClone(r.app);
    const helm = (app.spec.source.helm ??= {});
    helm.parameters = [...(helm.parameters ?? []), { name: 'keda.minReplicas', value: '0' }];
    const [bin] = await helmBinaries();
    return { ...r, ...(await renderApplicationChart(bin.bin, p.dir, app, CLUSTER_APIS)) };
  };

  it('no pods is not an outage; pods that are there and down still are', async () => {
    const r = await scaledToZero();
    const rules = rulesOf(r.objects);
    expect(await checkRules(rules)).toMatchObject({ ok: true });
    expect(await firingAlerts(rules, [], at)).toEqual([]);
    const down = seriesOf(await project, r, { perSecond: 0, up: false });
    expect(names(await firingAlerts(rules, down, at))).toEqual(['ShopDown']);
  });
});

describe('cron alerts', () => {
  const project = generate({ type: 'cron' });
  // The chart's default schedule runs every 15 minutes: at 40m the runs due at 0, 15 and 30 exist.
  const ok = (at: number): CronHistory['runs'][number] => ({ at, outcome: 'succeeded' });
  const firing = async (history: CronHistory, env = 'prod') => names(await firingAlerts(rulesOf(release(await project, 'prod').objects), cronSeries(release(await project, env), history), at));

  it('every PrometheusRule passes promtool check rules', async () => {
    for (const r of (await project).releases) expect(await checkRules(rulesOf(r.objects)), r.env).toMatchObject({ ok: true });
  });

  it('runs on schedule that succeed fire nothing', async () => {
    expect(await firing({ runs: [ok(0), ok(15), ok(30)] })).toEqual([]);
    expect(await firing({ runs: [ok(0), ok(15), { at: 30, outcome: 'running', minutes: 20 }] })).toEqual([]);
  });

  it('a failed run fires', async () => {
    expect(await firing({ runs: [ok(0), ok(15), { at: 30, outcome: 'failed', minutes: 2 }] })).toEqual(['ShopJobFailed']);
  });

  it('failing since its first run fires, once per failed run', async () => {
    const failed = (at: number) => ({ at, outcome: 'failed' as const, minutes: 2 });
    const alerts = await firingAlerts(rulesOf(release(await project, 'prod').objects), cronSeries(release(await project, 'prod'), { runs: [failed(0), failed(15), failed(30)] }), at);
    expect(alerts.map((a) => `${a.alertname} ${a.job_name}`).sort()).toEqual(['ShopJobFailed shop-0', 'ShopJobFailed shop-15', 'ShopJobFailed shop-30']);
  });

  it('a failed run followed by a successful one is quiet again', async () => {
    expect(await firing({ runs: [{ at: 0, outcome: 'failed', minutes: 2 }, ok(15), ok(30)] })).toEqual([]);
  });

  it('a run whose first pod failed and whose retry succeeded is not a failed run', async () => {
    expect(await firing({ runs: [ok(0), ok(15), { at: 30, outcome: 'retried-then-succeeded', minutes: 3 }] })).toEqual([]);
  });

  it('a missed run (the one due at 30m never started) fires', async () => {
    expect(await firing({ runs: [ok(0), ok(15)] })).toEqual(['ShopRunMissed']);
  });

  it('a suspended CronJob misses nothing', async () => {
    expect(await firing({ runs: [ok(0), ok(15)], suspended: true })).toEqual([]);
  });

  it('the same CronJob failing or missing runs in another namespace fires nothing here', async () => {
    const prod = cronSeries(release(await project, 'prod'), { runs: [ok(0), ok(15), ok(30)] });
    const stagingFailed = cronSeries(release(await project, 'staging'), { runs: [ok(0), { at: 15, outcome: 'failed', minutes: 2 }] });
    const rules = rulesOf(release(await project, 'prod').objects);
    expect(await firingAlerts(rules, [...prod, ...stagingFailed], at)).toEqual([]);
  });
});

describe.each([['web', 'canary'], ['api', 'rolling'], ['grpc', 'blue-green'], ['worker', 'canary'], ['cron', 'rolling']] as [AppType, Strategy][])(
  '%s %s: picked up by a default kube-prometheus-stack',
  (type, strategy) => {
    const project = generate({ type, strategy });

    it('monitors and rules carry release: kube-prometheus-stack', async () => {
      const r = release(await project, 'prod');
      const monitoring = r.objects.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind));
      expect(monitoring.map((o) => o.kind)).toContain('PrometheusRule');
      for (const o of monitoring) expect(o.metadata.labels?.release, `${o.kind}/${o.metadata.name}`).toBe('kube-prometheus-stack');
    });
  },
);

describe.each(SERVED.filter((g) => g.strategy === 'canary' || g.strategy === 'blue-green').map((given) => [title(given), given] as const))('%s: each pod scraped once', (_, given) => {
  const project = PROJECTS.get(given)!;

  it('at rest, the stable pod is one scrape target', async () => {
    const r = release(await project, 'prod');
    const { pods, services } = runningPods(r, 'rest');
    expect(targetsOf(r, pods.stable!, services)).toHaveLength(1);
  });

  it('during a rollout, the old and the new pod are one scrape target each, told apart by their hash', async () => {
    const r = release(await project, 'prod');
    const { pods, services } = runningPods(r, 'update');
    const [stable, canary] = [targetsOf(r, pods.stable!, services), targetsOf(r, pods.canary!, services)];
    expect([stable.length, canary.length]).toEqual([1, 1]);
    expect(stable[0].rollouts_pod_template_hash).not.toEqual(canary[0].rollouts_pod_template_hash);
  });
});
