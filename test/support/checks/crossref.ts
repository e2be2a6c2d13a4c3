// References between rendered objects: the mistakes `helm lint` and schemas cannot see because
// each object is valid on its own.
import {
  AUTOSCALER_KINDS, arr, containersOf, finding, isObj, join, labelSelectorSelects, mapSelects, nameOf,
  podTemplate, scaleTarget,
  type CheckOptions, type Finding, type Obj, type PodTemplate,
} from './common.js';

const SERVING_KINDS = new Set(['Deployment', 'Rollout']);
const SCALABLE_KINDS: Record<string, string> = {
  Deployment: 'apps/v1',
  Rollout: 'argoproj.io/v1alpha1',
};
const GATEWAY_PLUGIN = 'argoproj-labs/gatewayAPI';

class Index {
  private byKind = new Map<string, Obj[]>();
  readonly templates: PodTemplate[] = [];
  /** Pods behind Services, PDBs and autoscalers; Jobs and helm test Pods are not. */
  readonly serving: PodTemplate[];

  constructor(readonly objects: Obj[]) {
    for (const o of objects) {
      this.byKind.set(o.kind, [...(this.byKind.get(o.kind) ?? []), o]);
      const t = podTemplate(o);
      if (t) this.templates.push(t);
    }
    this.serving = this.templates.filter((t) => SERVING_KINDS.has(t.obj.kind));
  }

  of(kind: string): Obj[] {
    return this.byKind.get(kind) ?? [];
  }

  get(kind: string | undefined, name: unknown): Obj | undefined {
    return kind === undefined ? undefined : this.of(kind).find((o) => nameOf(o) === name);
  }
}

type Report = (obj: Obj, field: string, message: string) => void;

export function checkCrossRefs(objects: Obj[], options: CheckOptions): Finding[] {
  const out: Finding[] = [];
  const report: Report = (obj, field, message) => out.push(finding('crossref', obj, field, message));
  const idx = new Index(objects);
  services(idx, report);
  autoscalers(idx, report);
  disruptionBudgets(idx, report);
  ingresses(idx, report);
  rollouts(idx, report);
  monitors(idx, report);
  configReferences(idx, options, report);
  kedaAuth(idx, options, report);
  networkPolicies(idx, report);
  routes(idx, report);
  return out;
}

function exposes(c: Obj, port: unknown): boolean {
  return arr(c.ports).some((p) => (typeof port === 'number' ? p?.containerPort === port : p?.name === port));
}

function servicePort(svc: Obj, port: { number?: unknown; name?: unknown }): boolean {
  return arr(svc.spec?.ports).some((p) => (port.number !== undefined ? p?.port === port.number : p?.name === port.name));
}

function kindName(obj: Obj): string {
  return `${obj.kind}/${nameOf(obj)}`;
}

function services(idx: Index, report: Report) {
  for (const svc of idx.of('Service')) {
    const selector = svc.spec?.selector;
    // No selector: endpoints are managed by hand (or ExternalName); nothing to cross-check.
    if (svc.spec?.type === 'ExternalName' || !isObj(selector) || Object.keys(selector).length === 0) continue;
    const pods = idx.serving.filter((t) => mapSelects(selector, t.metadata.labels));
    if (pods.length === 0) {
      report(svc, 'spec.selector', `selects no pods of a Deployment or Rollout (${JSON.stringify(selector)})`);
      continue;
    }
    arr(svc.spec.ports).forEach((p, i) => {
      if (!isObj(p)) return;
      const target = p.targetPort ?? p.port;
      // Every selected workload must serve the port, or some endpoints receive traffic they refuse.
      for (const t of pods) {
        if (!containersOf(t, ['containers', 'initContainers']).some(({ c }) => exposes(c, target))) {
          report(svc, join('spec.ports', i, p.targetPort !== undefined ? 'targetPort' : 'port'),
            `${target} is not a container port of ${kindName(t.obj)}`);
        }
      }
    });
  }
}

