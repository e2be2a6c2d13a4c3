// The generated README is a runbook: its Prerequisites name what the rendered objects need (no
// more), its steps are numbered without gaps, and the names in it are the rendered objects' names.
// The needs are derived here from the rendered kinds with a map of this test's own, not with
// src/prerequisites.ts, so a kind the chart starts to render and the README forgets fails here.
import { join } from 'node:path';
import { appendFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { render } from '../src/render.js';
import { SECRET_SOURCES, type Plan } from '../src/types.js';
import { everyCombination } from './support/combinations.js';
import { helmBinaries, runHelm } from './support/helm.js';
import { answersFor, builtin, tempRoot, writePlan } from './support/project.js';
import type { Partial_ } from '../src/options.js';

const section = (readme: string, title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

/** Every `apiVersion`/`kind` a rendered template holds, read line by line. */
function kindsOf(plan: Plan): Set<string> {
  const kinds = new Set<string>();
  for (const [path, text] of plan) {
    if (!path.endsWith('.yaml') || !(path.startsWith('chart/templates/') || path.startsWith('argocd/'))) continue;
    let apiVersion: string | null = null;
    for (const line of text.split('\n')) {
      if (line.startsWith('apiVersion: ')) apiVersion = line.slice(12).trim();
      else if (line.startsWith('kind: ') && apiVersion) kinds.add(`${apiVersion}/${line.slice(6).trim()}`);
    }
  }
  return kinds;
}

interface Need { controller: string; markers: string[] }

/**
 * What each controller's Prerequisites entry must show (a distinctive install line, the objects
 * it needs), and when the rendered project needs it. Independent of src/prerequisites.ts.
 */
function needsOf(plan: Plan): Map<string, Need> {
  const kinds = kindsOf(plan);
  const values = parse(plan.get('chart/values.yaml')!);
  const envFiles = [...plan.keys()].filter((p) => /^chart\/values-.+\.yaml$/.test(p));
  const envValues = envFiles.map((p) => parse(plan.get(p)!) ?? {});
  const appSet = parse(plan.get('argocd/applicationset.yaml')!);
  const namespaces: string[] = appSet.spec.generators[0].list.elements.map((e: { namespace: string }) => e.namespace);
  const needs = new Map<string, Need>();
  const need = (controller: string, ...markers: string[]) => {
    const had = needs.get(controller);
    needs.set(controller, { controller, markers: [...new Set([...(had?.markers ?? []), ...markers])] });
  };
  const KIND_NEEDS: Record<string, [string, ...string[]]> = {
    'argoproj.io/v1alpha1/ApplicationSet': ['argo-cd', 'argo/argo-cd'],
    'argoproj.io/v1alpha1/Rollout': ['argo-rollouts', 'argo/argo-rollouts', 'kubectl-argo-rollouts'],
    'argoproj.io/v1alpha1/AnalysisTemplate': ['argo-rollouts', 'argo/argo-rollouts'],
    'keda.sh/v1alpha1/ScaledObject': ['keda', 'kedacore/keda'],
    'keda.sh/v1alpha1/TriggerAuthentication': ['keda', 'kedacore/keda'],
    'monitoring.coreos.com/v1/ServiceMonitor': ['prometheus', 'prometheus-community/kube-prometheus-stack'],
    'monitoring.coreos.com/v1/PodMonitor': ['prometheus', 'prometheus-community/kube-prometheus-stack'],
    'monitoring.coreos.com/v1/PrometheusRule': ['prometheus', 'prometheus-community/kube-prometheus-stack'],
    'external-secrets.io/v1/ExternalSecret': ['external-secrets', 'external-secrets/external-secrets', 'kind: ClusterSecretStore'],
    'bitnami.com/v1alpha1/SealedSecret': ['sealed-secrets', 'sealed-secrets/sealed-secrets', 'kubeseal'],
    'networking.istio.io/v1beta1/VirtualService': ['istio', 'istio/istiod', 'istio/gateway', 'kind: Gateway'],
    'gateway.networking.k8s.io/v1/HTTPRoute': ['gateway-api', 'standard-install.yaml', 'kind: Gateway', 'allowedRoutes', 'from: Selector', 'from: Same', 'from: All', 'argoproj-labs/gatewayAPI'],
    'gateway.networking.k8s.io/v1/GRPCRoute': ['gateway-api', 'standard-install.yaml', 'kind: Gateway', 'allowedRoutes', 'from: Selector', 'from: Same', 'from: All', 'argoproj-labs/gatewayAPI'],
    'autoscaling/v2/HorizontalPodAutoscaler': ['metrics-server', 'metrics-server/metrics-server'],
    'autoscaling.k8s.io/v1/VerticalPodAutoscaler': ['vpa', 'vertical-pod-autoscaler'],
    'networking.k8s.io/v1/NetworkPolicy': ['network-policy', 'enforces NetworkPolicy'],
  };
  // The VPA is rendered only where vpa.enabled is set (off by default).
  const vpaOn = [values, ...envValues].some((v) => v?.vpa?.enabled === true);
  for (const kind of kinds) {
    const known = KIND_NEEDS[kind];
    if (known && (kind !== 'autoscaling.k8s.io/v1/VerticalPodAutoscaler' || vpaOn)) need(...known);
  }
  if (kinds.has('gateway.networking.k8s.io/v1/HTTPRoute') || kinds.has('gateway.networking.k8s.io/v1/GRPCRoute')) {
    const parent = values.gateway.parentRefs[0];
    need('gateway-api', `name: ${parent.name}`, `namespace: ${parent.namespace}`, ...namespaces.map((n) => `- ${n}`));
  }
  if (kinds.has('networking.istio.io/v1beta1/VirtualService')) {
    const [ns, name] = values.istio.gateways[0].split('/');
    need('istio', `name: ${name}`, `namespace: ${ns}`);
  }
  if (kinds.has('networking.k8s.io/v1/Ingress')) {
    if (values.ingress.className === 'alb') need('aws-load-balancer-controller', 'eks/aws-load-balancer-controller', 'aws acm request-certificate');
    else need('ingress-nginx', 'ingress-nginx --repo https://kubernetes.github.io/ingress-nginx');
    if (plan.get('chart/templates/ingress.yaml')!.includes('cert-manager.io/cluster-issuer')) {
      const issuers = envValues.map((v) => v.ingress?.clusterIssuer ?? values.ingress.clusterIssuer).filter(Boolean);
      if (issuers.length) need('cert-manager', 'jetstack/cert-manager', ...issuers.map((i: string) => `kind: ClusterIssuer\nmetadata:\n  name: ${i}\n`));
    }
  }
  if (kinds.has('external-secrets.io/v1/ExternalSecret')) need('external-secrets', `name: ${values.secrets.storeName}`, `kind: ${values.secrets.storeKind}`);
  // A query to Prometheus needs one, monitors or not.
  if (/- type: prometheus\n/.test(plan.get('chart/templates/scaledobject.yaml') ?? '')) need('prometheus', 'prometheus-community/kube-prometheus-stack');
  return needs;
}

/** The install line each controller alone has: none may appear where its controller is not needed. */
const ONLY_WHEN_NEEDED: Record<string, string> = {
  'argo-rollouts': 'argo/argo-rollouts', keda: 'kedacore/keda', prometheus: 'kube-prometheus-stack',
  'external-secrets': 'external-secrets/external-secrets', 'sealed-secrets': 'kubeseal', istio: 'istio/istiod',
  'gateway-api': 'standard-install.yaml', 'metrics-server': 'metrics-server/metrics-server', vpa: 'vertical-pod-autoscaler',
  'network-policy': 'enforces NetworkPolicy', 'ingress-nginx': 'kubernetes.github.io/ingress-nginx',
  'aws-load-balancer-controller': 'aws-load-balancer-controller', 'cert-manager': 'jetstack/cert-manager',
  'argo-cd': 'argo/argo-cd',
};

/** The whole matrix, with the secret sources, monitoring and environment lists taken in turn. */
async function matrix(): Promise<{ id: string; given: Partial_ }[]> {
  const secretChoices = [null, ...SECRET_SOURCES];
  const envChoices = [['staging', 'prod'], ['prod'], ['dev', 'staging', 'production']];
  return everyCombination().accepted.map(({ id, ...combination }, i) => {
    const secrets = secretChoices[i % secretChoices.length];
    return {
      id: `${id}/${secrets ?? 'no-secrets'}`,
      given: {
        ...combination, name: 'rb', envs: envChoices[i % envChoices.length],
        'secret-keys': secrets ? ['API_TOKEN', 'DB_URL'] : [], secrets, monitoring: i % 4 !== 3,
      } as Partial_,
    };
  });
}

describe('generated README as a runbook', () => {
  it('lists every controller the rendered kinds need, and none they do not, over the whole matrix', async () => {
    const problems: string[] = [];
    const combos = await matrix();
    expect(combos.length).toBeGreaterThan(100);
    for (const { id, given } of combos) {
      const plan = render(await answersFor(given), builtin(), '1.2.3');
      const prereqs = section(plan.get('README.md')!, 'Prerequisites');
      const needs = needsOf(plan);
      for (const { controller, markers } of needs.values()) {
        for (const marker of markers) if (!prereqs.includes(marker)) problems.push(`${id}: ${controller} needs "${marker}"`);
      }
      for (const [controller, marker] of Object.entries(ONLY_WHEN_NEEDED)) {
        if (!needs.has(controller) && prereqs.includes(marker)) problems.push(`${id}: ${controller} is not needed, yet "${marker}" is listed`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('numbers every list without gaps, over the whole matrix', async () => {
    const problems: string[] = [];
    for (const { id, given } of await matrix()) {
      const plan = render(await answersFor(given), builtin(), '1.2.3');
      const readme = plan.get('README.md')!;
      const numbers = [...readme.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
      const expected = numbers.map((_, i) => i + 1);
      if (numbers.join() !== expected.join()) problems.push(`${id}: ${numbers.join(', ')}`);
      if (!section(readme, 'Deploy steps').includes('1. ')) problems.push(`${id}: no numbered deploy steps`);
      // Never a root port on the user's machine, in the README or in helm's NOTES.
      for (const m of `${readme}\n${plan.get('chart/templates/NOTES.txt')}`.matchAll(/port-forward svc\/(?:\{\{.*?\}\}|\S+) (\S+)/g)) {
        const local = Number(m[1].split(':')[0]);
        if (!m[1].includes(':') || !(local >= 1024)) problems.push(`${id}: port-forward ${m[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('calls nothing a placeholder when image, repository and host are given', async () => {
    const given = { name: 'my-api', type: 'api', image: 'ghcr.io/acme/my-api:1.4.2', 'repo-url': 'https://github.com/acme/my-api.git', host: 'api.acme.io' } as Partial_;
    const readme = render(await answersFor(given), builtin(), '1.2.3').get('README.md')!;
    expect(readme).not.toMatch(/placeholder/i);
    expect(readme).not.toContain('example.com/');
    expect(readme).not.toContain('upgrade --set image=');
    expect(readme).not.toContain('upgrade --set repo-url=');
    expect(readme).toContain('Commit and push this directory to `https://github.com/acme/my-api.git`');

    const defaults = render(await answersFor({ name: 'my-api', type: 'api' }), builtin(), '1.2.3').get('README.md')!;
    expect(defaults).toContain('placeholder image `registry.example.com/my-api:0.1.0`');
    expect(defaults).toContain('`repoURL` in\n   `argocd/applicationset.yaml` (and the AppProject\'s `sourceRepos`) is the placeholder `https://git.example.com/platform/my-api.git`');
    expect(defaults).toContain('npx create-k8s-app upgrade --set repo-url=');
    expect(defaults).toContain('placeholder host `my-api.example.com`');
  });

  describe('names match the objects helm renders', () => {
    const root = tempRoot('runbook-');
    afterAll(() => root.cleanup());

    /** Each environment as Argo CD renders it: its namespace from the ApplicationSet, its values file. */
    async function renderedEnvs(dir: string, plan: Plan, name: string) {
      const [helm] = await helmBinaries();
      const appSet = parse(plan.get('argocd/applicationset.yaml')!);
      return Promise.all((appSet.spec.generators[0].list.elements as { env: string; namespace: string }[]).map(async (e) => {
        const r = await runHelm(helm.bin, ['template', name, 'chart', '-n', e.namespace, '-f', `chart/values-${e.env}.yaml`], { cwd: dir });
        expect(r.stderr).toBe('');
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const objects: any[] = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
        return { ...e, objects };
      }));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const secretRef = (objects: any[]) => {
      const workload = objects.find((o) => ['Deployment', 'Rollout'].includes(o.kind))!;
      return workload.spec.template.spec.containers[0].envFrom.find((f: { secretRef?: { name: string } }) => f.secretRef).secretRef.name as string;
    };

    it.each(SECRET_SOURCES)('secrets: %s', async (secrets) => {
      const dir = join(root.dir, secrets);
      const name = `my-${secrets}`;
      const plan = render(await answersFor({ name, type: 'api', 'secret-keys': ['API_TOKEN'], secrets } as Partial_), builtin(), '1.2.3');
      await writePlan(dir, plan);
      const readme = plan.get('README.md')!;
      const secretsSection = section(readme, 'Secrets');
      for (const env of await renderedEnvs(dir, plan, name)) {
        const secret = secretRef(env.objects);
        expect(readme).toContain(`\`${env.namespace}\``);
        if (secrets === 'existing') {
          expect(secretsSection).toContain(`kubectl create secret generic ${secret} -n ${env.namespace} --from-literal=API_TOKEN=`);
        } else if (secrets === 'external') {
          const es = env.objects.find((o) => o.kind === 'ExternalSecret')!;
          expect(es.spec.target.name).toBe(secret);
          expect(secretsSection).toContain(`Secret \`${secret}\``);
          expect(secretsSection).toContain(`| \`${env.env}\` | \`${env.namespace}\` | \`${es.spec.data[0].remoteRef.key}\` |`);
          expect(section(readme, 'Prerequisites')).toContain(`kind: ${es.spec.secretStoreRef.kind}\nmetadata:\n  name: ${es.spec.secretStoreRef.name}\n`);
        } else {
          const sealed = env.objects.find((o) => o.kind === 'SealedSecret')!;
          expect(sealed.metadata.name).toBe(secret);
          expect(secretsSection).toContain(`kubeseal --raw --namespace ${env.namespace} --name ${secret} `);
          // The file the README names is the one this environment's sealed values are read from.
          const file = new RegExp(`namespace \`${env.namespace}\`\\)[^]*?under \`secrets.encryptedData\` in \`([^\`]+)\``).exec(secretsSection)![1];
          await appendFile(join(dir, file), `secrets:\n  encryptedData:\n    API_TOKEN: sealed-for-${env.env}\n`);
        }
      }
      if (secrets === 'sealed') {
        for (const env of await renderedEnvs(dir, plan, name)) {
          expect(env.objects.find((o) => o.kind === 'SealedSecret')!.spec.encryptedData).toEqual({ API_TOKEN: `sealed-for-${env.env}` });
        }
      }
    });

    it.each([
      { type: 'api', strategy: 'canary', traffic: 'gateway-api', scaling: 'keda', 'keda-trigger': 'kafka', 'secret-keys': ['A'], secrets: 'external' },
      { type: 'grpc', strategy: 'canary', traffic: 'istio', 'secret-keys': ['A'], secrets: 'sealed' },
      { type: 'web', strategy: 'canary', traffic: 'alb', scaling: 'hpa' },
      { type: 'worker', strategy: 'canary', scaling: 'keda', 'keda-trigger': 'aws-sqs' },
      { type: 'cron', scaling: 'none' },
    ] as Partial_[])('the kinds read from the templates are the kinds helm renders: %o', async (given) => {
      // Guards the line-by-line reading above: every kind helm renders (monitoring CRDs present) is one it found.
      const dir = join(root.dir, `kinds-${given.type}`);
      const plan = render(await answersFor({ ...given, name: 'kinds' }), builtin(), '1.2.3');
      await writePlan(dir, plan);
      const [helm] = await helmBinaries();
      const apis = [...['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].map((k) => `monitoring.coreos.com/v1/${k}`), 'autoscaling.k8s.io/v1/VerticalPodAutoscaler']
        .flatMap((api) => ['--api-versions', api]);
      // With the switches that are off by default turned on: their kinds are in the templates too.
      const switches = ['--set', 'vpa.enabled=true', '--set', 'migrations.enabled=true', '--set', 'migrations.command={migrate}'];
      const r = await runHelm(helm.bin, ['template', 'kinds', 'chart', '-f', 'chart/values-prod.yaml', ...apis, ...switches], { cwd: dir });
      expect(r.stderr).toBe('');
      const rendered = new Set([
        ...parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean).map((o) => `${o.apiVersion}/${o.kind}`),
        ...['argocd/applicationset.yaml', 'argocd/appproject.yaml'].flatMap((file) => parseAllDocuments(plan.get(file)!).map((d) => d.toJS()).map((o) => `${o.apiVersion}/${o.kind}`)),
      ]);
      expect([...kindsOf(plan)].sort()).toEqual([...rendered].sort());
    });

    it('the KEDA credentials Secret is the one the TriggerAuthentication reads', async () => {
      const dir = join(root.dir, 'keda-auth');
      const plan = render(await answersFor({ name: 'kq', type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka' }), builtin(), '1.2.3');
      await writePlan(dir, plan);
      const secrets = section(plan.get('README.md')!, 'Secrets');
      for (const env of await renderedEnvs(dir, plan, 'kq')) {
        const auth = env.objects.find((o) => o.kind === 'TriggerAuthentication')!;
        const refs = auth.spec.secretTargetRef as { name: string; key: string }[];
        expect(secrets).toContain(`kubectl create secret generic ${refs[0].name} -n ${env.namespace} ${refs.map((r) => `--from-literal=${r.key}=…`).join(' ')}\n`);
      }
    });

    it.each([
      { type: 'web', strategy: 'canary', traffic: 'nginx' },
      { type: 'grpc', strategy: 'canary', traffic: 'istio' },
      { type: 'api', strategy: 'canary', traffic: 'gateway-api' },
      { type: 'web', strategy: 'canary', traffic: 'alb' },
      { type: 'worker', scaling: 'keda', 'keda-trigger': 'rabbitmq' },
      { type: 'cron', scaling: 'none' },
    ] as Partial_[])('describes the NetworkPolicy as helm renders it: %o', async (given) => {
      const dir = join(root.dir, `netpol-${given.type}-${given.traffic ?? 'none'}`);
      const plan = render(await answersFor({ ...given, name: 'np', security: 'restricted' }), builtin(), '1.2.3');
      await writePlan(dir, plan);
      const readme = plan.get('README.md')!;
      const policy = (await renderedEnvs(dir, plan, 'np')).find((e) => e.env === 'prod')!.objects.find((o) => o.kind === 'NetworkPolicy')!;
      const described = readme.split('The NetworkPolicy denies every connection')[1].split('\n## ')[0];
      const [inPart, outPart] = described.split('\nOut:\n');
      if (policy.spec.ingress.length === 0) expect(inPart).toContain('nothing');
      for (const [part, rules, side] of [[inPart, policy.spec.ingress, 'from'], [outPart, policy.spec.egress, 'to']] as const) {
        for (const rule of rules) {
          for (const peer of rule[side]) {
            const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
            if (ns) expect(part, JSON.stringify(peer)).toMatch(new RegExp(`\\b${ns}\\b`));
            for (const [k, v] of Object.entries(peer.podSelector?.matchLabels ?? {})) {
              if (k === 'app.kubernetes.io/instance' || k === 'app.kubernetes.io/component') continue; // "this release's own pods"
              expect(part, JSON.stringify(peer)).toContain(`${k}: ${v}`);
            }
            if (peer.ipBlock) expect(part, JSON.stringify(peer)).toContain(`\`${peer.ipBlock.cidr}\``);
          }
          for (const port of rule.ports ?? []) if (typeof port.port === 'number') expect(part, JSON.stringify(rule)).toContain(String(port.port));
        }
      }
    });

    it('port-forward names the Service and its port', async () => {
      const dir = join(root.dir, 'svc');
      const plan = render(await answersFor({ name: 'svc-app', type: 'web' }), builtin(), '1.2.3');
      await writePlan(dir, plan);
      const prod = (await renderedEnvs(dir, plan, 'svc-app')).find((e) => e.env === 'prod')!;
      const service = prod.objects.find((o) => o.kind === 'Service')!;
      expect(plan.get('README.md')).toContain(`kubectl -n ${prod.namespace} port-forward svc/${service.metadata.name} 8080:${service.spec.ports[0].port}\n`);
    });
  });
});
