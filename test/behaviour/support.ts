// Generated projects as a cluster would run them, for the behaviour tests: the ApplicationSet
// expanded as Argo CD does, each Application's chart rendered by Helm with its release name,
// namespace and value files, and synthetic series carrying the labels the chart's own
// ServiceMonitor / PodMonitor give them (test/support/promtool-targets.ts).
import { afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Partial_ } from '../../src/options.js';
import { render } from '../../src/render.js';
import type { Answers, AppType } from '../../src/types.js';
import { renderApplicationChart, renderApplications, type Application } from '../support/argo/appset.js';
import { helmBinaries } from '../support/helm.js';
import { answersFor, builtin, MONITORING_APIS, tempRoot, writePlan } from '../support/project.js';
import type { Labels, Series } from '../support/promtool.js';
import type { Pod as NetpolPod } from '../support/netpol.js';
import { podFrom, targetLabels, type TargetPod } from '../support/promtool-targets.js';

export type Obj = Record<string, any>;
export interface EnvRelease { env: string; app: Application; args: string[]; releaseName: string; namespace: string; objects: Obj[] }
export interface Generated { answers: Answers; dir: string; appSetYaml: string; releases: EnvRelease[] }

/** The APIs a cluster with the Prometheus Operator, Argo Rollouts and KEDA serves. */
export const CLUSTER_APIS = [...MONITORING_APIS, 'argoproj.io/v1alpha1/Rollout', 'keda.sh/v1alpha1/ScaledObject'];

/** Generates a project, registers its cleanup, and renders every Application as Argo CD would. */
export function generate(given: Partial_, apis = CLUSTER_APIS): Promise<Generated> {
  // Called while a suite is collected: the cleanup is registered now, the work runs meanwhile.
  const root = tempRoot('behaviour-');
  afterAll(() => root.cleanup());
  const generated = generateIn(root.dir, given, apis);
  generated.catch(() => {}); // reported by the tests that await it
  return generated;
}

async function generateIn(dir: string, given: Partial_, apis: string[]): Promise<Generated> {
  const root = { dir };
  const answers = await answersFor({ name: 'shop', ...given });
  await writePlan(root.dir, render(answers, builtin(), '1.2.3'));
  const appSetYaml = readFileSync(`${root.dir}/argocd/applicationset.yaml`, 'utf8');
  const [helm] = await helmBinaries();
  const apps = await renderApplications(appSetYaml);
  const releases = await Promise.all(
    apps.map(async (app, i) => ({ env: app.metadata.labels?.environment ?? answers.envs[i], app, ...(await renderApplicationChart(helm.bin, root.dir, app, apis)) })),
  );
  return { answers, dir: root.dir, appSetYaml, releases };
}

export function release(g: Generated, env: string): EnvRelease {
  const found = g.releases.find((r) => r.env === env);
  if (!found) throw new Error(`no Application for ${env} (have ${g.releases.map((r) => r.env).join(', ')})`);
  return found;
}
export const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
export const one = (objects: Obj[], kind: string) => {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
};
export const workloadOf = (objects: Obj[]) => objects.find((o) => ['Deployment', 'Rollout', 'CronJob'].includes(o.kind))!;

/** The rule file promtool reads: every PrometheusRule's groups together. */
export function rulesOf(objects: Obj[]): string {
  return stringify({ groups: ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups) });
}

/** Argo Rollouts' `{{args.<name>}}` substitution in an AnalysisTemplate string. */
export function withArgs(text: string, args: Record<string, string>): string {
  const out = text.replace(/\{\{args\.([\w.-]+)\}\}/g, (m, name: string) => {
    if (!(name in args)) throw new Error(`no value for ${m}`);
    return args[name];
  });
  return out;
}

/**
 * The pods of a release and the Services as Argo Rollouts leaves them. A Rollout's stable/active
 * and canary/preview Services get a `rollouts-pod-template-hash` selector: during an update they
 * select the old and the new ReplicaSet; at rest both select the one stable ReplicaSet.
 */
export function runningPods(r: EnvRelease, phase: 'rest' | 'update' = 'rest'): { pods: Record<'stable' | 'canary', TargetPod | undefined>; services: Obj[] } {
  const workload = workloadOf(r.objects) as any;
  const services = structuredClone(ofKind(r.objects, 'Service'));
  const stable = podFrom(workload, r.namespace, '5f6d7c8b9-stabl', '10.244.1.10');
  if (workload.kind !== 'Rollout') return { pods: { stable, canary: undefined }, services };
  const strategy = workload.spec.strategy.canary ?? workload.spec.strategy.blueGreen;
  const stableSvc = strategy.stableService ?? strategy.activeService;
  const canarySvc = strategy.canaryService ?? strategy.previewService;
  stable.labels['rollouts-pod-template-hash'] = STABLE_HASH;
  const canary = { ...podFrom(workload, r.namespace, '7a8b9c0d1-canry', '10.244.2.20'), labels: { ...stable.labels, 'rollouts-pod-template-hash': CANARY_HASH } };
  for (const s of services) {
    if (s.metadata.name === stableSvc) s.spec.selector = { ...s.spec.selector, 'rollouts-pod-template-hash': STABLE_HASH };
    if (s.metadata.name === canarySvc) s.spec.selector = { ...s.spec.selector, 'rollouts-pod-template-hash': phase === 'update' ? CANARY_HASH : STABLE_HASH };
  }
  return { pods: { stable, canary: phase === 'update' ? canary : undefined }, services };
}

