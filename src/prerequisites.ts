// What a cluster needs before the generated project can sync, read from what was rendered: each
// object kind in the plan names the controller or CRDs that serve its API (with the oldest release
// serving the fields the chart uses), and the names the objects point at (issuers, the Gateway,
// the secret store) come from the rendered values. The project README lists exactly these, and the
// terminal's next steps can call `prerequisites(plan, view)` for the same list.
import { defaults, envOverrides } from './values/files.js';
import { CHART_VALUES, type ValuesModel } from './values/model.js';
import type { View } from './view.js';
import type { Plan } from './types.js';

/** A cluster object the project refers to but does not create (a ClusterIssuer, a Gateway…). */
export interface ClusterObject {
  /** one sentence: what it is for and what would happen without it */
  text: string;
  /** an example manifest, YAML, or null */
  yaml: string | null;
  /** the shell lines that make it, or null */
  sh: string | null;
}

export interface Prerequisite {
  id: string;
  /** the controller or CRDs, as their project names them */
  name: string;
  /** oldest release serving what the rendered objects use */
  minVersion: string;
  /** the rendered objects that need it, and why */
  why: string;
  /** shell lines that install it (from the project's own documentation) */
  install: string[];
  docs: string;
  /** objects it needs that this project does not create */
  objects: ClusterObject[];
}

/** `apiVersion/kind` of every object the chart and the Argo CD folder render. */
export function renderedKinds(plan: Plan): Set<string> {
  const kinds = new Set<string>();
  for (const [path, text] of plan) {
    if (!/^(chart\/templates|argocd)\/.*\.yaml$/.test(path)) continue;
    for (const m of text.matchAll(/^apiVersion: (\S+)\n(?:.*\n)*?kind: (\S+)$/gm)) kinds.add(`${m[1]}/${m[2]}`);
  }
  return kinds;
}

export type Values = Record<string, unknown>;
/** The value at a dotted key of a values tree, or undefined. */
export const at = (values: Values, key: string): unknown =>
  key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Values)[k] : undefined), values);
const yamlList = (items: string[], indent: string) => items.map((i) => `${indent}- ${i}`).join('\n');

const ARGO_HELM = 'helm repo add argo https://argoproj.github.io/argo-helm';
// The Gateway API plugin's oldest release with GRPCRoute support.
const GATEWAY_PLUGIN_VERSION = 'v0.4.0';
const GATEWAY_PLUGIN = `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${GATEWAY_PLUGIN_VERSION}/gatewayapi-plugin-linux-amd64`;

interface Context {
  view: View;
  kinds: Set<string>;
  values: Values;
  envValues: { env: string; namespace: string; host: string | null; values: Values }[];
  files: Plan;
}

/** A rule's answer: objects may leave out what they do not have. */
type Found = Omit<Prerequisite, 'objects'> & { objects: (Pick<ClusterObject, 'text'> & Partial<ClusterObject>)[] };
type Rule = (c: Context) => Found | null;

const has = (c: Context, ...kinds: string[]) => kinds.some((k) => c.kinds.has(k));

