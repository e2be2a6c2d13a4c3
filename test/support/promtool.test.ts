// The promtool harness and the Prometheus Operator label derivation, against known outcomes.
import { describe, expect, it } from 'vitest';
import { checkRules, evalQueries, evalQuery, firingAlerts, testRules, type Series } from './promtool.js';
import { podFrom, targetLabels, type TargetPod } from './promtool-targets.js';

const RULES = `groups:
- name: app
  rules:
  - alert: AppDown
    expr: up{job="shop"} == 0
    for: 2m
    labels: {severity: critical}
`;
const up = (values: string): Series => ({ name: 'up', labels: { job: 'shop', namespace: 'shop-prod' }, values });

describe('promtool', () => {
  it('check rules accepts good rules and names the fault in bad ones', async () => {
    expect(await checkRules(RULES)).toMatchObject({ ok: true });
    const bad = await checkRules('groups:\n- name: g\n  rules:\n  - alert: X\n    expr: up ==\n');
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/parse error/);
    expect((await checkRules('groups:\n- name: g\n  rules:\n  - alert: X\n    expr: up\n    for: often\n')).ok).toBe(false);
  });

  it('test rules passes a true expectation and fails a false one', async () => {
    const down = { series: [up('0x10')], alerts: [{ evalTime: '5m', alertname: 'AppDown', expAlerts: [{ labels: { severity: 'critical', job: 'shop', namespace: 'shop-prod' } }] }] };
    expect(await testRules(RULES, down)).toMatchObject({ ok: true });
    // `for: 2m`: at 1m the alert is only pending.
    const tooEarly = { ...down, alerts: [{ ...down.alerts[0], evalTime: '1m' }] };
    expect((await testRules(RULES, tooEarly)).ok).toBe(false);
    const healthy = { series: [up('1x10')], alerts: [{ evalTime: '5m', alertname: 'AppDown', expAlerts: [] }] };
    expect(await testRules(RULES, healthy)).toMatchObject({ ok: true });
    // promql_expr_test: a right expectation passes, a wrong one fails.
    const expr = (value: number) => ({ series: [up('0x10')], exprs: [{ evalTime: '5m', expr: 'count(up == 0)', expSamples: [{ labels: '{}', value }] }] });
    expect(await testRules(RULES, expr(1))).toMatchObject({ ok: true });
    expect((await testRules(RULES, expr(2))).ok).toBe(false);
  });

  it('evalQuery returns the values and labels Prometheus computes', async () => {
    // A counter rising 60 per minute is a rate of 1/s; 10 of 70 requests failing is 1/7.
    const series: Series[] = [
      { name: 'http_requests_total', labels: { code: '200', job: 'shop' }, values: '0+60x20' },
      { name: 'http_requests_total', labels: { code: '500', job: 'shop' }, values: '0+10x20' },
    ];
    const rate = await evalQuery('sum by (code) (rate(http_requests_total[5m]))', series, '10m');
    expect(rate).toEqual([
      { labels: { code: '200' }, value: expect.closeTo(1, 9) },
      { labels: { code: '500' }, value: expect.closeTo(1 / 6, 9) },
    ]);
    const [ratio, empty, nan, inf, scalar] = await evalQueries(
      [
        'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
        'sum(rate(http_requests_total{job="other"}[5m]))',
        'sum(rate(http_requests_total{code="404"}[5m])) / sum(rate(http_requests_total{code="404"}[5m])) or vector(0/0)',
        'vector(1) / 0',
        'scalar(sum(rate(http_requests_total[5m])))',
      ],
      series,
      '10m',
    );
    expect(ratio).toEqual([{ labels: {}, value: expect.closeTo(1 / 7, 9) }]);
    expect(empty).toEqual([]);
    expect(nan[0].value).toBeNaN();
    expect(inf).toEqual([{ labels: {}, value: Infinity }]);
    expect(scalar).toEqual([{ labels: {}, value: expect.closeTo(7 / 6, 9) }]);
  });

  it('evalQuery keeps label values with quotes, commas and braces intact', async () => {
    const odd = 'a "b", {c}';
    expect(await evalQuery('m', [{ name: 'm', labels: { x: odd }, values: '3x3' }], '1m')).toEqual([{ labels: { __name__: 'm', x: odd }, value: 3 }]);
  });

  it('evalQuery reports an expression promtool cannot parse', async () => {
    await expect(evalQuery('sum(', [up('1x3')], '1m')).rejects.toThrow(/did not evaluate/);
  });

  it('firingAlerts lists the alerts firing at a time, not the pending ones', async () => {
    expect(await firingAlerts(RULES, [up('1x5 0x10')], '7m')).toEqual([]); // down since 6m: pending
    expect(await firingAlerts(RULES, [up('1x5 0x10')], '9m')).toEqual([{ alertname: 'AppDown', job: 'shop', namespace: 'shop-prod', severity: 'critical' }]);
  });
});

