// Prometheus' own rule checker and evaluator, for tests: `promtool check rules` and
// `promtool test rules` (synthetic series, alert and PromQL expectations), plus `evalQuery`, which
// evaluates any PromQL expression at a given time over synthetic series by reading the values
// promtool reports for a deliberately unmatched promql_expr_test.
//
// promtool is PROMTOOL_BIN, else `promtool` on PATH, else installed from Debian's `prometheus`
// package when the tests run as root on Debian; anything else fails with one line saying how.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureDebianPackages, onPath } from './argo/debian.js';

export type Labels = Record<string, string>;
/** One input series: a metric name, its labels and promtool's expanding notation (`0+10x30`, `1x20`, `_x5`, `stale`). */
export interface Series { name: string; labels: Labels; values: string }
export interface Sample { labels: Labels; value: number }
export interface AlertTest { evalTime: string; alertname: string; expAlerts: { labels: Labels; annotations?: Labels }[] }
export interface ExprTest { evalTime: string; expr: string; expSamples: { labels: string; value: number }[] }
export interface RuleTests { series: Series[]; alerts?: AlertTest[]; exprs?: ExprTest[]; interval?: string }
export interface PromtoolResult { ok: boolean; output: string }

let resolved: Promise<string> | undefined;

export function promtoolBin(): Promise<string> {
  resolved ??= (async () => {
    if (process.env.PROMTOOL_BIN) return process.env.PROMTOOL_BIN;
    await ensureDebianPackages(['prometheus'], () => onPath('promtool') !== undefined, 'or set PROMTOOL_BIN to a promtool binary');
    return onPath('promtool')!;
  })();
  return resolved;
}

function run(args: string[], cwd: string): Promise<PromtoolResult> {
  return promtoolBin().then(
    (bin) =>
      new Promise((resolve) => {
        execFile(bin, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
          resolve({ ok: !err, output: `${stdout}${stderr}`.trim() });
        });
      }),
  );
}

async function inTempDir<T>(files: Record<string, string>, task: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return await task(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` on a rule file's YAML (a PrometheusRule's `spec`, i.e. `{groups: [...]}`). */
export function checkRules(rulesYaml: string): Promise<PromtoolResult> {
  return inTempDir({ 'rules.yaml': rulesYaml }, (dir) => run(['check', 'rules', 'rules.yaml'], dir));
}

/** A series in promtool's selector notation, label values quoted the way PromQL reads them. */
export function seriesSelector(s: Pick<Series, 'name' | 'labels'>): string {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${s.name}{${labels.join(',')}}`;
}

function testGroup(t: RuleTests) {
  return {
    interval: t.interval ?? '1m',
    input_series: t.series.map((s) => ({ series: seriesSelector(s), values: s.values })),
    alert_rule_test: (t.alerts ?? []).map((a) => ({
      eval_time: a.evalTime,
      alertname: a.alertname,
      exp_alerts: a.expAlerts.map((e) => ({ exp_labels: e.labels, ...(e.annotations ? { exp_annotations: e.annotations } : {}) })),
    })),
    promql_expr_test: (t.exprs ?? []).map((e) => ({ expr: e.expr, eval_time: e.evalTime, exp_samples: e.expSamples })),
  };
}

/** How often series are sampled and rules evaluated: 1m both, unless a long test asks for less. */
export interface Intervals { interval?: string; evaluationInterval?: string }

/** `promtool test rules`: the rules (a `{groups: [...]}` YAML) against one or more test groups. */
export function testRules(rulesYaml: string, tests: RuleTests | RuleTests[], evaluationInterval = '1m'): Promise<PromtoolResult> {
  const groups = (Array.isArray(tests) ? tests : [tests]).map(testGroup);
  const file = stringify({ rule_files: ['rules.yaml'], evaluation_interval: evaluationInterval, tests: groups });
  return inTempDir({ 'rules.yaml': rulesYaml, 'tests.yaml': file }, (dir) => run(['test', 'rules', 'tests.yaml'], dir));
}

const SENTINEL = '__evalquery__';

/**
 * The instant vector `expr` gives at `at` (a duration from the start of the series, e.g. `30m`)
 * over `series`, with `rulesYaml` loaded when given (so ALERTS and recorded series exist).
 * Each expression's test expects a sample that cannot occur, so promtool always reports what it
 * got; that report is parsed back. A scalar comes back as one sample with no labels.
 */
export async function evalQueries(exprs: string[], series: Series[], at: string, rulesYaml = 'groups: []\n', intervals: Intervals = {}): Promise<Sample[][]> {
  const tests = exprs.map((expr, i) => ({ evalTime: at, expr, expSamples: [{ labels: `{${SENTINEL}="${i}"}`, value: 0 }] }));
  const res = await testRules(rulesYaml, { series, exprs: tests, interval: intervals.interval }, intervals.evaluationInterval);
  const found = new Map<number, Sample[]>();
  for (const m of res.output.matchAll(new RegExp(`exp: \\{${SENTINEL}="(\\d+)"\\} \\S+\\n\\s*got: (.*)`, 'g'))) {
    found.set(Number(m[1]), parseSamples(m[2]));
  }
  if (found.size !== exprs.length) throw new Error(`promtool did not evaluate ${exprs.join(' ; ')}:\n${res.output}`);
  return exprs.map((_, i) => found.get(i)!);
}

export async function evalQuery(expr: string, series: Series[], at: string, rulesYaml?: string, intervals?: Intervals): Promise<Sample[]> {
  return (await evalQueries([expr], series, at, rulesYaml, intervals))[0];
}

/** The alerts firing at `at`: alertname and labels of every ALERTS{alertstate="firing"} sample. */
export async function firingAlerts(rulesYaml: string, series: Series[], at: string, intervals?: Intervals): Promise<Labels[]> {
  const samples = await evalQuery('ALERTS{alertstate="firing"}', series, at, rulesYaml, intervals);
  return samples.map(({ labels }) => {
    const { __name__: _name, alertstate: _state, ...rest } = labels;
    return rest;
  });
}

// promtool prints samples as `{a="x", b="y"} 1.5E+00, {…} NaN` (Go-quoted values), or `nil`.
function parseSamples(text: string): Sample[] {
  if (text.trim() === 'nil') return [];
  const samples: Sample[] = [];
  const sample = /\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\} (\S+?)(?:, |$)/g;
  for (const m of text.trim().matchAll(sample)) {
    const labels: Labels = {};
    for (const l of m[1].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = JSON.parse(`"${l[2]}"`);
    samples.push({ labels, value: parseGoFloat(m[2]) });
  }
  return samples;
}

function parseGoFloat(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`unexpected sample value from promtool: ${s}`);
  return n;
}
