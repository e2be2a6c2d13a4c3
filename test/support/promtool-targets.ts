// The labels a Prometheus run by the Prometheus Operator puts on the series it scrapes from a pod,
// derived from a rendered ServiceMonitor or PodMonitor, so synthetic series in rule tests carry
// the labels a cluster would give them instead of labels typed by hand.
//
// Rules taken from prometheus-operator's pkg/prometheus/promcfg.go
// (generateServiceMonitorConfig / generatePodMonitorConfig), applied in the same order:
//   ServiceMonitor: keep the Services the selector and namespaceSelector pick, keep the endpoint
//     port by name (`port`) or the pod container port (`targetPort`); then namespace, service,
//     pod, container; `targetLabels` copied from the Service's labels, `podTargetLabels` from the
//     pod's (only when non-empty); job = the Service name, or the Service's `jobLabel` label when
//     it has one; endpoint = `port` (or `targetPort`).
//   PodMonitor: keep the pods the selector picks, keep the container port by name (`port`) or
//     number (`portNumber`); then namespace, container, pod, `podTargetLabels`; job =
//     `<namespace>/<podmonitor name>`, or the pod's `jobLabel` label; endpoint = `port` (or
//     `targetPort`; nothing for `portNumber`).
// Prometheus itself then sets instance = the scraped address (pod IP:port).
// Endpoint relabelings are not modelled: a monitor carrying them is refused rather than guessed.
import { matchesSelector, type LabelSelector, type Labels } from './netpol.js';

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }
/** A running pod: what the Kubernetes service discovery sees of it. */
export interface TargetPod { name: string; namespace: string; ip?: string; labels: Labels; containers: { name: string; ports?: ContainerPort[] }[] }
interface Obj { kind: string; metadata: { name: string; namespace?: string; labels?: Labels }; spec: any }

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** A pod as a workload's template would create it, named `<workload>-<suffix>`. */
export function podFrom(workload: Obj, namespace: string, suffix = '7d9f8b6c5-x2x4q', ip = '10.244.1.17'): TargetPod {
  const template = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
  return {
    name: `${workload.metadata.name}-${suffix}`,
    namespace,
    ip,
    labels: { ...template.metadata?.labels },
    containers: template.spec.containers.map((c: any) => ({ name: c.name, ports: c.ports ?? [] })),
  };
}

function namespaceSelected(monitor: Obj, namespace: string, monitorNamespace: string): boolean {
  const sel = monitor.spec.namespaceSelector ?? {};
  if (sel.any) return true;
  if (sel.matchNames?.length) return sel.matchNames.includes(namespace);
  return namespace === monitorNamespace;
}

function refuseRelabelings(ep: any, monitor: Obj) {
  if (ep.relabelings?.length || ep.metricRelabelings?.length) {
    throw new Error(`${monitor.kind}/${monitor.metadata.name}: endpoint relabelings are not modelled by targetLabels`);
  }
}

function containerWith(pod: TargetPod, match: (p: ContainerPort) => boolean): { container: string; port: ContainerPort } | undefined {
  for (const c of pod.containers) for (const p of c.ports ?? []) if (match(p)) return { container: c.name, port: p };
  return undefined;
}

function copyLabels(out: Labels, names: string[] | undefined, from: Labels) {
  for (const name of names ?? []) if (from[name]) out[sanitize(name)] = from[name];
}

/**
 * The label sets of the targets `monitor` makes of `pod` (one per matching endpoint; none when the
 * monitor does not pick the pod). `service` is required for a ServiceMonitor; objects without a
 * metadata.namespace (as `helm template` prints them) live in the pod's namespace.
 */
export function targetLabels(monitor: Obj, service: Obj | undefined, pod: TargetPod): Labels[] {
  const monitorNs = monitor.metadata.namespace ?? pod.namespace;
  return monitor.kind === 'PodMonitor' ? podMonitorTargets(monitor, monitorNs, pod) : serviceMonitorTargets(monitor, monitorNs, service, pod);
}