function autoscalers(idx: Index, report: Report) {
  const scaledBy = new Map<Obj, Obj>();
  for (const kind of AUTOSCALER_KINDS) {
    for (const a of idx.of(kind)) {
      const ref = scaleTarget(a);
      if (!ref) {
        report(a, 'spec.scaleTargetRef', 'scaleTargetRef is missing');
        continue;
      }
      const target = idx.get(ref.kind, ref.name);
      if (!target || target.apiVersion !== ref.apiVersion || !(target.kind in SCALABLE_KINDS)) {
        const sameName = idx.objects.find((o) => o.kind in SCALABLE_KINDS && nameOf(o) === ref.name);
        report(a, 'spec.scaleTargetRef', sameName
          ? `targets ${ref.apiVersion ?? '(no apiVersion)'} ${ref.kind} ${ref.name}, but ${ref.name} is ${sameName.apiVersion} ${sameName.kind}`
          : `targets ${ref.apiVersion ?? '(no apiVersion)'} ${ref.kind} ${ref.name}, which does not exist`);
        continue;
      }
      const previous = scaledBy.get(target);
      if (previous) {
        report(a, 'spec.scaleTargetRef', `${kindName(target)} is already scaled by ${kindName(previous)}`);
        continue;
      }
      scaledBy.set(target, a);
      // A fixed replica count fights the autoscaler on every sync (Argo CD re-applies it).
      if (target.spec?.replicas !== undefined) {
        report(target, 'spec.replicas', `must be omitted: ${kindName(a)} scales this workload`);
      }
    }
  }
}

function disruptionBudgets(idx: Index, report: Report) {
  for (const pdb of idx.of('PodDisruptionBudget')) {
    if (!idx.serving.some((t) => labelSelectorSelects(pdb.spec?.selector, t.metadata.labels))) {
      report(pdb, 'spec.selector', 'selects no pods of a workload');
    }
  }
}

function ingresses(idx: Index, report: Report) {
  for (const ing of idx.of('Ingress')) {
    const backends: [string, unknown][] = [['spec.defaultBackend', ing.spec?.defaultBackend]];
    arr(ing.spec?.rules).forEach((r, i) =>
      arr(r?.http?.paths).forEach((p, j) => backends.push([join('spec.rules', i, 'http', 'paths', j, 'backend'), p?.backend])));
    for (const [field, b] of backends) {
      if (!isObj(b) || !isObj(b.service)) continue; // resource backends point outside the chart
      const svc = idx.get('Service', b.service.name);
      if (!svc) {
        report(ing, join(field, 'service', 'name'), `Service ${b.service.name} does not exist`);
        continue;
      }
      const port = isObj(b.service.port) ? b.service.port : {};
      // AWS Load Balancer Controller: the action annotation routes, not the port.
      if (port.name === 'use-annotation') continue;
      if (port.number === undefined && port.name === undefined) {
        report(ing, join(field, 'service', 'port'), 'backend port needs a number or a name');
      } else if (!servicePort(svc, port)) {
        report(ing, join(field, 'service', 'port', port.number !== undefined ? 'number' : 'name'),
          `Service ${b.service.name} has no port ${port.number ?? port.name}`);
      }
    }
  }
}

