// Pending scenarios (see vitest.config.ts here): alerts that fire when the app is down, and
// monitoring a default kube-prometheus-stack picks up, each pod scraped once.
import { describe, expect, it } from 'vitest';
import type { AppType, Strategy } from '../../../src/types.js';
import { firingAlerts, type Series } from '../../support/promtool.js';
import { generate, ofKind, release, rulesOf, runningPods, seriesFor, targetsOf } from '../support.js';

const at = '40m';

describe.each(['web', 'api', 'grpc', 'worker'] as AppType[])('%s: the app down', (type) => {
  const project = generate({ type });

  it('scrape targets up == 0 and no traffic for 40 minutes fires an alert', async () => {
    const r = release(await project, 'prod');
    const { pods, services } = runningPods(r);
    const series = targetsOf(r, pods.stable!, services).flatMap((t) => seriesFor(type, t, { perSecond: 0, up: false }));
    expect(await firingAlerts(rulesOf(r.objects), series, at)).not.toEqual([]);
  });

  it('no scrape target at all (absent) for 40 minutes fires an alert', async () => {
    const prod = release(await project, 'prod');
    // Only staging reports: prod's series are absent.
    const staging = release(await project, 'staging');
    const { pods, services } = runningPods(staging);
    const series = targetsOf(staging, pods.stable!, services).flatMap((t) => seriesFor(type, t, { perSecond: 10 }));
    expect(await firingAlerts(rulesOf(prod.objects), series, at)).not.toEqual([]);
  });

  it('the app down in another namespace fires nothing here', async () => {
    const prod = release(await project, 'prod');
    const staging = release(await project, 'staging');
    const series: Series[] = [];
    for (const [r, up] of [[prod, true], [staging, false]] as const) {
      const { pods, services } = runningPods(r);
      series.push(...targetsOf(r, pods.stable!, services).flatMap((t) => seriesFor(type, t, { perSecond: up ? 10 : 0, up })));
    }
    expect(await firingAlerts(rulesOf(prod.objects), series, at)).toEqual([]);
  });
});

describe('cron: a missed run', () => {
  const project = generate({ type: 'cron' });

  it('a schedule 30 minutes overdue (kube-state-metrics) fires an alert', async () => {
    const r = release(await project, 'prod');
    const cronJob = ofKind(r.objects, 'CronJob')[0];
    // promtool's clock starts at 0: at 40m the run due at 10m has not happened.
    const ksm = (name: string, value: number): Series => ({ name, labels: { namespace: r.namespace, cronjob: cronJob.metadata.name, job: 'kube-state-metrics' }, values: `${value}x60` });
    const series = [ksm('kube_cronjob_next_schedule_time', 600), ksm('kube_cronjob_status_last_schedule_time', 0), ksm('kube_cronjob_status_last_successful_time', 0), ksm('kube_cronjob_spec_suspend', 0)];
    expect(await firingAlerts(rulesOf(r.objects), series, at)).not.toEqual([]);
  });
});

describe.each(['web', 'worker', 'cron'] as AppType[])('%s: picked up by a default kube-prometheus-stack', (type) => {
  const project = generate({ type });

  it('monitors and rules carry release: kube-prometheus-stack', async () => {
    const r = release(await project, 'prod');
    const monitoring = r.objects.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind));
    expect(monitoring.length).toBeGreaterThan(0);
    for (const o of monitoring) expect(o.metadata.labels?.release, `${o.kind}/${o.metadata.name}`).toBe('kube-prometheus-stack');
  });
});

describe.each([['web', 'canary'], ['api', 'blue-green'], ['grpc', 'canary']] as [AppType, Strategy][])('%s %s: each pod scraped once', (type, strategy) => {
  const project = generate({ type, strategy });

  it('at rest, the stable pod is one scrape target', async () => {
    const r = release(await project, 'prod');
    const { pods, services } = runningPods(r, 'rest');
    expect(targetsOf(r, pods.stable!, services)).toHaveLength(1);
  });
});
