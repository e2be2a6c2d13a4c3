// Schema validation of rendered objects. It imports devDependencies (kubernetes-models,
// @kubernetes-models/*, @kubernetes/client-node) that the CLI must not ship.
//
// Two passes per object:
//  1. `new Model(obj).validate()` — types, enums, required fields ('schema' findings).
//  2. Unknown fields, which those models accept silently ('unknown-field' findings):
//     - core kinds: a round trip through @kubernetes/client-node's typed models, which drops
//       fields it does not know;
//     - CRDs: the model's validator is run on a Proxy that records which properties it reads. A
//       validator reads every property its schema declares (ajv with allErrors, compiled or not),
//       so a present key it never read is unknown to the schema. Objects it reads no key of are
//       free-form (x-kubernetes-preserve-unknown-fields, maps of anything) and are skipped.
//     This works for every CRD package used here: argo-rollouts, argo-cd, keda,
//     prometheus-operator, external-secrets, sealed-secrets, gateway-api. None of them ships
//     `additionalProperties: false`, and keda, argo-cd, prometheus-operator and external-secrets
//     ship only precompiled validators (no JSON schema to walk), hence the Proxy rather than a
//     schema walk.
import { isObj, join, nameOf, type Finding, type Obj } from './common.js';

export interface Unvalidated {
  apiVersion: string;
  kind: string;
  name: string;
  reason: string;
}

export interface SchemaReport {
  findings: Finding[];
  /** Objects deliberately not validated (no published model), e.g. Istio VirtualService. */
  unvalidated: Unvalidated[];
}

interface Model {
  new (data: Obj): { validate(): void };
  prototype: { validate(): void };
}

type SerializerModule = typeof import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js');

// Kinds without a model that are expected in charts: reported as unvalidated, not as failures.
const NO_MODEL = new Set(['networking.istio.io/VirtualService']);

const CRD_PACKAGES: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-rollouts',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'bitnami.com': '@kubernetes-models/sealed-secrets',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
};
const ARGO_CD_KINDS = new Set(['Application', 'ApplicationSet', 'AppProject']);

// The Rollout's pod template is a core type, and the CRD snapshot in the model package is older
// than the core API (Argo Rollouts v1.5.0). So that path is also validated by the core model that
// holds the same type (at `wrapKey`), and checked for unknown fields by the core round trip
// instead of the CRD schema.
interface Embedded {
  keys: string[];
  type: string;
  model: string;
  modelKind: string;
  wrapKey: string;
}
const EMBEDDED_CORE: Record<string, Embedded> = {
  Rollout: { keys: ['spec', 'template'], type: 'V1PodTemplateSpec', model: 'kubernetes-models/v1/PodTemplate', modelKind: 'PodTemplate', wrapKey: 'template' },
};

const models = new Map<string, Promise<Model | undefined>>();
let serializer: Promise<SerializerModule> | undefined;

function loadModel(specifier: string, kind: string): Promise<Model | undefined> {
  let p = models.get(specifier);
  if (!p) {
    p = import(specifier).then((m: Record<string, unknown>) => m[kind] as Model | undefined, () => undefined);
    models.set(specifier, p);
  }
  return p;
}

function loadSerializer(): Promise<SerializerModule> {
  // The package index pulls in undici, which needs Node 22's zlib; the models alone do not.
  serializer ??= import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js');
  return serializer;
}

function split(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.indexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

function modelSpecifier(group: string, version: string, kind: string): string | undefined {
  if (!/^[a-z0-9.-]*$/.test(group) || !/^v\d+[a-z0-9]*$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  const pkg = group === 'argoproj.io' && ARGO_CD_KINDS.has(kind) ? '@kubernetes-models/argo-cd' : CRD_PACKAGES[group];
  return `${pkg ?? 'kubernetes-models'}/${group}/${version}/${kind}`;
}

export async function validateSchemas(objects: unknown[]): Promise<Finding[]> {
  return (await schemaReport(objects)).findings;
}

export async function schemaReport(objects: unknown[]): Promise<SchemaReport> {
  // Loading the models is the slow part; start every import at once.
  const results = await Promise.all(objects.filter(isObj).map(validateOne));
  return {
    findings: dedupe(results.flatMap((r) => r.findings)),
    unvalidated: results.flatMap((r) => r.unvalidated),
  };
}

async function validateOne(obj: Obj): Promise<SchemaReport> {
  const kind = String(obj.kind ?? '');
  const apiVersion = String(obj.apiVersion ?? '');
  const out: Finding[] = [];
  const unvalidated = (reason: string) => ({ findings: out, unvalidated: [{ apiVersion, kind, name: nameOf(obj), reason }] });
  const add = (check: string, field: string, message: string) =>
    out.push({ check, kind, name: nameOf(obj), field, message });
  const [group, version] = split(apiVersion);
  if (NO_MODEL.has(`${group}/${kind}`)) return unvalidated('no published model');
  const specifier = modelSpecifier(group, version, kind);
  const model = specifier && (await loadModel(specifier, kind));
  if (!model) {
    add('schema', 'apiVersion', `no schema known for ${apiVersion} ${kind}; add a model or allowlist it`);
    return { findings: out, unvalidated: [] };
  }
  try {
    new model(obj).validate();
  } catch (err) {
    for (const [field, message] of schemaErrors(err, obj)) add('schema', field, message);
  }

  if (group === '' || !CRD_PACKAGES[group]) {
    const type = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
    const drops = await roundTripDrops(obj, type, '');
    if (!drops) return unvalidated(`no client-node model ${type}: unknown fields not checked`);
    for (const field of drops) add('unknown-field', field, `unknown field for ${apiVersion} ${kind}`);
  } else {
    const embedded = EMBEDDED_CORE[kind];
    const base = embedded ? join('', ...embedded.keys) : '';
    for (const field of unreadFields(model, obj, new Set(embedded ? [base] : []))) add('unknown-field', field, `not in the ${apiVersion} ${kind} schema`);
    if (embedded) {
      const sub = embedded.keys.reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), obj);
      for (const [field, message] of await validateEmbedded(embedded, sub)) add('schema', base + field, message);
      for (const field of (await roundTripDrops(sub, embedded.type, base)) ?? []) add('unknown-field', field, `unknown field for ${embedded.type}`);
    }
  }
  return { findings: out, unvalidated: [] };
}

