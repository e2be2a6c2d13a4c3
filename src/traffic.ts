// Every canary traffic router, one row each: the option list, `--help`, the prompt and the view
// (the Ingress or route the chart renders, the NetworkPolicy, the ApplicationSet) read it.

/** A field Argo Rollouts rewrites during a canary, so Argo CD must ignore it (ApplicationSet `ignoreDifferences`). */
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
  /** the namespace of the controller the NetworkPolicy lets in */
  controllerNamespace: string;
  /** what the NetworkPolicy comment names besides the ingress controller */
  gatewayLabel: string | null;
  ignoreDifferences(app: { name: string; isGrpc: boolean }): IgnoredDifference[];
}

export const ROUTERS = [
  {
    name: 'none', hint: 'replica-weighted canary, no traffic router',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/canary/',
    ingress: true, ingressClass: 'nginx', controllerNamespace: 'ingress-nginx', gatewayLabel: null,
    ignoreDifferences: () => [],
  },
  {
    name: 'nginx', hint: 'NGINX Ingress canary annotations',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/',
    ingress: true, ingressClass: 'nginx', controllerNamespace: 'ingress-nginx', gatewayLabel: null,
    ignoreDifferences: () => [{
      group: 'networking.k8s.io', kind: 'Ingress',
      jqPathExpressions: ['.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]'],
    }],
  },
  {
    name: 'istio', hint: 'Istio VirtualService weights',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/istio/',
    ingress: false, ingressClass: 'nginx', controllerNamespace: 'istio-system', gatewayLabel: 'mesh gateway',
    ignoreDifferences: () => [{
      group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'],
    }],
  },
  {
    name: 'alb', hint: 'AWS Load Balancer Controller weighted target groups',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/alb/',
    ingress: true, ingressClass: 'alb', controllerNamespace: 'ingress-nginx', gatewayLabel: null,
    ignoreDifferences: ({ name }) => [{
      group: 'networking.k8s.io', kind: 'Ingress',
      jqPathExpressions: [
        `.metadata.annotations["alb.ingress.kubernetes.io/actions.${name}"]`,
        `.metadata.annotations["alb.ingress.kubernetes.io/conditions.${name}"]`,
      ],
    }],
  },
  {
    name: 'gateway-api', hint: 'Gateway API HTTPRoute / GRPCRoute weights (Rollouts plugin)',
    docs: 'https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/plugins/',
    ingress: false, ingressClass: 'nginx', controllerNamespace: 'gateway-system', gatewayLabel: 'Gateway',
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
