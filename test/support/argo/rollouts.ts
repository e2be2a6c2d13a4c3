// Argo Rollouts' verdict on one Prometheus measurement: the query's result (as promtool computed
// it) bound to `result` the way Argo's Prometheus provider binds it, then successCondition and
// failureCondition evaluated by antonmedv/expr with Argo's helpers (see rollouts-eval/main.go).
import type { Sample } from '../promtool.js';
import { runTool } from './build.js';

export type Phase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
export interface Conditions { successCondition?: string; failureCondition?: string }
/** A Prometheus answer: an instant vector (what analysis queries return) or a scalar. */
export type QueryResult = { type: 'vector'; samples: Sample[] } | { type: 'scalar'; value: number };
export interface Verdict { phase: Phase; message?: string }

const goFloat = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));

export async function judgeAll(cases: { conditions: Conditions; result: QueryResult }[]): Promise<Verdict[]> {
  const input = cases.map(({ conditions, result }) => ({
    successCondition: conditions.successCondition ?? '',
    failureCondition: conditions.failureCondition ?? '',
    result: result.type === 'scalar' ? { type: 'scalar', values: [goFloat(result.value)] } : { type: 'vector', values: result.samples.map((s) => goFloat(s.value)) },
  }));
  return runTool<Verdict[]>('rollouts-eval', input);
}

export async function judge(conditions: Conditions, result: QueryResult): Promise<Verdict> {
  return (await judgeAll([{ conditions, result }]))[0];
}

/** A vector result from plain numbers (labels do not matter to the conditions). */
export const vector = (...values: number[]): QueryResult => ({ type: 'vector', samples: values.map((value) => ({ labels: {}, value })) });