function serviceMonitorTargets(monitor: Obj, monitorNs: string, service: Obj | undefined, pod: TargetPod): Labels[] {
  if (monitor.kind !== 'ServiceMonitor') throw new Error(`not a monitor: ${monitor.kind}`);
  if (!service) throw new Error(`ServiceMonitor/${monitor.metadata.name}: a Service is needed`);
  const serviceNs = service.metadata.namespace ?? pod.namespace;
  const serviceLabels = service.metadata.labels ?? {};
  if (!namespaceSelected(monitor, serviceNs, monitorNs) || !matchesSelector(monitor.spec.selector ?? {}, serviceLabels)) return [];
  // The Service's Endpoints list the pod only if the pod is in its namespace and matches its selector.
  const podSelector: Labels | undefined = service.spec.selector;
  if (serviceNs !== pod.namespace || !podSelector || !matchesSelector({ matchLabels: podSelector }, pod.labels)) return [];

  const targets: Labels[] = [];
  for (const ep of monitor.spec.endpoints ?? []) {
    refuseRelabelings(ep, monitor);
    // One endpoint port per Service port; each is resolved to the pod's container port.
    for (const sp of service.spec.ports ?? []) {
      const targetPort = sp.targetPort ?? sp.port;
      const resolved = containerWith(pod, (p) => (typeof targetPort === 'string' ? p.name === targetPort : p.containerPort === targetPort));
      if (typeof targetPort === 'string' && !resolved) continue; // a named targetPort the pod lacks: no endpoint
      if (ep.port) {
        if (sp.name !== ep.port) continue;
      } else if (ep.targetPort !== undefined) {
        if (!resolved || (typeof ep.targetPort === 'string' ? resolved.port.name !== ep.targetPort : resolved.port.containerPort !== ep.targetPort)) continue;
      }
      const labels: Labels = {
        namespace: serviceNs,
        service: service.metadata.name,
        pod: pod.name,
        ...(resolved ? { container: resolved.container } : {}),
      };
      copyLabels(labels, monitor.spec.targetLabels, serviceLabels);
      copyLabels(labels, monitor.spec.podTargetLabels, pod.labels);
      labels.job = (monitor.spec.jobLabel && serviceLabels[monitor.spec.jobLabel]) || service.metadata.name;
      if (ep.port) labels.endpoint = ep.port;
      else if (ep.targetPort !== undefined) labels.endpoint = String(ep.targetPort);
      labels.instance = `${pod.ip ?? '10.244.1.17'}:${resolved?.port.containerPort ?? targetPort}`;
      targets.push(labels);
    }
  }
  return targets;
}

function podMonitorTargets(monitor: Obj, monitorNs: string, pod: TargetPod): Labels[] {
  if (!namespaceSelected(monitor, pod.namespace, monitorNs) || !matchesSelector((monitor.spec.selector ?? {}) as LabelSelector, pod.labels)) return [];
  const targets: Labels[] = [];
  for (const ep of monitor.spec.podMetricsEndpoints ?? []) {
    refuseRelabelings(ep, monitor);
    // The pod role makes one target per declared container port; the endpoint keeps some.
    for (const c of pod.containers) {
      for (const p of c.ports ?? []) {
        if (ep.port && p.name !== ep.port) continue;
        if (!ep.port && ep.portNumber && p.containerPort !== ep.portNumber) continue;
        if (!ep.port && !ep.portNumber && ep.targetPort !== undefined && (typeof ep.targetPort === 'string' ? p.name !== ep.targetPort : p.containerPort !== ep.targetPort)) continue;
        const labels: Labels = { namespace: pod.namespace, container: c.name, pod: pod.name };
        copyLabels(labels, monitor.spec.podTargetLabels, pod.labels);
        labels.job = (monitor.spec.jobLabel && pod.labels[monitor.spec.jobLabel]) || `${monitorNs}/${monitor.metadata.name}`;
        if (ep.port) labels.endpoint = ep.port;
        else if (ep.targetPort !== undefined) labels.endpoint = String(ep.targetPort);
        labels.instance = `${pod.ip ?? '10.244.1.17'}:${p.containerPort}`;
        targets.push(labels);
      }
    }
  }
  return targets;
}