function rollouts(idx: Index, report: Report) {
  for (const r of idx.of('Rollout')) {
    const need = (kind: string, name: unknown, field: string) => {
      if (name !== undefined && !idx.get(kind, name)) report(r, field, `${kind} ${name} does not exist`);
    };
    const templates = (analysis: unknown, field: string) => {
      arr(isObj(analysis) ? analysis.templates : undefined).forEach((t, i) =>
        need('AnalysisTemplate', t?.templateName, join(field, 'templates', i, 'templateName')));
    };
    const canary = r.spec?.strategy?.canary;
    if (isObj(canary)) {
      const base = 'spec.strategy.canary';
      need('Service', canary.canaryService, join(base, 'canaryService'));
      need('Service', canary.stableService, join(base, 'stableService'));
      templates(canary.analysis, join(base, 'analysis'));
      arr(canary.steps).forEach((s, i) => templates(s?.analysis, join(base, 'steps', i, 'analysis')));
      const tr = canary.trafficRouting;
      if (isObj(tr)) {
        const trPath = join(base, 'trafficRouting');
        if (canary.canaryService === undefined || canary.stableService === undefined) {
          report(r, base, 'trafficRouting needs both canaryService and stableService');
        }
        need('Ingress', tr.nginx?.stableIngress, join(trPath, 'nginx', 'stableIngress'));
        need('Ingress', tr.alb?.ingress, join(trPath, 'alb', 'ingress'));
        need('VirtualService', tr.istio?.virtualService?.name, join(trPath, 'istio', 'virtualService', 'name'));
        const gw = tr.plugins?.[GATEWAY_PLUGIN];
        const gwPath = join(trPath, 'plugins', GATEWAY_PLUGIN);
        if (isObj(gw)) {
          need('HTTPRoute', gw.httpRoute, join(gwPath, 'httpRoute'));
          need('GRPCRoute', gw.grpcRoute, join(gwPath, 'grpcRoute'));
        }
      }
    }
    const bg = r.spec?.strategy?.blueGreen;
    if (isObj(bg)) {
      const base = 'spec.strategy.blueGreen';
      need('Service', bg.activeService, join(base, 'activeService'));
      need('Service', bg.previewService, join(base, 'previewService'));
      templates(bg.prePromotionAnalysis, join(base, 'prePromotionAnalysis'));
      templates(bg.postPromotionAnalysis, join(base, 'postPromotionAnalysis'));
    }
  }
}

function monitors(idx: Index, report: Report) {
  for (const sm of idx.of('ServiceMonitor')) {
    const svcs = idx.of('Service').filter((s) => labelSelectorSelects(sm.spec?.selector, s.metadata?.labels));
    if (svcs.length === 0) {
      report(sm, 'spec.selector', 'selects no Service');
      continue;
    }
    // Lenient on purpose: a selected Service without the port yields no target, which is harmless.
    arr(sm.spec?.endpoints).forEach((e, i) => {
      if (typeof e?.port === 'string') {
        if (!svcs.some((s) => servicePort(s, { name: e.port }))) {
          report(sm, join('spec.endpoints', i, 'port'), `no selected Service has a port named ${e.port}`);
        }
      } else if (e?.targetPort === undefined) {
        report(sm, join('spec.endpoints', i, 'port'), 'endpoint needs a named Service port');
      }
    });
  }
  for (const pm of idx.of('PodMonitor')) {
    const pods = idx.templates.filter((t) => labelSelectorSelects(pm.spec?.selector, t.metadata.labels));
    if (pods.length === 0) {
      report(pm, 'spec.selector', 'selects no pods of a workload');
      continue;
    }
    arr(pm.spec?.podMetricsEndpoints).forEach((e, i) => {
      if (e?.port !== undefined && !pods.some((t) => containersOf(t).some(({ c }) => exposes(c, String(e.port))))) {
        report(pm, join('spec.podMetricsEndpoints', i, 'port'), `no selected container has a port named ${e.port}`);
      }
    });
  }
}

/** Names of Secrets the release creates or expects, with their keys when known (null: unknown). */
function secretKeys(idx: Index, options: CheckOptions): Map<string, Set<string> | null> {
  const keys = new Map<string, Set<string> | null>();
  for (const es of idx.of('ExternalSecret')) {
    const templated = es.spec?.target?.template !== undefined || es.spec?.dataFrom !== undefined;
    keys.set(es.spec?.target?.name ?? nameOf(es),
      templated ? null : new Set(arr(es.spec?.data).map((d) => d?.secretKey)));
  }
  for (const ss of idx.of('SealedSecret')) {
    const templated = ss.spec?.template?.data !== undefined;
    keys.set(ss.spec?.template?.metadata?.name ?? nameOf(ss),
      templated ? null : new Set(Object.keys(ss.spec?.encryptedData ?? {})));
  }
  for (const name of options.externalSecrets ?? []) keys.set(name, null);
  return keys;
}