/** Core-model errors for an embedded core type, as [field relative to the embedding, message]. */
async function validateEmbedded(e: Embedded, sub: unknown): Promise<[string, string][]> {
  const model = await loadModel(e.model, e.modelKind);
  if (!model || !isObj(sub)) return [];
  const wrapped = { metadata: { name: 'embedded' }, [e.wrapKey]: sub };
  try {
    new model(wrapped).validate();
    return [];
  } catch (err) {
    return schemaErrors(err, wrapped)
      .filter(([field]) => field.startsWith(e.wrapKey))
      .map(([field, message]) => [field.slice(e.wrapKey.length), message]);
  }
}

/** ajv errors as [field, message], the field resolved against the data so array indices read `[i]`. */
function schemaErrors(err: unknown, data: Obj): [string, string][] {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [['', err instanceof Error ? err.message : String(err)]];
  return errors.map((e: { instancePath?: string; message?: string; params?: Record<string, unknown> }) => {
    let field = '';
    let node: unknown = data;
    for (const raw of (e.instancePath ?? '').split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      field = Array.isArray(node) ? join(field, Number(seg)) : join(field, seg);
      node = isObj(node) || Array.isArray(node) ? (node as Record<string, unknown>)[seg] : undefined;
    }
    const missing = e.params?.missingProperty ?? e.params?.additionalProperty;
    if (typeof missing === 'string') field = join(field, missing);
    const allowed = Array.isArray(e.params?.allowedValues) ? ` (${e.params.allowedValues.join(', ')})` : '';
    return [field, `${e.message ?? 'is invalid'}${allowed}`];
  });
}

/** Paths the typed round trip drops, or undefined when client-node has no such type. */
async function roundTripDrops(input: unknown, type: string, base: string): Promise<string[] | undefined> {
  const mod = await loadSerializer();
  if (!(type in mod)) return undefined;
  if (!isObj(input)) return [];
  const { ObjectSerializer: s } = mod;
  const out: string[] = [];
  dropped(input, s.serialize(s.deserialize(input, type, ''), type, ''), base, out);
  return out;
}

function dropped(input: unknown, output: unknown, path: string, out: string[]) {
  if (Array.isArray(input)) {
    if (Array.isArray(output)) input.forEach((v, i) => dropped(v, output[i], join(path, i), out));
    return;
  }
  if (!isObj(input) || !isObj(output)) return;
  for (const [k, v] of Object.entries(input)) {
    if (v === null || v === undefined) continue; // a null field means "unset" to the API server
    if (output[k] === undefined) out.push(join(path, k));
    else dropped(v, output[k], join(path, k), out);
  }
}

/** Paths present in data whose key the model's validator never read (see the header). */
function unreadFields(model: Model, data: Obj, skip: Set<string>): string[] {
  const read = new Map<string, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = proxies.get(value);
    if (known) return known;
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return v;
        let keys = read.get(path);
        if (!keys) read.set(path, (keys = new Set()));
        keys.add(key);
        return wrap(v, Array.isArray(target) ? join(path, Number(key)) : join(path, key));
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  try {
    model.prototype.validate.call(wrap(Object.assign(Object.create(model.prototype), data), ''));
  } catch {
    // validation errors were reported by the plain validate()
  }
  const out: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (skip.has(path)) return;
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, join(path, i)));
    if (!isObj(value)) return;
    const keys = read.get(path);
    for (const [k, v] of Object.entries(value)) {
      if (keys && !keys.has(k) && v !== null && v !== undefined) out.push(join(path, k));
      else walk(v, join(path, k));
    }
  };
  walk(data, '');
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.check}\0${f.kind}\0${f.name}\0${f.field}`;
    const prev = seen.get(key);
    if (!prev) seen.set(key, { ...f });
    else if (!prev.message.split('; ').includes(f.message)) prev.message += `; ${f.message}`;
  }
  return [...seen.values()];
}