/** Every scrape target the release's monitors make of `pod`. */
export function targetsOf(r: EnvRelease, pod: TargetPod, services: Obj[]): Labels[] {
  const targets: Labels[] = [];
  for (const m of ofKind(r.objects, 'ServiceMonitor')) for (const s of services) targets.push(...targetLabels(m as any, s as any, pod));
  for (const m of ofKind(r.objects, 'PodMonitor')) targets.push(...targetLabels(m as any, undefined, pod));
  return targets;
}

/** What the app is expected to expose (the metric names the chart's rules and queries use). */
export interface Load { perSecond: number; errorRatio?: number; slow?: boolean; up?: boolean; minutes?: number }

const HISTOGRAM: Record<Exclude<AppType, 'cron'>, { requests: string; errorLabel: [string, string, string]; buckets: string; failed?: string }> = {
  web: { requests: 'http_requests_total', errorLabel: ['code', '200', '500'], buckets: 'http_request_duration_seconds_bucket' },
  api: { requests: 'http_requests_total', errorLabel: ['code', '200', '500'], buckets: 'http_request_duration_seconds_bucket' },
  grpc: { requests: 'grpc_server_handled_total', errorLabel: ['grpc_code', 'OK', 'Unavailable'], buckets: 'grpc_server_handling_seconds_bucket' },
  worker: { requests: 'jobs_processed_total', errorLabel: ['', '', ''], buckets: 'job_duration_seconds_bucket', failed: 'jobs_failed_total' },
};

const counter = (perMinute: number, minutes: number) => `0+${perMinute}x${minutes}`;

/**
 * Synthetic series of one scrape target under a load: `up`, request (or job) counters with the
 * share of errors asked for, and a latency histogram (fast, or everything slower than 2.5s).
 */
export function seriesFor(type: AppType, target: Labels, load: Load): Series[] {
  if (type === 'cron') throw new Error('a CronJob has no scrape target; use kube-state-metrics series');
  const minutes = load.minutes ?? 60;
  const up: Series = { name: 'up', labels: target, values: `${load.up === false ? 0 : 1}x${minutes}` };
  const m = HISTOGRAM[type];
  const total = load.up === false ? 0 : load.perSecond * 60;
  const errors = total * (load.errorRatio ?? 0);
  const series: Series[] = [up];
  if (m.failed) {
    series.push({ name: m.requests, labels: target, values: counter(total, minutes) });
    series.push({ name: m.failed, labels: target, values: counter(errors, minutes) });
  } else {
    const [label, ok, bad] = m.errorLabel;
    series.push({ name: m.requests, labels: { ...target, [label]: ok }, values: counter(total - errors, minutes) });
    series.push({ name: m.requests, labels: { ...target, [label]: bad }, values: counter(errors, minutes) });
  }
  for (const le of ['0.1', '0.5', '1', '2.5', '+Inf']) {
    const within = load.slow ? (le === '+Inf' ? total : 0) : total;
    series.push({ name: m.buckets, labels: { ...target, le }, values: counter(within, minutes) });
  }
  return series;
}

export const STABLE_HASH = '5f6d7c8b9';
export const CANARY_HASH = '7a8b9c0d1';

/** The release's pod as the NetworkPolicy evaluator sees it. */
export function netpolPod(r: EnvRelease): NetpolPod {
  const pod = runningPods(r).pods.stable!;
  return { namespace: r.namespace, labels: pod.labels, ports: pod.containers.flatMap((c) => c.ports ?? []) };
}

/** One scheduled run of a CronJob: the minute it is due, how it ends, and how long it takes. */
export interface CronRun { at: number; outcome: 'succeeded' | 'failed' | 'retried-then-succeeded' | 'running'; minutes?: number }
export interface CronHistory {
  runs: CronRun[];
  /** spec.suspend (kube-state-metrics then drops kube_cronjob_next_schedule_time) */
  suspended?: boolean;
  /** minutes of series to write (promtool's clock starts at 0, the CronJob's creation) */
  until?: number;
}

// The labels kube-prometheus-stack's ServiceMonitor for kube-state-metrics leaves on its series
// (honorLabels: the object's own namespace / pod win over the target's).
const KSM_TARGET = { job: 'kube-state-metrics', instance: '10.244.0.5:8080', endpoint: 'http', service: 'kube-prometheus-stack-kube-state-metrics', container: 'kube-state-metrics' };

