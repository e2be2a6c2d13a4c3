// The NetworkPolicy evaluator against verdicts from the Kubernetes documentation: the
// "Network Policies" concept page (its test-network-policy example, "Behavior of to and from
// selectors", default policies, "Targeting a range of ports") and the networking.k8s.io/v1 API
// reference for NetworkPolicyPort (named ports) and IPBlock (except).
import { describe, expect, it } from 'vitest';
import { connectionAllowed, egressAllowed, ingressAllowed, matchesSelector, type NetworkPolicy, type Peer, type Pod } from './netpol.js';

const db: Pod = { namespace: 'default', labels: { role: 'db' }, ports: [{ name: 'postgres', containerPort: 6379 }, { name: 'admin', containerPort: 8080 }] };
const frontend: Pod = { namespace: 'default', labels: { role: 'frontend' } };
const projectPod: Pod = { namespace: 'team-a', namespaceLabels: { project: 'myproject' }, labels: { app: 'x' } };
const projectClient: Pod = { namespace: 'team-a', namespaceLabels: { user: 'alice' }, labels: { role: 'client' } };
const strangerClient: Pod = { namespace: 'team-b', namespaceLabels: { user: 'bob' }, labels: { role: 'client' } };
const aliceOther: Pod = { namespace: 'team-a', namespaceLabels: { user: 'alice' }, labels: { role: 'other' } };

// The concept page's test-network-policy.
const docsPolicy: NetworkPolicy = {
  metadata: { name: 'test-network-policy', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  },
};

describe('NetworkPolicy: the documented example', () => {
  const table: [string, Peer, number, boolean][] = [
    ['frontend pod in the same namespace, right port', frontend, 6379, true],
    ['frontend pod, another port', frontend, 8080, false],
    ['any pod of a namespace labelled project=myproject', projectPod, 6379, true],
    ['a frontend-labelled pod in another namespace (podSelector alone = own namespace)', { ...frontend, namespace: 'other' }, 6379, false],
    ['an address in 172.17.0.0/16', { ip: '172.17.2.9' }, 6379, true],
    ['an address in the excepted 172.17.1.0/24', { ip: '172.17.1.9' }, 6379, false],
    ['an address outside the block', { ip: '10.9.9.9' }, 6379, false],
  ];
  for (const [what, peer, port, allowed] of table) {
    it(`${what} → ${allowed ? 'allowed' : 'denied'}`, () => {
      expect(ingressAllowed([docsPolicy], db, peer, { port })).toBe(allowed);
    });
  }

  it('egress from db: only 10.0.0.0/24 on TCP 5978', () => {
    expect(egressAllowed([docsPolicy], db, { ip: '10.0.0.7' }, { port: 5978 })).toBe(true);
    expect(egressAllowed([docsPolicy], db, { ip: '10.0.0.7' }, { port: 5979 })).toBe(false);
    expect(egressAllowed([docsPolicy], db, { ip: '10.0.0.7' }, { port: 5978, protocol: 'UDP' })).toBe(false);
    expect(egressAllowed([docsPolicy], db, { ip: '10.0.1.7' }, { port: 5978 })).toBe(false);
  });

  it('a pod no policy selects is not isolated', () => {
    expect(ingressAllowed([docsPolicy], frontend, strangerClient, { port: 1 })).toBe(true);
    expect(egressAllowed([docsPolicy], frontend, { ip: '8.8.8.8' }, { port: 53, protocol: 'UDP' })).toBe(true);
  });
});

