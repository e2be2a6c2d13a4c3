// All-pairs combinations of the answers: every value of every option meets every value of every
// other option in at least one combination the CLI accepts, without the full product. The
// dimensions come from the option table: enums and booleans with all their values, lists,
// strings and maps with the representative values below. An option added to the table is a
// dimension at once (a string or map one needs representatives: the test says so).
//
// A combination gives some options and leaves the rest to their defaults. It is valid when the
// CLI accepts it (no rejection rule fires as the answers are resolved in option order) and every
// option it gives applies given the answers before it (a port for a cron job would be ignored,
// and so would meet nothing). Only pairs that some valid combination holds must be covered.
//
// The generator is greedy (AETG-like, deterministic): each new combination starts from the first
// pair still uncovered and picks, option by option, the value covering most uncovered pairs with
// those already picked, among the values that still leave the combination completable.
import { OPTIONS, rejection, type OptionSpec, type Partial_ } from '../../src/options.js';

export interface Representative {
  label: string;
  value: unknown;
}

const PROD_CLUSTER = 'https://prod.k8s.example.com:6443';

/** A few values each for the options that are not enums or booleans, keyed by option. */
export const REPRESENTATIVES: Readonly<Record<string, readonly Representative[]>> = {
  envs: [
    { label: 'prod', value: ['prod'] },
    { label: 'dev-qa-staging-prod', value: ['dev', 'qa', 'staging', 'prod'] },
  ],
  'secret-keys': [{ label: 'two', value: ['API_TOKEN', 'DB_PASSWORD'] }],
  image: [{ label: 'digest', value: `registry.example.com/shop@sha256:${'a'.repeat(64)}` }],
  port: [{ label: '3000', value: 3000 }],
  host: [{ label: 'wildcard', value: '*.apps.example.com' }],
  'repo-path': [{ label: 'subdir', value: 'apps/shop' }],
  clusters: [
    { label: 'prod', value: { prod: PROD_CLUSTER } },
    { label: 'staging+prod', value: { staging: 'https://rancher.example.com/k8s/clusters/c-m-1', prod: PROD_CLUSTER } },
  ],
  // Options other changes add; used once they are in the option table.
  slo: [{ label: '99.5', value: '99.5' }, { label: 'none', value: 'none' }],
  schedule: [{ label: 'quarter-hour', value: '*/15 * * * *' }],
  timezone: [{ label: 'berlin', value: 'Europe/Berlin' }],
};

/** Options that are no dimension: the name is fixed, the repository URL only lands in two files. */
export const NOT_VARIED: readonly string[] = ['name', 'repo-url'];

export interface Dimension {
  key: string;
  option: OptionSpec;
  /** the values to cover; "not given" is always available besides them */
  values: Representative[];
}

export function dimensions(options: readonly OptionSpec[] = OPTIONS): Dimension[] {
  return options
    .filter((o) => !NOT_VARIED.includes(o.key))
    .map((option) => {
      let values: Representative[];
      if (option.kind === 'enum') values = option.choices!.map((c) => ({ label: c, value: c }));
      else if (option.kind === 'bool') values = [true, false].map((b) => ({ label: String(b), value: b }));
      else values = [...(REPRESENTATIVES[option.key] ?? [])];
      return { key: option.key, option, values };
    });
}

/** An index into a dimension's values per dimension; -1: not given. */
type Row = number[];

const FACTS = { originUrl: null, repoPath: null };

/**
 * Whether the first `upto` dimensions of `row` can be resolved: resolves in option order as
 * src/answers.ts does, refusing a given option that does not apply or any rejection.
 */
function prefixValid(dims: Dimension[], row: Row, upto: number): boolean {
  const sofar: Record<string, unknown> = { name: 'matrix-app' };
  let d = 0;
  for (const option of OPTIONS) {
    const dim = dims[d]?.option === option ? d++ : -1;
    if (dim >= upto) return true;
    const pick = dim >= 0 ? row[dim] : -1;
    if (option.key === 'name') continue;
    if (pick >= 0) {
      if (!option.applies(sofar as Partial_)) return false;
      const value = dims[dim].values[pick].value;
      sofar[option.key] = option.kind === 'map' ? { ...(option.defaultValue(sofar as Partial_, FACTS) as object), ...(value as object) } : value;
    } else {
      sofar[option.key] = option.defaultValue(sofar as Partial_, FACTS);
    }
    if (rejection(sofar as Partial_)) return false;
  }
  return true;
}

/**
 * How many partial rows `complete` tries before it calls a pair infeasible. A pair that no row
 * holds is found out only at its later option, after every choice of the options between: the
 * search is exponential there. Every feasible pair of today's options is found within a few
 * dozen tries (defaults first, then the answer that enables it); the bound keeps the infeasible
 * ones from taking minutes. Coverage below means: of every pair found feasible within it.
 */
const SEARCH_BUDGET = 3000;

/** Fills the unset (null) dimensions of `fixed` so the row is valid; null if none does (within the budget). */
function complete(dims: Dimension[], fixed: (number | null)[]): Row | null {
  const row: Row = fixed.map((v) => v ?? -1);
  let tries = 0;
  const go = (i: number): boolean => {
    if (++tries > SEARCH_BUDGET) return false;
    if (i === dims.length) return prefixValid(dims, row, dims.length);
    const choices = fixed[i] !== null ? [fixed[i]!] : [-1, ...dims[i].values.map((_, k) => k)];
    for (const c of choices) {
      row[i] = c;
      if (prefixValid(dims, row, i + 1) && go(i + 1)) return true;
    }
    row[i] = fixed[i] ?? -1;
    return false;
  };
  return go(0) ? row : null;
}