/** Minutes between runs of a `*\/N * * * *` schedule (the chart's default form); others are refused. */
function everyMinutes(schedule: string): number {
  const m = /^\*\/(\d+) \* \* \* \*$/.exec(schedule.trim());
  if (!m) throw new Error(`cronSeries models "*/N * * * *" schedules only, not "${schedule}"`);
  return Number(m[1]);
}

/**
 * kube-state-metrics' series of a release's CronJob and of the Jobs its runs create, minute by
 * minute, as internal/store/cronjob.go and job.go write them: the Job of the run due at minute m
 * is `<cronjob>-<m>` (the controller names it by the scheduled time in minutes); the CronJob's
 * next schedule time is the schedule's next slot after its last schedule time (or its creation);
 * kube_job_failed / kube_job_complete carry condition="true|false|unknown"; kube_job_status_failed
 * counts failed pods, with a `reason` label once any pod failed.
 */
export function cronSeries(r: EnvRelease, history: CronHistory): Series[] {
  const cronJob = one(r.objects, 'CronJob');
  const name: string = cronJob.metadata.name;
  const every = everyMinutes(cronJob.spec.schedule);
  const until = history.until ?? 60;
  const minutes = Array.from({ length: until + 1 }, (_, m) => m);
  const out: Series[] = [];
  const add = (metric: string, labels: Labels, valueAt: (m: number) => number | undefined) => {
    const values = minutes.map((m) => valueAt(m)).map((v) => (v === undefined ? '_' : String(v)));
    if (values.some((v) => v !== '_')) out.push({ name: metric, labels: { ...KSM_TARGET, namespace: r.namespace, ...labels }, values: values.join(' ') });
  };

  const started = (m: number) => history.runs.filter((run) => run.at <= m);
  const ended = (run: CronRun) => (run.outcome === 'running' ? Infinity : run.at + (run.minutes ?? 1));
  const cron = { cronjob: name };
  add('kube_cronjob_created', cron, () => 0);
  add('kube_cronjob_spec_suspend', cron, () => (history.suspended ? 1 : 0));
  add('kube_cronjob_status_active', cron, (m) => started(m).filter((run) => ended(run) > m).length);
  const lastSchedule = (m: number) => started(m).reduce<number | undefined>((last, run) => Math.max(last ?? 0, run.at * 60), undefined);
  add('kube_cronjob_status_last_schedule_time', cron, lastSchedule);
  add('kube_cronjob_next_schedule_time', cron, (m) => {
    if (history.suspended) return undefined;
    const from = lastSchedule(m) ?? 0; // never scheduled: the slot after creation (time 0)
    return (Math.floor(from / 60 / every) + 1) * every * 60;
  });
  add('kube_cronjob_status_last_successful_time', cron, (m) => {
    const done = history.runs.filter((run) => run.outcome !== 'failed' && run.outcome !== 'running' && ended(run) <= m);
    return done.length ? Math.max(...done.map((run) => ended(run) * 60)) : undefined;
  });

  for (const run of history.runs) {
    const job = { job_name: `${name}-${run.at}` };
    const exists = (m: number) => m >= run.at;
    const over = (m: number) => m >= ended(run);
    add('kube_job_owner', { ...job, owner_kind: 'CronJob', owner_name: name, owner_is_controller: 'true' }, (m) => (exists(m) ? 1 : undefined));
    add('kube_job_status_start_time', job, (m) => (exists(m) ? run.at * 60 : undefined));
    add('kube_job_status_active', job, (m) => (exists(m) ? (over(m) ? 0 : 1) : undefined));
    const failedPods = (m: number) => (run.outcome === 'failed' && over(m) ? 3 : run.outcome === 'retried-then-succeeded' && m > run.at ? 1 : 0);
    add('kube_job_status_failed', job, (m) => (exists(m) && failedPods(m) === 0 ? 0 : undefined));
    const failedNow = (m: number) => exists(m) && run.outcome === 'failed' && over(m);
    for (const reason of ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted']) {
      add('kube_job_status_failed', { ...job, reason }, (m) => (failedNow(m) ? (reason === 'BackoffLimitExceeded' ? 1 : 0) : undefined));
    }
    add('kube_job_status_failed', { ...job, reason: '' }, (m) => (exists(m) && !failedNow(m) && failedPods(m) > 0 ? failedPods(m) : undefined));
    const condition = (kind: 'failed' | 'complete') => (m: number) => {
      if (!exists(m) || !over(m)) return undefined;
      return (kind === 'failed') === (run.outcome === 'failed') ? 'true' : undefined;
    };
    for (const [metric, kind] of [['kube_job_failed', 'failed'], ['kube_job_complete', 'complete']] as const) {
      for (const c of ['true', 'false', 'unknown']) add(metric, { ...job, condition: c }, (m) => (condition(kind)(m) ? (c === 'true' ? 1 : 0) : undefined));
    }
    add('kube_job_status_succeeded', job, (m) => (exists(m) ? (over(m) && run.outcome !== 'failed' ? 1 : 0) : undefined));
  }
  return out;
}