function configReferences(idx: Index, options: CheckOptions, report: Report) {
  const secrets = secretKeys(idx, options);
  const configMaps = new Map<string, Set<string> | null>(idx.of('ConfigMap').map((cm) =>
    [nameOf(cm), new Set([...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})])]));
  for (const t of idx.templates) {
    // keys: [field of the key, key] pairs whose presence can be checked when the object's keys are known.
    const check = (kind: 'ConfigMap' | 'Secret', ref: unknown, nameKey: string, field: string, keys: [string, string][] = []) => {
      if (!isObj(ref) || ref.optional === true) return;
      const known = (kind === 'ConfigMap' ? configMaps : secrets).get(ref[nameKey]);
      if (known === undefined) {
        report(t.obj, join(field, nameKey), kind === 'Secret'
          ? `Secret ${ref[nameKey]} is neither in the chart (ExternalSecret, SealedSecret) nor declared external`
          : `ConfigMap ${ref[nameKey]} does not exist`);
        return;
      }
      for (const [keyField, key] of keys) {
        if (known && !known.has(key)) report(t.obj, keyField, `${kind} ${ref[nameKey]} has no key ${key}`);
      }
    };
    for (const { c, path: cPath } of containersOf(t)) {
      arr(c.envFrom).forEach((e, i) => {
        check('ConfigMap', e?.configMapRef, 'name', join(cPath, 'envFrom', i, 'configMapRef'));
        check('Secret', e?.secretRef, 'name', join(cPath, 'envFrom', i, 'secretRef'));
      });
      arr(c.env).forEach((e, i) => {
        const from = e?.valueFrom;
        const cmField = join(cPath, 'env', i, 'valueFrom', 'configMapKeyRef');
        const secretField = join(cPath, 'env', i, 'valueFrom', 'secretKeyRef');
        check('ConfigMap', from?.configMapKeyRef, 'name', cmField, [[join(cmField, 'key'), from?.configMapKeyRef?.key]]);
        check('Secret', from?.secretKeyRef, 'name', secretField, [[join(secretField, 'key'), from?.secretKeyRef?.key]]);
      });
    }
    const volPath = join(t.path, 'spec', 'volumes');
    const source = (kind: 'ConfigMap' | 'Secret', src: unknown, nameKey: string, field: string) =>
      check(kind, src, nameKey, field, arr(isObj(src) ? src.items : undefined)
        .map((it, k): [string, string] => [join(field, 'items', k, 'key'), it?.key]));
    arr(t.spec.volumes).forEach((v, i) => {
      source('ConfigMap', v?.configMap, 'name', join(volPath, i, 'configMap'));
      source('Secret', v?.secret, 'secretName', join(volPath, i, 'secret'));
      arr(v?.projected?.sources).forEach((s, j) => {
        source('ConfigMap', s?.configMap, 'name', join(volPath, i, 'projected', 'sources', j, 'configMap'));
        source('Secret', s?.secret, 'name', join(volPath, i, 'projected', 'sources', j, 'secret'));
      });
    });
  }
}

function kedaAuth(idx: Index, options: CheckOptions, report: Report) {
  for (const scaler of idx.of('ScaledObject')) {
    arr(scaler.spec?.triggers).forEach((tr, i) => {
      const ref = tr?.authenticationRef;
      if (!isObj(ref)) return;
      const kind = ref.kind ?? 'TriggerAuthentication';
      if (!idx.get(kind, ref.name)) report(scaler, join('spec.triggers', i, 'authenticationRef', 'name'), `${kind} ${ref.name} does not exist`);
    });
  }
  const secrets = secretKeys(idx, options);
  for (const ta of idx.of('TriggerAuthentication')) {
    arr(ta.spec?.secretTargetRef).forEach((s, i) => {
      if (!secrets.has(s?.name)) report(ta, join('spec.secretTargetRef', i, 'name'), `Secret ${s?.name} is neither in the chart nor declared external`);
    });
  }
}

