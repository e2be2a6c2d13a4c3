// The SLO (`--slo`): its recording rules and multiwindow, multi-burn-rate alerts, evaluated by
// promtool on the series a cluster would hold (labelled as the chart's own ServiceMonitor /
// PodMonitor label them, test/support/promtool-targets.ts). For web, api, grpc and worker, at
// their default objective: a fast burn pages; a burn within budget stays quiet, however long;
// a slow burn files a ticket and does not page; a burst that stopped stops paging; the same app
// burning in another namespace fires nothing here; the budget left is recorded. Also: the answer,
// its defaults and validation, and where the rules are (not) rendered.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { coerce, resolveAnswers } from '../../src/answers.js';
import { UsageError } from '../../src/errors.js';
import { OPTION_BY_KEY, type Partial_ } from '../../src/options.js';
import { parseRecorded, serializeAnswers } from '../../src/recorded.js';
import { render } from '../../src/render.js';
import { renderApplicationChart } from '../support/argo/appset.js';
import { helmBinaries } from '../support/helm.js';
import { answersFor, builtin } from '../support/project.js';
import { checkRules, evalQueries, firingAlerts, type Intervals, type Labels, type Series } from '../support/promtool.js';
import {
  CLUSTER_APIS, generate, release, rulesOf, runningPods, seriesFor, targetsOf,
  type EnvRelease, type Generated,
} from './support.js';

const SLO_FILE = 'chart/templates/slo-rules.yaml';

/** A stretch of constant load: `burn` is the error ratio as a multiple of the error budget. */
interface Phase { minutes: number; burn: number }

/**
 * The series of `r`'s pod through consecutive phases, one sample every `step` minutes: each
 * phase's series come from seriesFor (same names and labels), their counters carried on from
 * where the previous phase left them.
 */
function phasedSeries(p: Generated, r: EnvRelease, phases: Phase[], step = 1): Series[] {
  const { pods, services } = runningPods(r, 'rest');
  const targets = targetsOf(r, pods.stable!, services);
  expect(targets.length, `the chart's monitors scrape the ${r.env} pod`).toBeGreaterThan(0);
  const budget = 1 - (p.answers.slo as number) / 100;
  // The first phase has a sample at 0 and one per step after; the later ones continue it.
  const steps = phases.map((ph, i) => ph.minutes / step - (i === 0 ? 0 : 1));
  return targets.flatMap((target) => {
    const parts = phases.map((ph, i) => seriesFor(p.answers.type, target, { perSecond: 20, errorRatio: Math.min(1, ph.burn * budget), minutes: steps[i] }));
    return parts[0].map((first, j) => {
      let end = 0;
      const values = parts.map((part, i) => {
        const counter = /^0\+(\S+)x\d+$/.exec(part[j].values);
        if (!counter) return part[j].values.replace(/x\d+$/, `x${steps[i]}`); // up: one value throughout
        const delta = Number(counter[1]);
        const start = i === 0 ? 0 : end + delta;
        end = start + delta * steps[i];
        return `${round(start)}+${round(delta)}x${steps[i]}`;
      });
      return { ...first, values: values.join(' ') };
    });
  });
}
const round = (n: number) => Number(n.toFixed(6));

const sloAlerts = (alerts: Labels[]) => alerts.filter((a) => a.alertname.endsWith('ErrorBudgetBurn'));
/** The SLO alerts firing, as `<tier>/<severity>`. */
const tiers = (alerts: Labels[]) => sloAlerts(alerts).map((a) => `${a.tier}/${a.severity}`).sort();

/** Days of series: a sample every 2 minutes (a 5m rate still sees 3), rules evaluated every 5. */
const DAYS: Intervals = { interval: '2m', evaluationInterval: '5m' };

const SERVED: Partial_[] = [
  { type: 'web' }, { type: 'api' }, { type: 'grpc' }, { type: 'worker' },
  // The other selectors: a Rollout's headless -metrics Service, a KEDA-scaled server.
  { type: 'web', strategy: 'canary' }, { type: 'grpc', strategy: 'blue-green', scaling: 'keda' },
];
const title = (given: Partial_) => Object.values(given).join(' ');