/** One rule per controller, in the order a cluster is best set up. */
const RULES: Rule[] = [
  (c) => has(c, 'argoproj.io/v1alpha1/ApplicationSet') ? {
    id: 'argo-cd', name: 'Argo CD', minVersion: '2.8',
    why: '`argocd/applicationset.yaml` (an ApplicationSet with `goTemplateOptions`, which Argo CD reads since 2.8) makes one Application per environment.',
    install: [ARGO_HELM, 'helm install argocd argo/argo-cd -n argocd --create-namespace'],
    docs: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/installation/',
    objects: [],
  } : null,
  (c) => has(c, 'argoproj.io/v1alpha1/Rollout', 'argoproj.io/v1alpha1/AnalysisTemplate') ? {
    id: 'argo-rollouts', name: 'Argo Rollouts', minVersion: c.view.gatewayApi ? '1.5' : '1.0',
    why: `The Rollout and its AnalysisTemplates (argoproj.io/v1alpha1)${c.view.gatewayApi ? ', routed through a traffic-router plugin (Argo Rollouts 1.5 or newer)' : ''}; the \`kubectl argo rollouts\` plugin follows and promotes them.`,
    install: [...(c.view.gatewayApi
      ? [
        ARGO_HELM,
        'helm install argo-rollouts argo/argo-rollouts -n argo-rollouts --create-namespace \\',
        "  --set 'controller.trafficRouterPlugins[0].name=argoproj-labs/gatewayAPI' \\",
        `  --set 'controller.trafficRouterPlugins[0].location=${GATEWAY_PLUGIN}'`,
      ]
      : [ARGO_HELM, 'helm install argo-rollouts argo/argo-rollouts -n argo-rollouts --create-namespace']),
      '# the kubectl plugin: brew install argoproj/tap/kubectl-argo-rollouts, or a binary from https://github.com/argoproj/argo-rollouts/releases',
    ],
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/installation/',
    objects: c.view.gatewayApi ? [{
      text: `The ${c.view.isGrpc ? 'GRPCRoute' : 'HTTPRoute'}'s canary weights are set by the Gateway API plugin (${GATEWAY_PLUGIN_VERSION} or newer), which the \`--set\` lines above register in the controller's \`argo-rollouts-config\` ConfigMap. Installed without Helm, put it there yourself and restart the controller:`,
      yaml: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: argo-rollouts-config',
        '  namespace: argo-rollouts',
        'data:',
        '  trafficRouterPlugins: |-',
        '    - name: "argoproj-labs/gatewayAPI"',
        `      location: "${GATEWAY_PLUGIN}"`,
      ].join('\n'),
    }] : [],
  } : null,
  (c) => has(c, 'keda.sh/v1alpha1/ScaledObject') ? {
    id: 'keda', name: 'KEDA', minVersion: c.view.kedaTrigger?.podIdentity ? '2.13' : '2.1',
    why: `The ScaledObject${has(c, 'keda.sh/v1alpha1/TriggerAuthentication') ? ' and TriggerAuthentication' : ''} (keda.sh/v1alpha1) scale the ${c.view.workloadKind} on the ${c.view.kedaTrigger?.name} trigger${c.view.kedaTrigger?.podIdentity ? ` (\`podIdentity.provider: ${c.view.kedaTrigger.podIdentity}\` needs KEDA 2.13)` : ' (`fallback` needs KEDA 2.1)'}.`,
    install: ['helm repo add kedacore https://kedacore.github.io/charts', 'helm install keda kedacore/keda -n keda --create-namespace'],
    docs: 'https://keda.sh/docs/latest/deploy/',
    objects: [],
  } : null,
  (c) => {
    const monitors = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].filter((k) => c.kinds.has(`monitoring.coreos.com/v1/${k}`));
    const promTrigger = c.view.trigger === 'prometheus';
    if (!monitors.length && !promTrigger) return null;
    const reads = [
      monitors.length ? `The ${monitors.join(' and ').replace(/ and (?=.* and )/g, ', ')} (monitoring.coreos.com/v1), rendered only where its CRDs exist` : '',
      c.view.isRollout && c.view.monitoring ? `the rollout's analysis queries Prometheus` : '',
      promTrigger ? 'the KEDA prometheus trigger queries Prometheus' : '',
    ].filter(Boolean).map((r, i) => (i === 0 ? r[0].toUpperCase() + r.slice(1) : r));
    return {
      id: 'prometheus-operator', name: 'Prometheus Operator (kube-prometheus-stack)', minVersion: '0.50',
      why: `${reads.join('; ')}. Installed as below, its Prometheus selects them by \`release: kube-prometheus-stack\`, answers at \`http://prometheus-operated.monitoring.svc:9090\` and runs in \`monitoring\`, as the chart's defaults expect.`,
      install: [
        'helm repo add prometheus-community https://prometheus-community.github.io/helm-charts',
        'helm install kube-prometheus-stack prometheus-community/kube-prometheus-stack -n monitoring --create-namespace',
      ],
      docs: 'https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack',
      objects: [],
    };
  },
  (c) => has(c, 'autoscaling/v2/HorizontalPodAutoscaler') ? {
    id: 'metrics-server', name: 'metrics-server', minVersion: '0.6',
    why: 'The HorizontalPodAutoscaler scales on CPU and memory, which it reads from the resource metrics API (most managed clusters ship metrics-server already: `kubectl top pods` works then).',
    install: [
      'helm repo add metrics-server https://kubernetes-sigs.github.io/metrics-server/',
      'helm install metrics-server metrics-server/metrics-server -n kube-system',
    ],
    docs: 'https://github.com/kubernetes-sigs/metrics-server',
    objects: [],
  } : null,
  // Its template is in every chart; only vpa.enabled renders it.
  (c) => has(c, 'autoscaling.k8s.io/v1/VerticalPodAutoscaler') && [c.values, ...c.envValues.map((e) => e.values)].some((v) => at(v, 'vpa.enabled') === true) ? {
    id: 'vpa', name: 'Vertical Pod Autoscaler', minVersion: '1.0',
    why: 'The VerticalPodAutoscaler (autoscaling.k8s.io/v1) recommends requests; without its CRDs the object is refused.',
    install: [
      'git clone https://github.com/kubernetes/autoscaler.git',
      'cd autoscaler/vertical-pod-autoscaler && ./hack/vpa-up.sh',
    ],
    docs: 'https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler',
    objects: [],
  } : null,
  (c) => has(c, 'external-secrets.io/v1/ExternalSecret') ? {
    id: 'external-secrets', name: 'External Secrets Operator', minVersion: '0.16',
    why: `The ExternalSecret (external-secrets.io/v1, served since 0.16) fills the Secret \`${c.view.name}\` from the ${at(c.values, 'secrets.storeKind')} \`${at(c.values, 'secrets.storeName')}\`.`,
    install: [
      'helm repo add external-secrets https://charts.external-secrets.io',
      'helm install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace',
    ],
    docs: 'https://external-secrets.io/latest/introduction/getting-started/',
    objects: [{
      text: `The ${at(c.values, 'secrets.storeKind')} \`${at(c.values, 'secrets.storeName')}\` (\`secrets.storeKind\`, \`secrets.storeName\`), connected to your secret manager; for example AWS Secrets Manager, read with the operator's own IAM role (other providers: https://external-secrets.io/latest/provider/aws-secrets-manager/ and the pages beside it):`,
      yaml: [
        'apiVersion: external-secrets.io/v1',
        `kind: ${at(c.values, 'secrets.storeKind')}`,
        'metadata:',
        `  name: ${at(c.values, 'secrets.storeName')}`,
        ...(at(c.values, 'secrets.storeKind') === 'SecretStore' ? ['  namespace: <each environment\'s namespace>'] : []),
        'spec:',
        '  provider:',
        '    aws:',
        '      service: SecretsManager',
        '      region: us-east-1',
      ].join('\n'),
    }],
  } : null,
  (c) => has(c, 'bitnami.com/v1alpha1/SealedSecret') ? {
    id: 'sealed-secrets', name: 'Sealed Secrets (controller and `kubeseal`)', minVersion: '0.17',
    why: `The SealedSecret (bitnami.com/v1alpha1) is decrypted into the Secret \`${c.view.name}\` by the controller; \`kubeseal\` encrypts values with the controller's key. Installed as below, \`kubeseal\` finds the controller without flags.`,
    install: [
      'helm repo add sealed-secrets https://bitnami-labs.github.io/sealed-secrets',
      'helm install sealed-secrets sealed-secrets/sealed-secrets -n kube-system --set-string fullnameOverride=sealed-secrets-controller',
      '# kubeseal, the client: a binary from https://github.com/bitnami-labs/sealed-secrets/releases (or `brew install kubeseal`)',
    ],
    docs: 'https://github.com/bitnami-labs/sealed-secrets#installation',
    objects: [],
  } : null,
  (c) => has(c, 'networking.k8s.io/v1/Ingress') && !c.view.alb ? {
    id: 'ingress-nginx', name: 'ingress-nginx', minVersion: '1.0',
    why: `The Ingress (networking.k8s.io/v1, class \`${at(c.values, 'ingress.className')}\`${c.view.nginx ? ', with the canary Ingress Argo Rollouts adds' : ''}${c.view.isGrpc ? ', `backend-protocol: GRPC`' : ''}). Installed as below, it runs in \`ingress-nginx\`, where the NetworkPolicy expects it.`,
    install: ['helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx -n ingress-nginx --create-namespace'],
    docs: 'https://kubernetes.github.io/ingress-nginx/deploy/',
    objects: [],
  } : null,
  (c) => {
    const issuers = [...new Set(c.envValues.map((e) => at(e.values, 'ingress.clusterIssuer')).filter((i): i is string => typeof i === 'string' && i !== ''))];
    const ingress = c.files.get('chart/templates/ingress.yaml') ?? '';
    if (!has(c, 'networking.k8s.io/v1/Ingress') || !ingress.includes('cert-manager.io/cluster-issuer') || !issuers.length) return null;
    const envsOf = (issuer: string) => c.envValues.filter((e) => at(e.values, 'ingress.clusterIssuer') === issuer).map((e) => `\`${e.env}\``).join(', ');
    return {
      id: 'cert-manager', name: 'cert-manager', minVersion: '1.12',
      why: `The Ingress asks for its TLS certificate with \`cert-manager.io/cluster-issuer\` (\`ingress.clusterIssuer\`): ${issuers.map((i) => `\`${i}\` in ${envsOf(i)}`).join(', ')}.`,
      install: [
        'helm repo add jetstack https://charts.jetstack.io',
        'helm install cert-manager jetstack/cert-manager -n cert-manager --create-namespace --set crds.enabled=true',
      ],
      docs: 'https://cert-manager.io/docs/installation/helm/',
      objects: issuers.map((issuer) => {
        const staging = /staging/.test(issuer);
        return {
          text: `The ClusterIssuer \`${issuer}\` (Let's Encrypt${staging ? ' staging: certificates browsers do not trust, without production rate limits' : ''}); put your address in \`email\`:`,
          yaml: [
            'apiVersion: cert-manager.io/v1',
            'kind: ClusterIssuer',
            'metadata:',
            `  name: ${issuer}`,
            'spec:',
            '  acme:',
            `    server: https://acme-${staging ? 'staging-' : ''}v02.api.letsencrypt.org/directory`,
            '    email: you@example.com',
            '    privateKeySecretRef:',
            `      name: ${issuer}-account-key`,
            '    solvers:',
            '      - http01:',
            '          ingress:',
            `            ingressClassName: ${at(c.values, 'ingress.className')}`,
          ].join('\n'),
        };
      }),
    };
  },
  (c) => has(c, 'networking.k8s.io/v1/Ingress') && c.view.alb ? {
    id: 'aws-load-balancer-controller', name: 'AWS Load Balancer Controller', minVersion: '2.4',
    why: `The Ingress (class \`alb\`${c.view.isGrpc ? ', `backend-protocol-version: GRPC`' : ''}) becomes an ALB, whose weighted target groups Argo Rollouts sets. The controller needs an IAM role (see its docs).`,
    install: [
      'helm repo add eks https://aws.github.io/eks-charts',
      'helm install aws-load-balancer-controller eks/aws-load-balancer-controller -n kube-system \\',
      '  --set clusterName=<your cluster> --set serviceAccount.create=false --set serviceAccount.name=aws-load-balancer-controller',
    ],
    docs: 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/installation/',
    objects: [{
      text: `An issued ACM certificate covering ${c.envValues.map((e) => `\`${e.host}\``).join(', ')}, in the cluster's region: the controller finds it by host (or set \`ingress.certificateArn\` per environment). Requested with DNS validation, it is issued once the CNAME ACM shows is in your zone:`,
      sh: c.envValues.map((e) => `aws acm request-certificate --domain-name ${e.host} --validation-method DNS`).join('\n'),
    }],
  } : null,
  (c) => has(c, 'networking.istio.io/v1beta1/VirtualService') ? {
    id: 'istio', name: 'Istio (istiod and an ingress gateway)', minVersion: '1.22',
    why: 'The VirtualService (networking.istio.io/v1beta1) carries the traffic and the canary weights; 1.22 is the oldest Istio that runs on Kubernetes 1.30. Installed as below, the gateway pods are labelled `istio: ingressgateway` in `istio-system`, where the NetworkPolicy expects them.',
    install: [
      'helm repo add istio https://istio-release.storage.googleapis.com/charts',
      'helm install istio-base istio/base -n istio-system --create-namespace',
      'helm install istiod istio/istiod -n istio-system --wait',
      'helm install istio-ingressgateway istio/gateway -n istio-system',
    ],
    docs: 'https://istio.io/latest/docs/setup/install/helm/',
    objects: [{
      text: `The Istio Gateway the VirtualService binds to (\`istio.gateways\`: ${(at(c.values, 'istio.gateways') as string[]).map((g) => `\`${g}\``).join(', ')}), serving the hosts with a TLS certificate in the Secret \`public-gateway-tls\` of \`istio-system\`:`,
      yaml: [
        'apiVersion: networking.istio.io/v1beta1',
        'kind: Gateway',
        'metadata:',
        `  name: ${String((at(c.values, 'istio.gateways') as string[])[0]).split('/').pop()}`,
        `  namespace: ${String((at(c.values, 'istio.gateways') as string[])[0]).split('/')[0]}`,
        'spec:',
        '  selector:',
        '    istio: ingressgateway',
        '  servers:',
        '    - port: { number: 443, name: https, protocol: HTTPS }',
        '      tls: { mode: SIMPLE, credentialName: public-gateway-tls }',
        '      hosts:',
        yamlList(c.envValues.map((e) => JSON.stringify(`*/${e.host}`)), '        '),
      ].join('\n'),
    }],
  } : null,
  (c) => {
    const route = c.view.isGrpc ? 'GRPCRoute' : 'HTTPRoute';
    if (!has(c, `gateway.networking.k8s.io/v1/${route}`)) return null;
    const parent = (at(c.values, 'gateway.parentRefs') as { name: string; namespace?: string }[])[0];
    const namespaces = c.envValues.map((e) => e.namespace);
    return {
      id: 'gateway-api', name: 'Gateway API CRDs and an implementation', minVersion: c.view.isGrpc ? '1.1' : '1.0',
      why: `The ${route} (gateway.networking.k8s.io/v1, in the standard channel since Gateway API ${c.view.isGrpc ? '1.1' : '1.0'}) attaches to the Gateway \`${parent.namespace}/${parent.name}\` (\`gateway.parentRefs\`). Any conformant implementation serves it (Envoy Gateway, Istio, Cilium, NGINX Gateway Fabric…); the NetworkPolicy lets in its proxy pods in \`${parent.namespace}\` labelled \`gateway.networking.k8s.io/gateway-name: ${parent.name}\`, as implementations that run the proxy beside the Gateway label them.`,
      install: [
        'kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml',
        '# then your implementation, e.g. Envoy Gateway:',
        'helm install eg oci://docker.io/envoyproxy/gateway-helm -n envoy-gateway-system --create-namespace',
      ],
      docs: 'https://gateway-api.sigs.k8s.io/guides/',
      objects: [{
        text: `The Gateway \`${parent.name}\` in \`${parent.namespace}\`. A listener admits routes from its own namespace only unless \`allowedRoutes.namespaces\` says otherwise (the default \`from: Same\` would refuse the ${route} in ${namespaces.map((n) => `\`${n}\``).join(', ')}): admit those namespaces by \`from: Selector\`, as here, or every namespace with \`from: All\`. The TLS certificate is the Secret \`public-gateway-tls\` beside the Gateway:`,
        yaml: [
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: Gateway',
          'metadata:',
          `  name: ${parent.name}`,
          `  namespace: ${parent.namespace}`,
          'spec:',
          '  gatewayClassName: <your implementation\'s GatewayClass>',
          '  listeners:',
          '    - name: https',
          '      protocol: HTTPS',
          '      port: 443',
          '      tls:',
          '        certificateRefs:',
          '          - name: public-gateway-tls',
          '      allowedRoutes:',
          '        namespaces:',
          '          from: Selector',
          '          selector:',
          '            matchExpressions:',
          '              - key: kubernetes.io/metadata.name',
          '                operator: In',
          '                values:',
          yamlList(namespaces, '                  '),
        ].join('\n'),
      }],
    };
  },
  (c) => has(c, 'networking.k8s.io/v1/NetworkPolicy') ? {
    id: 'network-policy', name: 'A network plugin that enforces NetworkPolicy', minVersion: '—',
    why: 'The NetworkPolicy (networking.k8s.io/v1) is only a request: Calico, Cilium, or your cloud\'s policy engine (e.g. the VPC CNI with network policies on EKS) enforce it; without one nothing is blocked.',
    install: ['# already there on most managed clusters; check your provider, e.g. for Cilium:', 'helm repo add cilium https://helm.cilium.io/', 'helm install cilium cilium/cilium -n kube-system'],
    docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites',
    objects: [],
  } : null,
];

/**
 * The controllers, CRDs and cluster objects the plan's objects need, in install order. `view` is
 * the answers' view the plan was rendered from.
 */
export function prerequisites(plan: Plan, view: View, model: ValuesModel = CHART_VALUES): Prerequisite[] {
  // From the values model the files were written from, not by reading them back.
  const values = defaults(model, view) as Values;
  const envValues = view.envs.map((e) => ({
    env: e.name, namespace: e.namespace, host: e.host,
    values: envOverrides(model, view, e) as Values,
  }));
  const context: Context = { view, kinds: renderedKinds(plan), values, envValues, files: plan };
  return RULES.map((rule) => rule(context)).filter((p) => p !== null)
    .map((p) => ({ ...p, objects: p.objects.map((o) => ({ text: o.text, yaml: o.yaml ?? null, sh: o.sh ?? null })) }));
}