describe('NetworkPolicy: namespaceSelector AND podSelector vs two peers', () => {
  const one = (from: NetworkPolicy['spec']['ingress']): NetworkPolicy => ({ metadata: { namespace: 'default' }, spec: { podSelector: { matchLabels: { role: 'db' } }, ingress: from } });
  const and = one([{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }]);
  const or = one([{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }]);

  it('one peer with both selectors: a client pod in an alice namespace only', () => {
    expect(ingressAllowed([and], db, projectClient, { port: 6379 })).toBe(true);
    expect(ingressAllowed([and], db, aliceOther, { port: 6379 })).toBe(false);
    expect(ingressAllowed([and], db, strangerClient, { port: 6379 })).toBe(false);
  });

  it('two peers: any pod in an alice namespace, or a client pod in the policy namespace', () => {
    expect(ingressAllowed([or], db, aliceOther, { port: 6379 })).toBe(true);
    expect(ingressAllowed([or], db, strangerClient, { port: 6379 })).toBe(false);
    expect(ingressAllowed([or], db, { ...strangerClient, namespace: 'default', namespaceLabels: {} }, { port: 6379 })).toBe(true);
  });

  it('peers and ports must match within ONE rule, not across rules', () => {
    const split = one([{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 6379 }] }, { from: [{ podSelector: { matchLabels: { role: 'other' } } }], ports: [{ port: 8080 }] }]);
    expect(ingressAllowed([split], db, frontend, { port: 6379 })).toBe(true);
    expect(ingressAllowed([split], db, frontend, { port: 8080 })).toBe(false);
  });

  it('policies add up: any selecting policy may allow the flow', () => {
    const a = one([{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }]);
    const b = one([{ from: [{ namespaceSelector: { matchLabels: { user: 'bob' } } }] }]);
    expect(ingressAllowed([a, b], db, strangerClient, { port: 6379 })).toBe(true);
    expect(ingressAllowed([a], db, strangerClient, { port: 6379 })).toBe(false);
  });

  it('namespaces match by the automatic kubernetes.io/metadata.name label', () => {
    const byName = one([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-b' } } }] }]);
    expect(ingressAllowed([byName], db, strangerClient, { port: 1 })).toBe(true);
    expect(ingressAllowed([byName], db, projectClient, { port: 1 })).toBe(false);
  });
});

describe('NetworkPolicy: default policies, policyTypes, ports', () => {
  const base = { metadata: { namespace: 'default' } };
  it('default deny ingress (empty podSelector, no rules) and allow all ingress (one empty rule)', () => {
    const deny: NetworkPolicy = { ...base, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    const allow: NetworkPolicy = { ...base, spec: { podSelector: {}, ingress: [{}] } };
    expect(ingressAllowed([deny], db, frontend, { port: 6379 })).toBe(false);
    expect(ingressAllowed([deny, allow], db, { ip: '1.2.3.4' }, { port: 1 })).toBe(true);
    // An ingress-only policy leaves egress open.
    expect(egressAllowed([deny], db, { ip: '1.2.3.4' }, { port: 1 })).toBe(true);
  });

  it('policyTypes defaults to Egress too when the policy has an egress section', () => {
    const egressOnly: NetworkPolicy = { ...base, spec: { podSelector: {}, egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] } };
    expect(egressAllowed([egressOnly], db, { ip: '10.96.0.10' }, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(egressAllowed([egressOnly], db, { ip: '10.96.0.10' }, { port: 443 })).toBe(false);
    // …and Ingress is always in the default, so the pod is isolated for ingress as well.
    expect(ingressAllowed([egressOnly], db, frontend, { port: 6379 })).toBe(false);
  });

  it('a named port is the destination container port of that name; endPort makes a range', () => {
    const named: NetworkPolicy = { ...base, spec: { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ ports: [{ port: 'postgres' }] }] } };
    expect(ingressAllowed([named], db, frontend, { port: 6379 })).toBe(true);
    expect(ingressAllowed([named], db, frontend, { port: 8080 })).toBe(false);
    expect(ingressAllowed([named], { ...db, ports: [] }, frontend, { port: 6379 })).toBe(false);
    const range: NetworkPolicy = { ...base, spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] } };
    expect([31999, 32000, 32768, 32769].map((port) => ingressAllowed([range], db, frontend, { port }))).toEqual([false, true, true, false]);
  });

  it('a connection needs the source egress and the destination ingress', () => {
    const dbIngress: NetworkPolicy = { ...base, spec: { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }] } };
    const frontendEgress: NetworkPolicy = { ...base, spec: { podSelector: { matchLabels: { role: 'frontend' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { role: 'cache' } } }] }] } };
    expect(connectionAllowed([dbIngress], frontend, db, { port: 6379 })).toBe(true);
    expect(connectionAllowed([dbIngress, frontendEgress], frontend, db, { port: 6379 })).toBe(false);
  });

  it('label selectors: matchLabels and every matchExpressions operator', () => {
    const labels = { app: 'a', tier: 'web' };
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });
});