describe.each(SERVED.map((given) => [title(given), given] as const))('%s: SLO burn-rate alerts', (_, given) => {
  const project = generate(given);
  const prod = async () => release(await project, 'prod');
  const rules = async () => rulesOf((await prod()).objects);
  const firingAt = async (phases: Phase[], at: string, extra: Series[] = []) =>
    firingAlerts(await rules(), [...phasedSeries(await project, await prod(), phases), ...extra], at);
  const firingAfterDays = async (phases: Phase[], at: string) =>
    firingAlerts(await rules(), phasedSeries(await project, await prod(), phases, 2), at, DAYS);
  // Days of series take promtool seconds: the types carry them, the other selectors do not need to.
  const days = Object.keys(given).length === 1;

  it('is rendered with the objective answered, the label kube-prometheus-stack selects by, and passes promtool check rules', async () => {
    const p = await project;
    expect(p.answers.slo).toBe(given.type === 'worker' ? 99 : 99.9);
    for (const r of p.releases) {
      const slo = r.objects.filter((o) => o.kind === 'PrometheusRule' && o.metadata.name.endsWith('-slo'));
      expect(slo, r.env).toHaveLength(1);
      expect(slo[0].metadata.labels.release).toBe('kube-prometheus-stack');
      expect(await checkRules(rulesOf(r.objects)), r.env).toMatchObject({ ok: true });
    }
  });

  it('a fast burn (15 times the budget for an hour) pages', async () => {
    expect(tiers(await firingAt([{ minutes: 60, burn: 15 }], '60m'))).toContain('page/critical');
  });

  it('a burn within budget stays quiet', async () => {
    expect(await firingAt([{ minutes: 60, burn: 0.5 }], '60m')).toEqual([]);
  });

  it.runIf(days)('a burn within budget stays quiet for three days', async () => {
    expect(await firingAfterDays([{ minutes: 3 * 1440, burn: 0.9 }], '3d')).toEqual([]);
  });

  it('a slow burn files a ticket and does not page', async () => {
    expect(tiers(await firingAt([{ minutes: 180, burn: 4 }], '180m'))).toEqual(['ticket/warning']);
  });

  it.runIf(days)('a slow burn over days files a ticket and does not page: 4 times the budget for a day, 1.5 times for three days', async () => {
    expect(tiers(await firingAfterDays([{ minutes: 1440, burn: 4 }], '1d'))).toEqual(['ticket/warning']);
    expect(tiers(await firingAfterDays([{ minutes: 3 * 1440, burn: 1.5 }], '3d'))).toEqual(['ticket/warning']);
  });

  it('a burst pages while it lasts and stops paging minutes after it stops', async () => {
    // Six quiet hours, half an hour at 50 times the budget (17 minutes of it spend the 2% of the
    // month's budget an hour may), then quiet again.
    const burst = [{ minutes: 360, burn: 0 }, { minutes: 30, burn: 50 }, { minutes: 10, burn: 0 }];
    expect(tiers(await firingAfterDays(burst.slice(0, 2), '390m'))).toContain('page/critical');
    expect(tiers(await firingAfterDays(burst, '400m'))).not.toContain('page/critical');
  });

  it('the same app burning its budget in another namespace fires nothing here', async () => {
    const p = await project;
    const staging = phasedSeries(p, release(p, 'staging'), [{ minutes: 60, burn: 50 }]);
    expect(await firingAt([{ minutes: 60, burn: 0 }], '60m', staging)).toEqual([]);
  });

  it('records the availability and the error budget left', async () => {
    const p = await project;
    const r = await prod();
    const series = phasedSeries(p, r, [{ minutes: 120, burn: 0.25 }]);
    const budget = 1 - (p.answers.slo as number) / 100;
    const [availability, remaining, error5m] = await evalQueries(
      ['slo:availability:ratio_rate30d', 'slo:error_budget_remaining:ratio_rate30d', 'slo:sli_error:ratio_rate5m'],
      series, '120m', await rules(),
    );
    const job = targetsOf(r, runningPods(r).pods.stable!, runningPods(r).services)[0].job;
    for (const samples of [availability, remaining, error5m]) expect(samples.map(({ labels: { __name__: _, ...labels } }) => labels)).toEqual([{ namespace: r.namespace, job }]);
    expect(availability[0].value).toBeCloseTo(1 - 0.25 * budget, 9);
    expect(remaining[0].value).toBeCloseTo(0.75, 6);
    expect(error5m[0].value).toBeCloseTo(0.25 * budget, 9);
  });

  it('no errors at all: the error ratio is 0 and the whole budget is left, not absent', async () => {
    const p = await project;
    const [remaining] = await evalQueries(['slo:error_budget_remaining:ratio_rate30d'], phasedSeries(p, await prod(), [{ minutes: 30, burn: 0 }]), '30m', await rules());
    expect(remaining.map((s) => s.value)).toEqual([1]);
  });
});