const pairKey = (i: number, a: number, j: number, b: number) => `${i}:${a}|${j}:${b}`;

/** Every pair of given values (dimension i < j) that some valid combination holds. */
export function feasiblePairs(dims: Dimension[]): Set<string> {
  const pairs = new Set<string>();
  for (let i = 0; i < dims.length; i++)
    for (let j = i + 1; j < dims.length; j++)
      for (let a = 0; a < dims[i].values.length; a++)
        for (let b = 0; b < dims[j].values.length; b++) {
          const fixed: (number | null)[] = dims.map(() => null);
          fixed[i] = a;
          fixed[j] = b;
          if (complete(dims, fixed)) pairs.add(pairKey(i, a, j, b));
        }
  return pairs;
}

function pairsOf(row: Row): string[] {
  const out: string[] = [];
  for (let i = 0; i < row.length; i++)
    for (let j = i + 1; j < row.length; j++) if (row[i] >= 0 && row[j] >= 0) out.push(pairKey(i, row[i], j, row[j]));
  return out;
}

export interface PairwiseCombination {
  id: string;
  given: Partial_;
}

function toCombination(dims: Dimension[], row: Row, n: number): PairwiseCombination {
  const given: Record<string, unknown> = {};
  const labels: string[] = [];
  row.forEach((pick, d) => {
    if (pick < 0) return;
    given[dims[d].key] = dims[d].values[pick].value;
    labels.push(`${dims[d].key}=${dims[d].values[pick].label}`);
  });
  return { id: `pairwise-${String(n).padStart(2, '0')} ${labels.join(' ')}`, given: given as Partial_ };
}

/** One combination grown from an uncovered pair: option by option, the value covering most. */
function grow(dims: Dimension[], uncovered: Set<string>, seed: string): Row {
  const [[i, a], [j, b]] = seed.split('|').map((p) => p.split(':').map(Number));
  const fixed: (number | null)[] = dims.map(() => null);
  fixed[i] = a;
  fixed[j] = b;
  // Options with the most values first: a KEDA trigger picked before scaling forces keda, where
  // scaling picked first would mostly rule the trigger out.
  const order = dims.map((_, d) => d).sort((x, y) => dims[y].values.length - dims[x].values.length || x - y);
  for (const d of order) {
    if (fixed[d] !== null) continue;
    let best: number | null = null;
    let bestGain = -1;
    // "Not given" first: it wins ties, so a combination gives only what earns a pair.
    for (const c of [-1, ...dims[d].values.map((_, k) => k)]) {
      const trial = [...fixed];
      trial[d] = c;
      let gain = 0;
      if (c >= 0)
        for (let e = 0; e < dims.length; e++) {
          const v = trial[e];
          if (e === d || v === null || v < 0) continue;
          if (uncovered.has(e < d ? pairKey(e, v, d, c) : pairKey(d, c, e, v))) gain++;
        }
      if (gain > bestGain && complete(dims, trial)) {
        best = c;
        bestGain = gain;
      }
    }
    fixed[d] = best;
  }
  return complete(dims, fixed)!;
}

/** How many candidate seeds each new combination is grown from; the best one is kept. */
const CANDIDATES = 8;

/**
 * The greedy covering array over `dims`; then any combination whose pairs the others all hold
 * is dropped, so each one left holds a pair no other does.
 */
export function pairwiseCombinations(dims: Dimension[] = dimensions()): PairwiseCombination[] {
  const uncovered = feasiblePairs(dims);
  const rows: Row[] = [];
  while (uncovered.size > 0) {
    const seeds = [...uncovered].filter((_, n) => n % Math.max(1, Math.floor(uncovered.size / CANDIDATES)) === 0).slice(0, CANDIDATES);
    let best: Row | null = null;
    let bestGain = -1;
    for (const seed of seeds) {
      const row = grow(dims, uncovered, seed);
      const gain = pairsOf(row).filter((p) => uncovered.has(p)).length;
      if (gain > bestGain) {
        best = row;
        bestGain = gain;
      }
    }
    for (const p of pairsOf(best!)) uncovered.delete(p);
    rows.push(best!);
  }
  for (let n = 0; n < rows.length; ) {
    const others = new Set(rows.filter((_, k) => k !== n).flatMap(pairsOf));
    if (pairsOf(rows[n]).every((p) => others.has(p))) rows.splice(n, 1);
    else n++;
  }
  return rows.map((row, n) => toCombination(dims, row, n + 1));
}

/** The feasible pairs no combination holds, named `key=label + key=label`. */
export function uncoveredPairs(dims: Dimension[], combinations: { given: Partial_ }[], feasible = feasiblePairs(dims)): string[] {
  const covered = new Set<string>();
  for (const c of combinations) {
    const row: Row = dims.map((d) => {
      const value = (c.given as Record<string, unknown>)[d.key];
      if (value === undefined) return -1;
      return d.values.findIndex((v) => JSON.stringify(v.value) === JSON.stringify(value));
    });
    for (const p of pairsOf(row)) covered.add(p);
  }
  return [...feasible]
    .filter((p) => !covered.has(p))
    .map((p) => p.split('|').map((s) => s.split(':').map(Number)).map(([d, v]) => `${dims[d].key}=${dims[d].values[v].label}`).join(' + '));
}