// Expected labels worked out from prometheus-operator pkg/prometheus/promcfg.go
// (generateServiceMonitorConfig, generatePodMonitorConfig).
describe('targetLabels', () => {
  const pod: TargetPod = {
    name: 'shop-6b7c9-abcde',
    namespace: 'shop-prod',
    ip: '10.1.2.3',
    labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop', team: 'pay' },
    containers: [
      { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] },
      { name: 'sidecar', ports: [{ name: 'admin', containerPort: 9901 }] },
    ],
  };
  const service = {
    kind: 'Service',
    metadata: { name: 'shop', labels: { 'app.kubernetes.io/name': 'shop', tier: 'front', 'app.kubernetes.io/part-of': 'store' } },
    spec: { selector: { 'app.kubernetes.io/name': 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }] },
  };
  const serviceMonitor = (spec: Record<string, unknown>) => ({ kind: 'ServiceMonitor', metadata: { name: 'shop-sm' }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } }, ...spec } });
  const podMonitor = (spec: Record<string, unknown>) => ({ kind: 'PodMonitor', metadata: { name: 'shop-pm' }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } }, ...spec } });

  it('ServiceMonitor: namespace, service, pod, container, job = Service name, endpoint = port name', () => {
    expect(targetLabels(serviceMonitor({ endpoints: [{ port: 'http' }] }), service, pod)).toEqual([
      { namespace: 'shop-prod', service: 'shop', pod: 'shop-6b7c9-abcde', container: 'app', job: 'shop', endpoint: 'http', instance: '10.1.2.3:8080' },
    ]);
  });

  it('ServiceMonitor: jobLabel, targetLabels and podTargetLabels (sanitized, only when set)', () => {
    const m = serviceMonitor({ jobLabel: 'app.kubernetes.io/part-of', targetLabels: ['tier', 'missing'], podTargetLabels: ['team', 'app.kubernetes.io/instance'], endpoints: [{ port: 'metrics' }] });
    expect(targetLabels(m, service, pod)).toEqual([
      { namespace: 'shop-prod', service: 'shop', pod: 'shop-6b7c9-abcde', container: 'app', tier: 'front', team: 'pay', app_kubernetes_io_instance: 'shop', job: 'store', endpoint: 'metrics', instance: '10.1.2.3:9090' },
    ]);
    // A jobLabel the Service lacks falls back to the Service name.
    expect(targetLabels(serviceMonitor({ jobLabel: 'nope', endpoints: [{ port: 'http' }] }), service, pod)[0].job).toBe('shop');
  });

  it('ServiceMonitor: nothing when the selector, the namespace, the Service selector or the port do not match', () => {
    expect(targetLabels({ ...serviceMonitor({ endpoints: [{ port: 'http' }] }), spec: { selector: { matchLabels: { tier: 'back' } }, endpoints: [{ port: 'http' }] } }, service, pod)).toEqual([]);
    expect(targetLabels({ ...serviceMonitor({ endpoints: [{ port: 'http' }] }), metadata: { name: 'x', namespace: 'monitoring' } }, service, pod)).toEqual([]);
    expect(targetLabels(serviceMonitor({ namespaceSelector: { any: true }, endpoints: [{ port: 'http' }] }), { ...service, metadata: { ...service.metadata, namespace: 'shop-prod' } }, pod)).toHaveLength(1);
    expect(targetLabels(serviceMonitor({ endpoints: [{ port: 'grpc' }] }), service, pod)).toEqual([]);
    expect(targetLabels(serviceMonitor({ endpoints: [{ port: 'http' }] }), { ...service, spec: { ...service.spec, selector: { 'app.kubernetes.io/name': 'other' } } }, pod)).toEqual([]);
  });

  it('ServiceMonitor: relabelings are refused, not guessed', () => {
    expect(() => targetLabels(serviceMonitor({ endpoints: [{ port: 'http', relabelings: [{ targetLabel: 'x', replacement: 'y' }] }] }), service, pod)).toThrow(/not modelled/);
  });

  it('PodMonitor: job = <namespace>/<podmonitor name>, container of the named port', () => {
    expect(targetLabels(podMonitor({ podMetricsEndpoints: [{ port: 'admin' }] }), undefined, pod)).toEqual([
      { namespace: 'shop-prod', container: 'sidecar', pod: 'shop-6b7c9-abcde', job: 'shop-prod/shop-pm', endpoint: 'admin', instance: '10.1.2.3:9901' },
    ]);
    // portNumber keeps the port but sets no endpoint label; jobLabel comes from the pod.
    expect(targetLabels(podMonitor({ jobLabel: 'team', podTargetLabels: ['team'], podMetricsEndpoints: [{ portNumber: 9090 }] }), undefined, pod)).toEqual([
      { namespace: 'shop-prod', container: 'app', pod: 'shop-6b7c9-abcde', team: 'pay', job: 'pay', instance: '10.1.2.3:9090' },
    ]);
    expect(targetLabels(podMonitor({ podMetricsEndpoints: [{ port: 'nope' }] }), undefined, pod)).toEqual([]);
  });

  it('podFrom takes the pod template of a Deployment or CronJob', () => {
    const template = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'metrics', containerPort: 9090 }] }] } };
    const fromDeployment = podFrom({ kind: 'Deployment', metadata: { name: 'w' }, spec: { template } }, 'ns');
    expect(fromDeployment).toMatchObject({ namespace: 'ns', labels: { a: 'b' }, containers: [{ name: 'c' }] });
    expect(podFrom({ kind: 'CronJob', metadata: { name: 'j' }, spec: { jobTemplate: { spec: { template } } } }, 'ns').labels).toEqual({ a: 'b' });
  });
});
