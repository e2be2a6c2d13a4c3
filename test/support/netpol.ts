// NetworkPolicy semantics for tests: would the cluster let this peer reach this pod on this port?
// Rules from the Kubernetes API reference (networking.k8s.io/v1 NetworkPolicySpec, NetworkPolicyPeer,
// IPBlock, NetworkPolicyPort) and the "Network Policies" concept page:
// - a pod no policy selects (for the direction asked) is not isolated: everything is allowed;
// - once selected, a flow is allowed if ANY selecting policy has ONE rule whose `from`/`to` matches
//   the peer AND whose `ports` match the port (an empty or missing list matches everything);
// - in one peer entry, namespaceSelector AND podSelector both apply; separate entries are ORed;
//   podSelector alone means the policy's own namespace; ipBlock matches addresses (not pods'
//   labels) and `except` carves holes out of the CIDR;
// - a named port matches the destination container port of that name (ingress) — for egress the
//   destination pod's container port; `endPort` makes a range;
// - policyTypes defaults to ["Ingress"] plus "Egress" when the policy has an egress section.
import { isIP } from 'node:net';

export type Labels = Record<string, string>;
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
export interface PolicyPort { protocol?: string; port?: number | string; endPort?: number }
export interface PolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
export interface NetworkPolicy {
  metadata: { name?: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}
/** A pod: its namespace (name and labels), its labels and the ports its containers declare. */
export interface Pod { namespace: string; namespaceLabels?: Labels; labels: Labels; ports?: { name?: string; containerPort: number; protocol?: string }[] }
/** Where traffic comes from (ingress) or goes to (egress): a pod, or an address outside the pod network. */
export type Peer = Pod | { ip: string };
export interface Port { port: number; protocol?: string }

/** Kubernetes LabelSelector matching; an empty selector matches everything. */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    const ok = { In: inValues, NotIn: !inValues, Exists: has, DoesNotExist: !has }[e.operator];
    if (ok === undefined) throw new Error(`unknown label selector operator ${e.operator}`);
    if (!ok) return false;
  }
  return true;
}

function policyTypes(p: NetworkPolicy): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function namespaceLabels(pod: Pod): Labels {
  // The API server labels every namespace with its own name.
  return { ...pod.namespaceLabels, 'kubernetes.io/metadata.name': pod.namespace };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (isIP(ip) !== 4 || isIP(base) !== 4) throw new Error(`only IPv4 is modelled (${ip} in ${cidr})`);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToInt(ip) / size) === Math.floor(ipv4ToInt(base) / size);
}

function peerMatches(peer: PolicyPeer, other: Peer, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    // ipBlock selects addresses; cluster pods are usually outside it, and the docs leave pod IPs
    // in an ipBlock implementation-defined, so here an ipBlock matches only an `{ip}` peer.
    if (!('ip' in other)) return false;
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if ('ip' in other) return false;
  const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, namespaceLabels(other)) : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? matchesSelector(peer.podSelector, other.labels) : true;
  return nsOk && podOk;
}

function portMatches(rulePorts: PolicyPort[] | undefined, port: Port, destination: Pod | undefined): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  const protocol = port.protocol ?? 'TCP';
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
      // A named port means the destination pod's container port of that name and protocol.
      const named = destination?.ports?.find((cp) => cp.name === p.port && (cp.protocol ?? 'TCP') === protocol);
      return named !== undefined && named.containerPort === port.port;
    }
    const first = Number(p.port);
    return p.endPort !== undefined ? port.port >= first && port.port <= p.endPort : port.port === first;
  });
}

function selects(policy: NetworkPolicy, pod: Pod, type: 'Ingress' | 'Egress'): boolean {
  const ns = policy.metadata.namespace ?? pod.namespace;
  return ns === pod.namespace && policyTypes(policy).includes(type) && matchesSelector(policy.spec.podSelector, pod.labels);
}

/** May `from` open a connection to `to`'s `port`, as far as `to`'s ingress policies go? */
export function ingressAllowed(policies: NetworkPolicy[], to: Pod, from: Peer, port: Port): boolean {
  const selecting = policies.filter((p) => selects(p, to, 'Ingress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec.ingress ?? []).some(
      (rule) => (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, from, p.metadata.namespace ?? to.namespace))) && portMatches(rule.ports, port, to),
    ),
  );
}

/** May `from` open a connection to `to` on `port`, as far as `from`'s egress policies go? */
export function egressAllowed(policies: NetworkPolicy[], from: Pod, to: Peer, port: Port): boolean {
  const selecting = policies.filter((p) => selects(p, from, 'Egress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (p.spec.egress ?? []).some(
      (rule) => (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, to, p.metadata.namespace ?? from.namespace))) && portMatches(rule.ports, port, 'ip' in to ? undefined : to),
    ),
  );
}

/** A connection succeeds when the source's egress and the destination's ingress both allow it. */
export function connectionAllowed(policies: NetworkPolicy[], from: Peer, to: Pod, port: Port): boolean {
  return ('ip' in from || egressAllowed(policies, from, to, port)) && ingressAllowed(policies, to, from, port);
}
