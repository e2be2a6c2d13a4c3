// Every canary traffic router, one row each: the option list, `--help`, the prompt and the view
// (the Ingress or route the chart renders, the NetworkPolicy, the ApplicationSet) read it.

/**
 * A field of an object the chart renders (so Argo CD owns it and diffs it) that Argo Rollouts
 * rewrites during a canary: Argo CD must ignore it (ApplicationSet `ignoreDifferences`). Fields
 * Rollouts only adds (annotations, labels, selector keys the chart does not render) are not listed:
 * Argo CD diffs only what the manifest holds, so they never show as drift.
 */
export interface IgnoredDifference {
  group: string;
  kind: string;
  jqPathExpressions: string[];
}

export interface RouterSpec {
  /** the `--traffic` value */
  name: string;
  /** one line for prompts and `--help` */
  hint: string;
  /** the router's page in the Argo Rollouts documentation */
  docs: string;
  /** true when north-south traffic enters through an Ingress; false when the router has its own route object */
  ingress: boolean;
  /** the Ingress class used when `ingress` is true */
  ingressClass: string;
  /**
   * Who carries north-south traffic into the pods, as the NetworkPolicy admits it: pods of a
   * namespace AND with these labels (an unlabelled pod in that namespace is a stranger), or, for a
   * load balancer that sends from VPC addresses (ALB, target type ip), `null`: then
   * `networkPolicy.loadBalancerCIDRs` lets it in.
   */
  controller: { namespace: string; podLabels: Record<string, string> } | null;
  /** what the NetworkPolicy and README call it */
  controllerLabel: string;
  /** what Argo Rollouts rewrites on the chart's own objects for this router, as read in its code */
  ignoreDifferences(app: { name: string; isGrpc: boolean }): IgnoredDifference[];
}

// The ingress-nginx chart's controller pods: its selector labels (`app.kubernetes.io/name:
// ingress-nginx`, plus the release's instance) and `app.kubernetes.io/component: controller`.
const INGRESS_NGINX = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };

export const ROUTERS = [
  {
    name: 'none', hint: 'replica-weighted canary, no traffic router',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/canary/',
    ingress: true, ingressClass: 'nginx', controller: INGRESS_NGINX, controllerLabel: 'ingress-nginx controller',
    ignoreDifferences: () => [],
  },
  {
    name: 'nginx', hint: 'NGINX Ingress canary annotations',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/',
    ingress: true, ingressClass: 'nginx', controller: INGRESS_NGINX, controllerLabel: 'ingress-nginx controller',
    // argo-rollouts rollout/trafficrouting/nginx/nginx.go: the weight goes on a canary Ingress
    // Rollouts creates and owns (`<rollout>-<ingress>-canary`); the chart's Ingress is only read.
    ignoreDifferences: () => [],
  },
  {
    name: 'istio', hint: 'Istio VirtualService weights',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/istio/',
    ingress: false, ingressClass: 'nginx', controllerLabel: 'Istio ingress gateway',
    // istioctl's default profile (and the istio/gateway chart released as `istio-ingressgateway`):
    // `istio: <release name without istio->`.
    controller: { namespace: 'istio-system', podLabels: { istio: 'ingressgateway' } },
    // argo-rollouts rollout/trafficrouting/istio/istio.go (reconcileVirtualService): the weights of
    // the named http routes' destinations, which the chart renders (100 / 0).
    ignoreDifferences: () => [{
      group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'],
    }],
  },
  {
    name: 'alb', hint: 'AWS Load Balancer Controller weighted target groups',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/alb/',
    ingress: true, ingressClass: 'alb', controller: null, controllerLabel: 'AWS load balancer',
    // argo-rollouts rollout/trafficrouting/alb/alb.go (SetWeight): it adds the annotations
    // `alb.ingress.kubernetes.io/actions.<stableService>` and `rollouts.argoproj.io/managed-alb-annotations`
    // to the chart's Ingress, neither rendered by the chart; `conditions.*` only for setHeaderRoute
    // steps, which the chart has none of. Nothing Argo CD diffs.
    ignoreDifferences: () => [],
  },
  {
    name: 'gateway-api', hint: 'Gateway API HTTPRoute / GRPCRoute weights (Rollouts plugin)',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/plugins/',
    ingress: false, ingressClass: 'nginx', controllerLabel: 'Gateway',
    // Gateway implementations that run the Gateway's proxy in its namespace label its pods with the
    // Gateway's name (GEP-1762); the name is the default `gateway.parentRefs` entry.
    controller: { namespace: 'gateway-system', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public-gateway' } },
    // rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/httproute.go, grpcroute.go: the weights
    // of the stable and canary backendRefs, which the chart renders (100 / 0); the in-progress
    // label it adds is not rendered by the chart.
    ignoreDifferences: ({ isGrpc }) => [{
      group: 'gateway.networking.k8s.io', kind: isGrpc ? 'GRPCRoute' : 'HTTPRoute',
      jqPathExpressions: ['.spec.rules[].backendRefs[].weight'],
    }],
  },
] as const satisfies readonly RouterSpec[];

export type Traffic = (typeof ROUTERS)[number]['name'];

export const TRAFFIC_ROUTERS = ROUTERS.map((r) => r.name) as [Traffic, ...Traffic[]];

export function routerSpec(name: Traffic): RouterSpec {
  return ROUTERS.find((r) => r.name === name)!;
}
