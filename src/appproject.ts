// What the generated AppProject lets the ApplicationSet's Applications deploy: the namespaced
// kinds the chart's templates can render, read from the rendered templates themselves, so a
// template added to the chart brings its kind along and nothing else is allowed.
import type { Plan } from './types.js';
import { byCodeUnit } from './order.js';

export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * The `apiVersion:` / `kind:` pairs at the top level of every chart template, whatever values
 * turn on or off (a values switch must not need a new AppProject). Sorted by group, then kind.
 */
export function chartKinds(plan: Plan): GroupKind[] {
  const seen = new Map<string, GroupKind>();
  for (const [path, text] of plan) {
    if (!path.startsWith('chart/templates/') || !path.endsWith('.yaml')) continue;
    for (const doc of text.split(/^---[ \t]*$/m)) {
      // Helm test hooks (test, test-success, test-failure): Argo CD never applies them.
      if (/^\s*["']?helm\.sh\/hook["']?:\s*["']?test/m.test(doc)) continue;
      kindsOf(path, doc, seen);
    }
  }
  return [...seen.values()].sort((a, b) => (a.group === b.group ? byCodeUnit(a.kind, b.kind) : byCodeUnit(a.group, b.group)));
}

function kindsOf(path: string, doc: string, seen: Map<string, GroupKind>): void {
  let apiVersion: string | null = null;
  for (const line of doc.split('\n')) {
    const m = /^(apiVersion|kind):\s*(\S.*?)\s*$/.exec(line);
    if (!m) continue;
    if (m[2].includes('{{')) throw new Error(`${path}: a top-level ${m[1]} computed by Helm; the AppProject needs it literal`);
    if (m[1] === 'apiVersion') {
      apiVersion = m[2];
      continue;
    }
    if (apiVersion === null) throw new Error(`${path}: kind ${m[2]} without an apiVersion before it`);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    seen.set(`${group}/${m[2]}`, { group, kind: m[2] });
    apiVersion = null;
  }
}
