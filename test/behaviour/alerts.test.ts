// What the generated alerts already do right, evaluated by promtool on series whose labels the
// chart's own ServiceMonitor / PodMonitor produce. The scenarios that still fail (the app down,
// monitoring selection labels, …) are in test/behaviour/pending/.
import { describe, expect, it } from 'vitest';
import type { AppType } from '../../src/types.js';
import { checkRules, firingAlerts, type Series } from '../support/promtool.js';
import { generate, release, rulesOf, runningPods, seriesFor, targetsOf, type Load } from './support.js';

const SERVED: AppType[] = ['web', 'api', 'grpc', 'worker'];
const at = '40m';

describe.each(SERVED)('%s alerts', (type) => {
  const project = generate({ type });

  const seriesOf = async (env: string, load: Load): Promise<Series[]> => {
    const r = release(await project, env);
    const { pods, services } = runningPods(r);
    const targets = targetsOf(r, pods.stable!, services);
    expect(targets.length, `the chart's monitors scrape the ${env} pod`).toBeGreaterThan(0);
    return targets.flatMap((t) => seriesFor(type, t, load));
  };
  const firing = async (series: Series[]) => (await firingAlerts(rulesOf(release(await project, 'prod').objects), series, at)).map((a) => a.alertname).sort();

  it('every PrometheusRule passes promtool check rules', async () => {
    for (const r of (await project).releases) expect(await checkRules(rulesOf(r.objects)), r.env).toMatchObject({ ok: true });
  });

  it('healthy traffic fires nothing', async () => {
    expect(await firing(await seriesOf('prod', { perSecond: 20 }))).toEqual([]);
  });

  it('a high error rate fires the error alert', async () => {
    expect(await firing(await seriesOf('prod', { perSecond: 20, errorRatio: 0.2 }))).toEqual([expect.stringMatching(/HighErrorRate$/)]);
  });

  it('high latency fires the latency alert', async () => {
    expect(await firing(await seriesOf('prod', { perSecond: 20, slow: true }))).toEqual([expect.stringMatching(/(HighLatency|SlowJobs)$/)]);
  });

  it('the same app failing in another namespace fires nothing here', async () => {
    const series = [...(await seriesOf('prod', { perSecond: 20 })), ...(await seriesOf('staging', { perSecond: 20, errorRatio: 0.5, slow: true }))];
    expect(await firing(series)).toEqual([]);
  });
});

describe('cron alerts', () => {
  const project = generate({ type: 'cron' });
  // kube-state-metrics' series of the CronJob's Jobs (its labels, not the chart's monitors).
  const job = (namespace: string, failed: number): Series => ({ name: 'kube_job_status_failed', labels: { namespace, job_name: 'shop-29000000', job: 'kube-state-metrics' }, values: `${failed}x60` });

  it('passes promtool check rules, fires on a failed run, and not for another namespace', async () => {
    const prod = release(await project, 'prod');
    const rules = rulesOf(prod.objects);
    expect(await checkRules(rules)).toMatchObject({ ok: true });
    expect((await firingAlerts(rules, [job('shop-prod', 1)], at)).map((a) => a.alertname)).toEqual(['ShopJobFailed']);
    expect(await firingAlerts(rules, [job('shop-prod', 0)], at)).toEqual([]);
    expect(await firingAlerts(rules, [job('shop-staging', 1)], at)).toEqual([]);
  });
});