describe('the --slo answer', () => {
  const option = OPTION_BY_KEY.get('slo')!;
  const parsed = (raw: unknown) => coerce(option, raw, '--slo');

  it('defaults to 99.9 for web, api and grpc, 99 for worker, none for cron or without monitoring', async () => {
    const slo = async (given: Partial_) => (await answersFor({ name: 'def', ...given })).slo;
    expect(await slo({ type: 'web' })).toBe(99.9);
    expect(await slo({ type: 'api' })).toBe(99.9);
    expect(await slo({ type: 'grpc' })).toBe(99.9);
    expect(await slo({ type: 'worker' })).toBe(99);
    expect(await slo({ type: 'cron' })).toBeNull();
    expect(await slo({ type: 'cron', slo: 99.5 })).toBeNull();
    expect(await slo({ type: 'web', monitoring: false, slo: 99.5 })).toBeNull();
  });

  it('takes a percentage with up to 3 decimals or none, from a flag or a YAML number', () => {
    expect(parsed('99.95')).toBe(99.95);
    expect(parsed(' 99.999 ')).toBe(99.999);
    expect(parsed('95')).toBe(95);
    expect(parsed(99.5)).toBe(99.5);
    expect(parsed('none')).toBe('none');
  });

  it.each([['0'], ['100'], ['100.5'], ['99.9999'], ['-1'], ['1e2'], ['99,9'], ['99.9%'], ['off'], [''], [0.0001], [Infinity], [true]])('refuses %s', (raw) => {
    expect(() => parsed(raw)).toThrow(UsageError);
    expect(() => parsed(raw)).toThrow(/^--slo: /);
  });

  it('is recorded and read back, none included; a project recorded without it gets the default', async () => {
    for (const slo of [99.95, 'none'] as const) {
      const answers = await answersFor({ name: 'rec', type: 'api', slo });
      const text = serializeAnswers(answers, '1.2.3', 'x');
      expect(parse(text).answers.slo).toBe(slo);
      const back = await parseRecorded(text, '.create-k8s-app.yaml');
      expect(back.answers.slo).toBe(slo);
    }
    const old = await parseRecorded('version: 1.0.0\nanswers:\n  name: old\n  type: worker\n', '.create-k8s-app.yaml');
    const upgraded = await resolveAnswers({ flags: {}, preset: old.answers, facts: { originUrl: null, repoPath: null }, ask: null, yes: true });
    expect(upgraded.slo).toBe(99);
  });
});

describe('where the SLO rules are rendered', () => {
  const plan = async (given: Partial_) => render(await answersFor({ name: 'shop', ...given }), builtin(), '1.2.3');

  it('for every served type with monitoring, not with --slo none, --no-monitoring or for cron', async () => {
    for (const type of ['web', 'api', 'grpc', 'worker'] as const) expect((await plan({ type })).has(SLO_FILE), type).toBe(true);
    for (const given of [{ slo: 'none' }, { monitoring: false }, { type: 'cron' }] as Partial_[]) {
      const p = await plan(given);
      expect(p.has(SLO_FILE), JSON.stringify(given)).toBe(false);
      expect(parse(p.get('chart/values.yaml')!).slo, JSON.stringify(given)).toBeUndefined();
    }
  });

  it('values.yaml carries the objective answered', async () => {
    expect(parse((await plan({ type: 'api', slo: 99.95 })).get('chart/values.yaml')!).slo).toEqual({ enabled: true, objective: 99.95, runbookUrl: '' });
  });

  describe('by Helm', () => {
    const project = generate({ type: 'api' });
    const withParameters = async (parameters: { name: string; value: string }[], apis = CLUSTER_APIS) => {
      const p = await project;
      const app = structuredClone(release(p, 'prod').app);
      const helm = (app.spec.source.helm ??= {});
      helm.parameters = [...(helm.parameters ?? []), ...parameters];
      const [bin] = await helmBinaries();
      return renderApplicationChart(bin.bin, p.dir, app, apis);
    };
    const sloRules = (objects: Record<string, any>[]) => objects.filter((o) => o.kind === 'PrometheusRule' && o.metadata.name.endsWith('-slo'));

    it('only where the Prometheus Operator serves PrometheusRule, and not with metrics.enabled or slo.enabled false', async () => {
      expect(sloRules((await withParameters([])).objects)).toHaveLength(1);
      expect(sloRules((await withParameters([], [])).objects)).toEqual([]);
      expect(sloRules((await withParameters([{ name: 'slo.enabled', value: 'false' }])).objects)).toEqual([]);
      expect(sloRules((await withParameters([{ name: 'metrics.enabled', value: 'false' }])).objects)).toEqual([]);
    });

    it('a runbook URL reaches both alerts', async () => {
      const [rule] = sloRules((await withParameters([{ name: 'slo.runbookUrl', value: 'https://runbooks.example.com/shop' }])).objects);
      const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
      expect(alerts.map((a: any) => a.annotations.runbook_url)).toEqual(['https://runbooks.example.com/shop', 'https://runbooks.example.com/shop']);
    });

    it('refuses an objective of 100 or more, or 0 or less, naming the value', async () => {
      await expect(withParameters([{ name: 'slo.objective', value: '100' }])).rejects.toThrow(/slo\.objective/);
      await expect(withParameters([{ name: 'slo.objective', value: '0' }])).rejects.toThrow(/slo\.objective/);
    });
  });
});
