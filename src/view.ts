// Everything the templates need, derived from the answers in one place so templates hold layout
// and no logic beyond `if`.
import { parseImage } from './validate.js';
import { triggerSpec, type TriggerSpec } from './keda-triggers.js';
import { routerSpec, type RouterSpec } from './traffic.js';
import type { Answers } from './types.js';
import { IN_CLUSTER } from './clusters.js';
import { hasService, isHttp } from './options.js';
import { sha256Hex } from './sha256.js';

export interface EnvView {
  name: string;
  isProd: boolean;
  host: string | null;
  namespace: string;
  /** the API server the environment's Application deploys to */
  cluster: string;
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  logLevel: string;
  size: Size;
}

/** Requests and limits, as the chart's `resources` value holds them. */
export type Size = {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
};

/** Sizing from seed 002's table: small for non-production, medium for production. */
export const SIZES: Record<'small' | 'medium', Size> = {
  small: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  medium: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
};

/** The trigger as the ScaledObject, the TriggerAuthentication and values.yaml use it. */
function kedaTriggerView(spec: TriggerSpec) {
  const values = `keda.${spec.valuesKey}`;
  return {
    name: spec.name,
    type: spec.type,
    valuesKey: spec.valuesKey,
    docs: spec.docs,
    /** `metadata:` of the ScaledObject's trigger: each field and the Helm text of its value */
    metadata: spec.metadata.map((m) => ({
      field: m.field,
      value: 'fixed' in m ? m.fixed : m.tpl ? `{{ tpl .Values.${values}.${m.key} . | quote }}` : `{{ .Values.${values}.${m.key} | quote }}`,
    })),
    /** the scaler's activation field and the Helm text of its value (rendered at keda.minReplicas 0); null without one */
    activation: spec.activation && { field: spec.activation.field, key: `${values}.${spec.activation.key}`, value: `{{ .Values.${values}.${spec.activation.key} | quote }}` },
    needsAuth: spec.auth !== null,
    secretParameters: spec.auth && 'secretParameters' in spec.auth ? spec.auth.secretParameters : [],
    podIdentity: spec.auth && 'podIdentity' in spec.auth ? spec.auth.podIdentity : null,
    podIdentityNote: spec.auth && 'podIdentity' in spec.auth ? spec.auth.note : [],
    podIdentitySetup: spec.auth && 'podIdentity' in spec.auth ? spec.auth.setup : null,
    brokerPort: spec.brokerPort,
    brokerCidr: spec.brokerCidr ?? '10.0.0.0/8',
    publicApi: spec.publicApi ?? null,
  };
}

function trafficRouterView(spec: RouterSpec, app: { name: string; isGrpc: boolean }) {
  return {
    name: spec.name,
    docs: spec.docs,
    ingressClass: spec.ingressClass,
    controller: spec.controller,
    controllerLabel: spec.controllerLabel,
    ignoreDifferences: spec.ignoreDifferences(app),
  };
}

export function productionEnv(envs: string[]): string {
  return envs.find((e) => e === 'prod' || e === 'production') ?? envs[envs.length - 1];
}

export function envHost(host: string, env: string, isProd: boolean): string {
  if (isProd) return host;
  return host.startsWith('*.') ? `*.${env}.${host.slice(2)}` : `${env}.${host}`;
}

/**
 * The namespace of an environment: `<name>-<env>`, a DNS label of at most 63 characters. When that
 * is longer, it is cut and ends in `-` plus the first 6 hex digits of the full name's SHA-256, so
 * environments that differ only past the cut (staging-eu-1, staging-eu-2) still get namespaces of
 * their own, and the same answers always give the same namespace.
 */
