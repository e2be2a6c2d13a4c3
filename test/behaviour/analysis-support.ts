// The Argo Rollouts analysis of a generated release, phase by phase: which AnalysisTemplate
// metrics each gate of the Rollout runs (canary background and step analyses, blue-green pre-
// and post-promotion) with their `{{args.*}}` filled in, the series Prometheus holds at that
// moment (labels from the chart's own monitors, Services pointed as Argo Rollouts points them),
// and the verdicts promtool and Argo's condition evaluator give.
import type { Labels, Series } from '../support/promtool.js';
import { evalQueries } from '../support/promtool.js';
import { judgeAll, type Phase } from '../support/argo/rollouts.js';
import { podFrom, type TargetPod } from '../support/promtool-targets.js';
import {
  CANARY_HASH, one, ofKind, release, seriesFor, STABLE_HASH, targetsOf, withArgs, workloadOf,
  type EnvRelease, type Generated, type Load, type Obj,
} from './support.js';

export type Gate = 'canary' | 'prePromotion' | 'postPromotion';
export interface GateMetric { gate: Gate; template: string; metric: Obj; args: Record<string, string> }

/** The analysis references of a Rollout, by the gate they belong to. */
function refsOf(rollout: Obj): { gate: Gate; ref: Obj }[] {
  const s = rollout.spec.strategy;
  return [
    ...(s.canary ? [s.canary.analysis, ...(s.canary.steps ?? []).map((st: Obj) => st.analysis)].filter(Boolean).map((ref) => ({ gate: 'canary' as const, ref })) : []),
    ...(s.blueGreen?.prePromotionAnalysis ? [{ gate: 'prePromotion' as const, ref: s.blueGreen.prePromotionAnalysis }] : []),
    ...(s.blueGreen?.postPromotionAnalysis ? [{ gate: 'postPromotion' as const, ref: s.blueGreen.postPromotionAnalysis }] : []),
  ];
}

/** Every metric each gate runs, with the args Argo Rollouts resolves (podTemplateHashValue included). */
export function gateMetrics(r: EnvRelease, gate?: Gate): GateMetric[] {
  const out: GateMetric[] = [];
  for (const { gate: g, ref } of refsOf(one(r.objects, 'Rollout'))) {
    if (gate && g !== gate) continue;
    const args: Record<string, string> = {};
    for (const a of ref.args ?? []) {
      const hash = a.valueFrom?.podTemplateHashValue;
      args[a.name] = hash ? (hash === 'Latest' ? CANARY_HASH : STABLE_HASH) : a.value;
    }
    for (const t of ref.templates) {
      const template = ofKind(r.objects, 'AnalysisTemplate').find((o) => o.metadata.name === t.templateName);
      if (!template) throw new Error(`AnalysisTemplate ${t.templateName} is not rendered`);
      for (const a of template.spec.args ?? []) if (!(a.name in args) && a.value === undefined) throw new Error(`${t.templateName}: no value for arg ${a.name}`);
      for (const metric of template.spec.metrics) out.push({ gate: g, template: t.templateName, metric, args });
    }
  }
  return out;
}

/** A metric's provider with Argo Rollouts' `{{args.*}}` substitution applied to every string in it. */
export function resolvedProvider(m: GateMetric): Obj {
  const walk = (v: unknown): unknown =>
    typeof v === 'string' ? withArgs(v, m.args) : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  return walk(m.metric.provider) as Obj;
}

/**
 * The release's pods and Services during a gate. Canary and pre-promotion: the stable/active
 * Service selects the old ReplicaSet, the canary/preview Service the new one. Post-promotion:
 * both select the new ReplicaSet; the old pods still run but no Service lists them.
 */
export function podsDuring(r: EnvRelease, gate: Gate): { old: TargetPod; fresh: TargetPod; services: Obj[] } {
  const workload = workloadOf(r.objects) as any;
  const strategy = workload.spec.strategy.canary ?? workload.spec.strategy.blueGreen;
  const stableSvc = strategy.stableService ?? strategy.activeService;
  const canarySvc = strategy.canaryService ?? strategy.previewService;
  const base = podFrom(workload, r.namespace, '5f6d7c8b9-stabl', '10.244.1.10');
  const old = { ...base, labels: { ...base.labels, 'rollouts-pod-template-hash': STABLE_HASH } };
  const freshBase = podFrom(workload, r.namespace, '7a8b9c0d1-canry', '10.244.2.20');
  const fresh = { ...freshBase, labels: { ...freshBase.labels, 'rollouts-pod-template-hash': CANARY_HASH } };
  const services = structuredClone(ofKind(r.objects, 'Service'));
  for (const s of services) {
    if (s.metadata.name === stableSvc) s.spec.selector = { ...s.spec.selector, 'rollouts-pod-template-hash': gate === 'postPromotion' ? CANARY_HASH : STABLE_HASH };
    if (s.metadata.name === canarySvc) s.spec.selector = { ...s.spec.selector, 'rollouts-pod-template-hash': CANARY_HASH };
  }
  return { old, fresh, services };
}

/** The series of one release during `gate`: the old pods under `old`, the new ones under `fresh` (null: not scraped at all). */
export function seriesDuring(project: Generated, env: string, gate: Gate, old: Load, fresh: Load | null): Series[] {
  const r = release(project, env);
  const { old: oldPod, fresh: freshPod, services } = podsDuring(r, gate);
  const type = project.answers.type;
  return [
    ...targetsOf(r, oldPod, services).flatMap((t: Labels) => seriesFor(type, t, old)),
    ...(fresh ? targetsOf(r, freshPod, services).flatMap((t: Labels) => seriesFor(type, t, fresh)) : []),
  ];
}

/** The phase of every Prometheus metric of `gate` in `env`, over the series given. */
export async function prometheusVerdicts(project: Generated, env: string, gate: Gate, series: Series[]): Promise<Phase[]> {
  const metrics = gateMetrics(release(project, env), gate).filter((m) => m.metric.provider.prometheus);
  if (metrics.length === 0) throw new Error(`no Prometheus metric in the ${gate} gate of ${env}`);
  const queries = metrics.map((m) => resolvedProvider(m).prometheus.query as string);
  const results = await evalQueries(queries, series, '30m');
  const judged = await judgeAll(metrics.map((m, i) => ({ conditions: m.metric, result: { type: 'vector' as const, samples: results[i] } })));
  return judged.map((v) => v.phase);
}

/** `env`'s verdicts while its new pods get `fresh`, its old ones `old`, and `others` runs elsewhere. */
export async function verdictsDuring(project: Generated, env: string, gate: Gate, old: Load, fresh: Load | null, others: Series[] = []): Promise<Phase[]> {
  return prometheusVerdicts(project, env, gate, [...seriesDuring(project, env, gate, old, fresh), ...others]);
}