const KUBE_SYSTEM_LABELS = [{ 'kubernetes.io/metadata.name': 'kube-system' }, { name: 'kube-system' }];
const DNS_POD_LABELS = [{ 'k8s-app': 'kube-dns' }, { 'k8s-app': 'coredns' }];

function allowsDns(rule: Obj): boolean {
  const ports = arr(rule.ports);
  const portOk = ports.length === 0 || ports.some((p) => (p?.protocol ?? 'TCP') === 'UDP' && (
    p.port === undefined || p.port === 53 || p.port === 'dns' ||
    (typeof p.port === 'number' && typeof p.endPort === 'number' && p.port <= 53 && p.endPort >= 53)));
  const peers = arr(rule.to);
  // A podSelector alone means the policy's own namespace, where cluster DNS does not run.
  const peerOk = peers.length === 0 || peers.some((peer) => isObj(peer) && (isObj(peer.ipBlock) || (
    isObj(peer.namespaceSelector) &&
    KUBE_SYSTEM_LABELS.some((l) => labelSelectorSelects(peer.namespaceSelector, l)) &&
    (peer.podSelector === undefined || DNS_POD_LABELS.some((l) => labelSelectorSelects(peer.podSelector, l))))));
  return portOk && peerOk;
}

function networkPolicies(idx: Index, report: Report) {
  for (const np of idx.of('NetworkPolicy')) {
    const types = arr(np.spec?.policyTypes);
    const egress = types.length > 0 ? types.includes('Egress') : np.spec?.egress !== undefined;
    if (egress && !arr(np.spec?.egress).some((r) => isObj(r) && allowsDns(r))) {
      report(np, 'spec.egress', 'restricts egress but does not allow DNS (UDP 53 to kube-system/kube-dns)');
    }
  }
}

/** Istio destination hosts that name an in-cluster Service; other hosts are outside the chart. */
function clusterServiceName(host: unknown): string | undefined {
  if (typeof host !== 'string') return undefined;
  if (!host.includes('.')) return host;
  const m = /^([^.]+)\.[^.]+\.svc(\.cluster\.local)?$/.exec(host);
  return m?.[1];
}

function routes(idx: Index, report: Report) {
  for (const route of [...idx.of('HTTPRoute'), ...idx.of('GRPCRoute')]) {
    const backend = (ref: unknown, field: string) => {
      if (!isObj(ref) || (ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return;
      const svc = idx.get('Service', ref.name);
      if (!svc) report(route, join(field, 'name'), `Service ${ref.name} does not exist`);
      else if (ref.port === undefined) report(route, join(field, 'port'), 'a Service backendRef needs a port');
      else if (!servicePort(svc, { number: ref.port })) report(route, join(field, 'port'), `Service ${ref.name} has no port ${ref.port}`);
    };
    arr(route.spec?.rules).forEach((r, i) => {
      arr(r?.backendRefs).forEach((b, j) => backend(b, join('spec.rules', i, 'backendRefs', j)));
      arr(r?.filters).forEach((f, j) => backend(f?.requestMirror?.backendRef, join('spec.rules', i, 'filters', j, 'requestMirror', 'backendRef')));
    });
  }
  for (const vs of idx.of('VirtualService')) {
    arr(vs.spec?.http).forEach((r, i) => arr(r?.route).forEach((d, j) => {
      const dest = d?.destination;
      const name = clusterServiceName(dest?.host);
      const field = join('spec.http', i, 'route', j, 'destination');
      if (name === undefined) return;
      const svc = idx.get('Service', name);
      if (!svc) report(vs, join(field, 'host'), `Service ${name} does not exist`);
      else if (dest.port?.number !== undefined && !servicePort(svc, { number: dest.port.number })) {
        report(vs, join(field, 'port', 'number'), `Service ${name} has no port ${dest.port.number}`);
      }
    }));
  }
}
