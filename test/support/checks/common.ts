export interface Finding {
  check: string;
  kind: string;
  name: string;
  field: string;
  message: string;
}

export interface CheckOptions {
  security: 'baseline' | 'restricted';
  /** Secrets the user creates outside the chart; references to them are not findings. */
  externalSecrets?: string[];
}

// Rendered manifests are untyped YAML, so every check reads them defensively.
export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export function nameOf(o: Obj): string {
  return typeof o.metadata?.name === 'string' ? o.metadata.name : '';
}

export function finding(check: string, obj: Obj, field: string, message: string): Finding {
  return { check, kind: String(obj.kind ?? ''), name: nameOf(obj), field, message };
}

/** Appends a key or index to a dotted path; keys that are not identifiers get `["…"]`. */
export function join(base: string, ...keys: (string | number)[]): string {
  let out = base;
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (key === '') continue;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** Joins dotted path fragments, skipping empty ones (a Pod's template path is ''). */
export function path(...parts: string[]): string {
  return parts.filter(Boolean).join('.');
}

export interface PodTemplate {
  obj: Obj;
  /** Path of the template inside obj: '' for a Pod, `spec.template` for a Deployment… */
  path: string;
  metadata: Obj;
  spec: Obj;
}

const TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  Rollout: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Job: ['spec', 'template'],
};

export function podTemplate(obj: Obj): PodTemplate | undefined {
  const keys = TEMPLATE_PATHS[obj.kind];
  if (!keys) return undefined;
  let t: unknown = obj;
  for (const k of keys) t = isObj(t) ? t[k] : undefined;
  if (!isObj(t) || !isObj(t.spec)) return undefined;
  return { obj, path: keys.join('.'), metadata: isObj(t.metadata) ? t.metadata : {}, spec: t.spec };
}

export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface ContainerRef {
  c: Obj;
  path: string;
  list: ContainerList;
}

export function containersOf(t: PodTemplate, lists: readonly ContainerList[] = CONTAINER_LISTS): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of lists) {
    arr(t.spec[list]).forEach((c, i) => {
      if (isObj(c)) out.push({ c, list, path: join(path(t.path, 'spec'), list, i) });
    });
  }
  return out;
}

/** Does a plain label map (Service selector, matchLabels) select these labels? */
export function mapSelects(selector: unknown, labels: unknown): boolean {
  if (!isObj(selector)) return false;
  const l = isObj(labels) ? labels : {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/** metav1.LabelSelector semantics; an absent selector selects nothing, `{}` everything. */
export function labelSelectorSelects(selector: unknown, labels: unknown): boolean {
  if (!isObj(selector)) return false;
  const l = isObj(labels) ? labels : {};
  if (selector.matchLabels !== undefined && !mapSelects(selector.matchLabels, l)) return false;
  return arr(selector.matchExpressions).every((e: Obj) => {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = arr(e.values);
    switch (e.operator) {
      case 'In': return has && values.includes(l[e.key]);
      case 'NotIn': return !has || !values.includes(l[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

export function validObjects(objects: unknown[]): Obj[] {
  return objects.filter((o): o is Obj => isObj(o) && typeof o.kind === 'string');
}

export interface TargetRef {
  apiVersion: string | undefined;
  kind: string | undefined;
  name: string | undefined;
}

/** The workload an HPA or ScaledObject scales; KEDA defaults to an apps/v1 Deployment. */
export function scaleTarget(autoscaler: Obj): TargetRef | undefined {
  const ref = autoscaler.spec?.scaleTargetRef;
  if (!isObj(ref)) return undefined;
  const keda = autoscaler.kind === 'ScaledObject';
  return {
    apiVersion: ref.apiVersion ?? (keda ? 'apps/v1' : undefined),
    kind: ref.kind ?? (keda ? 'Deployment' : undefined),
    name: ref.name,
  };
}

export const AUTOSCALER_KINDS = ['HorizontalPodAutoscaler', 'ScaledObject'];