export function envNamespace(name: string, env: string): string {
  const full = `${name}-${env}`;
  if (full.length <= 63) return full;
  const hash = sha256Hex(full).slice(0, 6);
  return `${full.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

export function buildView(a: Answers, version: string) {
  const image = parseImage(a.image);
  if (typeof image === 'string') throw new Error(image);
  const prod = productionEnv(a.envs);
  const isCron = a.type === 'cron';
  const isWorker = a.type === 'worker';
  const isGrpc = a.type === 'grpc';
  const isRollout = a.strategy !== 'rolling';
  const canary = a.strategy === 'canary';
  const traffic = canary ? a.traffic : 'none';
  const router = routerSpec(traffic);
  const autoscaled = a.scaling !== 'none';
  // Routers with a route object of their own (istio, gateway-api) take north-south traffic themselves.
  const usesIngress = hasService(a.type) && router.ingress;
  const monitoring = a.monitoring;
  const metricsPortSeparate = isGrpc || isWorker;
  const envs: EnvView[] = a.envs.map((name) => {
    const isProd = name === prod;
    return {
      name,
      isProd,
      host: a.host ? envHost(a.host, name, isProd) : null,
      namespace: envNamespace(a.name, name),
      cluster: a.clusters?.[name] ?? IN_CLUSTER,
      replicas: isProd ? 3 : 1,
      minReplicas: isProd ? 3 : 1,
      maxReplicas: isProd ? 10 : 3,
      logLevel: isProd ? 'info' : 'debug',
      size: isProd ? SIZES.medium : SIZES.small,
    };
  });
  const trigger = a['keda-trigger'];
  const kedaTrigger = a.scaling === 'keda' && trigger ? kedaTriggerView(triggerSpec(trigger)) : null;
  return {
    version,
    name: a.name,
    answers: a,
    type: a.type,
    image: { repository: image.repository, tag: image.tag || image.digest.slice(7, 19), digest: image.digest },
    appVersion: image.tag || '0.1.0',
    isHttp: isHttp(a.type),
    isGrpc,
    isWorker,
    isCron,
    hasService: hasService(a.type),
    hasProbes: !isCron,
    usesIngress,
    port: a.port,
    portName: isGrpc ? 'grpc' : isWorker ? 'metrics' : 'http',
    metricsPort: isWorker ? a.port : 9090,
    metricsPortName: metricsPortSeparate ? 'metrics' : 'http',
    workloadKind: isCron ? 'CronJob' : isRollout ? 'Rollout' : 'Deployment',
    workloadApiVersion: isCron ? 'batch/v1' : isRollout ? 'argoproj.io/v1alpha1' : 'apps/v1',
    isRollout,
    rolling: a.strategy === 'rolling' && !isCron,
    canary,
    blueGreen: a.strategy === 'blue-green',
    traffic,
    trafficNone: traffic === 'none',
    nginx: traffic === 'nginx',
    istio: traffic === 'istio',
    alb: traffic === 'alb',
    gatewayApi: traffic === 'gateway-api',
    ingressClass: router.ingressClass,
    trafficRouter: trafficRouterView(router, { name: a.name, isGrpc }),
    /** web/api with --websocket: the default of websocket.enabled */
    websocket: a.websocket === true,
    hpa: a.scaling === 'hpa',
    keda: a.scaling === 'keda',
    autoscaled,
    trigger,
    /** the trigger's row of src/keda-triggers.ts, as the templates read it; null without KEDA */
    kedaTrigger,
    /** the port a worker opens to its trigger's broker (the NetworkPolicy's egress), null otherwise */
    brokerPort: isWorker ? (kedaTrigger?.brokerPort ?? null) : null,
    restricted: a.security === 'restricted',
    security: a.security,
    monitoring,
    serviceMonitor: monitoring && hasService(a.type),
    podMonitor: monitoring && isWorker,
    /** the SLO in percent, null without one (none, cron, or no monitoring) */
    slo: monitoring && typeof a.slo === 'number' ? a.slo : null,
    secretKeys: a['secret-keys'],
    hasSecrets: a['secret-keys'].length > 0,
    externalSecret: a.secrets === 'external',
    sealedSecret: a.secrets === 'sealed',
    existingSecret: a.secrets === 'existing',
    secrets: a.secrets,
    envs,
    prodEnv: prod,
    repoUrl: a['repo-url'],
    chartPath: a['repo-path'] === '.' ? 'chart' : `${a['repo-path']}/chart`,
    host: a.host,
    pdb: !isCron,
  };
}

export type View = ReturnType<typeof buildView>;
