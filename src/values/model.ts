// The chart's values, as data: every key of values.yaml with its type, default, description and
// the answers it applies to, then what each values-<env>.yaml overrides. chart/values.yaml, the
// values-<env>.yaml files, values.schema.json and the chart README's values table are all written
// from these two tables (src/values/files.ts), so a new value is one entry here.
import { TRIGGERS, type TriggerSpec } from '../keda-triggers.js';
import { SIZES, type EnvView, type View } from '../view.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * How the schema types a value. `object` is a map users fill freely (annotations, probes,
 * resources): the schema leaves its keys open and values.yaml marks it `[object]` (Bitnami).
 */
export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'array' | 'object';

export interface Value {
  /** dotted path in values.yaml; the parents (`image:` for `image.tag`) are written as needed */
  key: string;
  type: ValueType;
  /** the `## @param` description, also the README's */
  doc: string | ((v: View) => string);
  default: Json | ((v: View) => Json);
  /** the answers it applies to (default: all) */
  when?: (v: View) => boolean;
  /** a blank line before it in values.yaml: it starts a group */
  gap?: true;
  /** a comment line above the group it starts */
  heading?: string;
  /** a comment line above the value's first list item */
  note?: (v: View) => string | null;
  /**
   * Text from the answers (names, hosts, images, secret keys) is always written double-quoted,
   * whatever it holds: in the value's strings, or, for a map, in its keys.
   */
  quoted?: 'values' | 'keys';
  /** more JSON Schema keywords for the value: the items of a list, the values of a map */
  schema?: { [key: string]: Json };
}

/** What a values-<env>.yaml sets, in the order it writes them; it applies where its key does. */
export interface EnvOverride {
  key: string;
  value: (env: EnvView, v: View) => Json;
  /** a comment line above it */
  comment?: (env: EnvView) => string;
}

export interface ValuesModel {
  values: readonly Value[];
  perEnv: readonly EnvOverride[];
}

const server = (v: View) => !v.isCron;
const prometheus = 'http://prometheus-operated.monitoring.svc:9090';
const percentPolicy = (value: number) => [{ type: 'Percent', value, periodSeconds: 60 }];
/** The NetworkPolicy admits the ingress controller's pods (every router but ALB, which sends from its subnets). */
const controllerPods = (v: View) => v.restricted && v.hasService && v.trafficRouter.controller !== null;
const keda = (trigger: (v: View) => boolean) => (v: View) => v.keda && trigger(v);
/** Items of the container and volume lists: Kubernetes validates their fields; the schema asks for a name. */
const named = { type: 'object', required: ['name'] };
const container = { type: 'object', required: ['name', 'image'] };
/** What websocket.enabled changes on the app's router. */
function websocketDoc(v: View): string {
  if (v.istio) return 'the VirtualService keeps no route timeout (Istio\'s default; a timeout would end every connection at that age)';
  if (v.gatewayApi) return 'the HTTPRoute disables its request timeouts (0s; standard since Gateway API v1.2)';
  if (v.alb) return 'the ALB idle timeout becomes websocket.timeoutSeconds';
  return 'nginx read and send timeouts become websocket.timeoutSeconds (no configuration-snippet needed)';
}

/** A trigger's settings under `keda.<valuesKey>` (its row in src/keda-triggers.ts), then what wakes the app from zero. */
function triggerValues(spec: TriggerSpec): Value[] {
  const when = keda((v) => v.trigger === spec.name);
  const settings = spec.metadata.flatMap((m): Value[] => {
    if ('fixed' in m) return [];
    const { default: given } = m;
    return [{
      key: `keda.${spec.valuesKey}.${m.key}`,
      type: typeof given === 'number' ? 'integer' : 'string',
      default: typeof given === 'function' ? (v) => given({ name: v.name, isWorker: v.isWorker, isGrpc: v.isGrpc, timeZone: v.answers.timezone }) : given,
      ...(m.quoted ? { quoted: 'values' as const } : {}),
      when,
      doc: m.doc,
    }];
  });
  const a = spec.activation;
  return a ? [...settings, { key: `keda.${spec.valuesKey}.${a.key}`, type: a.type, default: a.default, when, doc: a.doc }] : settings;
}

export const VALUES: readonly Value[] = [
  { key: 'nameOverride', type: 'string', default: '', gap: true, doc: 'Replaces the chart name in object names' },
  { key: 'fullnameOverride', type: 'string', default: '', doc: 'Replaces the whole generated object name' },
  {
    key: 'replicaCount', type: 'integer', default: 2, gap: true, when: server,
    doc: (v) => (v.autoscaled ? 'Number of pods while autoscaling.enabled is false' : 'Number of pods'),
  },
  { key: 'revisionHistoryLimit', type: 'integer', default: 5, when: server, doc: 'Old revisions kept for rollback' },

  { key: 'image.repository', type: 'string', default: (v) => v.image.repository, quoted: 'values', gap: true, doc: 'Container image repository' },
  { key: 'image.tag', type: 'string', default: (v) => v.image.tag, quoted: 'values', doc: 'Image tag: pin a version, never `latest`' },
  { key: 'image.digest', type: 'string', default: (v) => v.image.digest, quoted: 'values', doc: 'Image digest (sha256:...); when set it is used instead of the tag' },
  { key: 'image.pullPolicy', type: 'string', default: 'IfNotPresent', doc: 'Image pull policy' },
  { key: 'imagePullSecrets', type: 'array', default: [], gap: true, doc: 'Secrets for pulling from a private registry, e.g. [{name: regcred}]' },

  { key: 'serviceAccount.create', type: 'boolean', default: true, gap: true, doc: 'Create a ServiceAccount for the pods' },
  { key: 'serviceAccount.automount', type: 'boolean', default: false, doc: 'Mount the API token (only if the app calls the Kubernetes API)' },
  {
    key: 'serviceAccount.annotations', type: 'object', default: {},
    doc: 'Annotations, e.g. eks.amazonaws.com/role-arn for IRSA or iam.gke.io/gcp-service-account for workload identity',
  },
  { key: 'serviceAccount.name', type: 'string', default: '', doc: 'Name of the ServiceAccount (default: the full name)' },
  { key: 'podAnnotations', type: 'object', default: {}, gap: true, doc: 'Extra pod annotations' },
  { key: 'podLabels', type: 'object', default: {}, doc: 'Extra pod labels' },

  { key: 'logLevel', type: 'string', default: 'info', gap: true, doc: 'Log level passed to the app as LOG_LEVEL' },
  { key: 'config', type: 'object', default: {}, doc: 'Non-secret settings, passed to the app as environment variables' },
  { key: 'extraEnv', type: 'array', default: [], doc: 'Extra container env entries (name/value or valueFrom)' },

  {
    key: 'containerPort', type: 'integer', default: (v) => v.port, gap: true, when: server,
    doc: (v) => `Port the app listens on${v.isWorker ? ' for metrics' : ''}`,
  },
  { key: 'metricsPort', type: 'integer', default: 9090, when: (v) => v.isGrpc, doc: 'Port serving Prometheus metrics over HTTP' },
  { key: 'service.type', type: 'string', default: 'ClusterIP', gap: true, when: (v) => v.hasService, doc: 'Service type' },
  { key: 'service.port', type: 'integer', default: (v) => (v.isGrpc ? v.port : 80), when: (v) => v.hasService, doc: 'Service port' },
  { key: 'service.annotations', type: 'object', default: {}, when: (v) => v.hasService, doc: 'Service annotations' },

  { key: 'ingress.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.usesIngress, doc: 'Expose the app through an Ingress' },
  { key: 'ingress.className', type: 'string', default: (v) => v.ingressClass, when: (v) => v.usesIngress, doc: 'IngressClass of the controller' },
  {
    key: 'ingress.clusterIssuer', type: 'string', default: 'letsencrypt-prod', when: (v) => v.usesIngress && !v.alb,
    doc: 'cert-manager ClusterIssuer that issues the TLS certificate ("" for none)',
  },
  {
    // The ALB terminates TLS with ACM; without an ARN the AWS Load Balancer Controller discovers an
    // issued certificate matching the Ingress hosts (its "Certificate Discovery" guide).
    key: 'ingress.certificateArn', type: 'string', default: '', when: (v) => v.usesIngress && v.alb,
    doc: 'ACM certificate ARN(s) for the HTTPS listener, comma-separated ("": discovered in ACM from the hosts)',
  },
  { key: 'ingress.annotations', type: 'object', default: {}, when: (v) => v.usesIngress, doc: 'Extra Ingress annotations' },
  { key: 'ingress.hosts', type: 'array', default: (v) => [v.host ?? ''], quoted: 'values', when: (v) => v.usesIngress, doc: 'Host names routed to the app' },
  {
    key: 'ingress.tls.enabled', type: 'boolean', default: true, when: (v) => v.usesIngress,
    doc: (v) => (v.alb ? 'Serve HTTPS on the ALB (ACM certificate) and redirect HTTP to it' : 'Serve HTTPS with a certificate in the <fullname>-tls Secret'),
  },
  {
    key: 'istio.hosts', type: 'array', default: (v) => [v.host ?? ''], quoted: 'values', gap: true, when: (v) => v.istio,
    doc: 'Host names the VirtualService routes to the app',
  },
  {
    key: 'istio.gateways', type: 'array', default: ['istio-system/public-gateway'], when: (v) => v.istio,
    doc: 'Istio Gateways (namespace/name) the VirtualService binds to',
  },
  {
    key: 'gateway.parentRefs', type: 'array', default: [{ name: 'public-gateway', namespace: 'gateway-system' }], gap: true,
    when: (v) => v.gatewayApi, doc: 'Gateways the route attaches to',
  },
  { key: 'gateway.hostnames', type: 'array', default: (v) => [v.host ?? ''], quoted: 'values', when: (v) => v.gatewayApi, doc: 'Host names routed to the app' },
  {
    key: 'websocket.enabled', type: 'boolean', default: (v) => v.websocket, gap: true, when: (v) => v.isHttp,
    doc: (v) => `WebSocket connections: ${websocketDoc(v)}`,
  },
  {
    key: 'websocket.timeoutSeconds', type: 'integer', default: 3600, when: (v) => v.isHttp && v.usesIngress,
    doc: (v) => (v.alb
      ? 'Seconds an idle connection stays open (the ALB idle timeout, 1-4000)'
      : 'Seconds an idle connection stays open (nginx proxy-read-timeout and proxy-send-timeout)'),
  },

  {
    key: 'probes.startup', type: 'object', gap: true, when: (v) => v.hasProbes,
    default: (v) => ({ ...(v.isHttp ? { path: '/healthz' } : {}), periodSeconds: 5, failureThreshold: 30 }),
    doc: 'Startup probe: holds back liveness until the app has started',
  },
  {
    key: 'probes.liveness', type: 'object', when: (v) => v.hasProbes,
    default: (v) => ({ ...(v.isHttp ? { path: '/healthz' } : {}), periodSeconds: v.isWorker ? 20 : 10, timeoutSeconds: 2, failureThreshold: 3 }),
    doc: 'Liveness probe: restarts a stuck container',
  },
  {
    key: 'probes.readiness', type: 'object', when: (v) => v.hasProbes,
    default: (v) => ({ ...(v.isHttp ? { path: '/ready' } : {}), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }),
    doc: (v) => `Readiness probe: ${v.hasService ? 'takes the pod out of the Service while it fails' : 'a rollout waits for it before stopping old pods'}`,
  },
  {
    key: 'preStopSleepSeconds', type: 'integer', default: 10, gap: true, when: (v) => v.hasService,
    doc: 'Seconds to keep serving after removal from endpoints',
  },
  { key: 'terminationGracePeriodSeconds', type: 'integer', default: (v) => (v.isWorker ? 60 : 30), doc: 'Seconds allowed for a clean shutdown' },

  { key: 'resources', type: 'object', default: SIZES.small, gap: true, doc: 'Requests and limits' },
  {
    key: 'podSecurityContext', type: 'object', gap: true,
    default: (v) => ({
      ...(v.restricted ? { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    }),
    doc: (v) => `Pod security context (${v.security} Pod Security Standard)`,
  },
  {
    // Baseline keeps every hardening that needs no non-root user; only runAsNonRoot differs.
    key: 'securityContext', type: 'object',
    default: (v) => ({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      ...(v.restricted ? { runAsNonRoot: true } : {}),
      capabilities: { drop: ['ALL'] },
    }),
    doc: (v) => (v.restricted
      ? 'Container security context (restricted Pod Security Standard)'
      : 'Container security context (baseline Pod Security Standard, hardened: relax one setting at a time, e.g. '
        + '`readOnlyRootFilesystem: false` for an image that writes outside /tmp, `capabilities.drop: []` or '
        + '`capabilities.add: [NET_BIND_SERVICE]` for one that needs a capability; seccomp is set in podSecurityContext)'),
  },
  { key: 'tmpSizeLimit', type: 'string', default: '64Mi', doc: 'Size limit of the writable /tmp volume (the root file system is read-only)' },

  {
    key: 'initContainers', type: 'array', default: [], gap: true, schema: { items: container },
    heading: 'Extension points (Bitnami names). Added containers run with securityContext unless they set their own.',
    doc: 'Init containers run before the app, e.g. a wait-for-db loop: [{name, image, command}]',
  },
  { key: 'sidecars', type: 'array', default: [], schema: { items: container }, doc: (v) => `Containers run beside the app, e.g. a log shipper: [{name, image, ...}]${v.isCron ? '; a run ends only when every container exits (or use an init container with restartPolicy: Always)' : ''}` },
  {
    key: 'extraVolumes', type: 'array', default: [], schema: { items: named },
    doc: 'Extra pod volumes, for the app (extraVolumeMounts), init containers and sidecars',
  },
  { key: 'extraVolumeMounts', type: 'array', default: [], schema: { items: named }, doc: "Extra volume mounts of the app's container" },
  {
    key: 'configFiles', type: 'object', default: {}, schema: { propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' }, additionalProperties: { type: 'string' } },
    doc: 'Configuration files, file name → content: a ConfigMap (<fullname>-files) mounted read-only; a change rolls the pods',
  },
  {
    key: 'configFilesMountPath', type: 'string', default: (v) => `/etc/${v.name}`, quoted: 'values',
    doc: 'Directory the configFiles appear in',
  },
  {
    key: 'migrations.enabled', type: 'boolean', default: false, gap: true,
    doc: (v) => "Run a migration Job before each sync (Argo CD PreSync hook) with the app's image, env, ServiceAccount and security contexts"
      + '; it needs the ConfigMap, Secret and ServiceAccount of an earlier sync, so turn it on after the first one'
      + (v.restricted ? '. Its pods are not app pods (component: migration); a NetworkPolicy of their own lets them reach DNS and networkPolicy.extraEgress only' : ''),
  },
  {
    key: 'migrations.command', type: 'array', default: [], schema: { items: { type: 'string' } },
    doc: 'Command of the migration, e.g. [./migrate, up] (required when enabled)',
  },
  { key: 'migrations.backoffLimit', type: 'integer', default: 1, doc: 'Retries before the migration (and so the sync) fails' },
  { key: 'migrations.activeDeadlineSeconds', type: 'integer', default: 600, doc: 'Longest the migration may run' },

  { key: 'nodeSelector', type: 'object', default: {}, gap: true, doc: 'Node labels the pods must match' },
  { key: 'tolerations', type: 'array', default: [], doc: 'Tolerations, e.g. for spot nodes' },
  { key: 'affinity', type: 'object', default: {}, doc: 'Affinity rules (default: prefer one pod per node)' },
  { key: 'topologySpread.enabled', type: 'boolean', default: true, doc: 'Spread pods over zones' },
  { key: 'topologySpread.maxSkew', type: 'integer', default: 1, doc: 'Largest allowed difference in pod count between zones' },
  {
    key: 'topologySpread.whenUnsatisfiable', type: 'string', default: 'ScheduleAnyway', schema: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
    doc: 'Zone spread: ScheduleAnyway (prefer) or DoNotSchedule (require; production)',
  },
  { key: 'topologySpread.hostname.enabled', type: 'boolean', default: true, doc: 'Spread pods over nodes' },
  { key: 'topologySpread.hostname.maxSkew', type: 'integer', default: 1, doc: 'Largest allowed difference in pod count between nodes' },
  {
    key: 'topologySpread.hostname.whenUnsatisfiable', type: 'string', default: 'ScheduleAnyway', schema: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
    doc: 'Node spread: ScheduleAnyway, or DoNotSchedule (more replicas than nodes then stay Pending)',
  },
  {
    key: 'rollingUpdate.maxSurge', type: 'int-or-string', default: 1, gap: true, when: (v) => v.rolling,
    doc: 'Extra pods started during an update (maxUnavailable is always 0)',
  },
  {
    key: 'podDisruptionBudget.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.pdb,
    doc: 'Limit voluntary disruptions (node drains)',
  },
  {
    key: 'podDisruptionBudget.maxUnavailable', type: 'int-or-string', default: 1, when: (v) => v.pdb,
    doc: 'Pods that may be down at once (works at any replica count); "" to use minAvailable instead',
  },
  {
    key: 'podDisruptionBudget.minAvailable', type: 'int-or-string', default: '', when: (v) => v.pdb,
    doc: 'Pods that must stay up, e.g. 2 or "50%" (set maxUnavailable to "": exactly one of the two); 1 blocks every drain at 1 replica',
  },

  {
    key: 'autoscaling.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.autoscaled,
    doc: (v) => `Scale with the ${v.hpa ? 'HorizontalPodAutoscaler' : 'KEDA ScaledObject'}; false runs replicaCount pods and renders no ${v.hpa ? 'HPA' : 'ScaledObject'} (e.g. in staging)`,
  },
  { key: 'autoscaling.minReplicas', type: 'integer', default: 2, when: (v) => v.hpa, doc: 'Fewest pods' },
  { key: 'autoscaling.maxReplicas', type: 'integer', default: 5, when: (v) => v.hpa, doc: 'Most pods' },
  {
    key: 'autoscaling.targetCPUUtilizationPercentage', type: 'integer', default: 70, when: (v) => v.hpa,
    doc: 'Average CPU use (% of requests) to aim for',
  },
  {
    key: 'autoscaling.targetMemoryUtilizationPercentage', type: 'integer', default: 80, when: (v) => v.hpa,
    doc: 'Average memory use (% of requests) to aim for',
  },
  {
    key: 'autoscaling.behavior', type: 'object', when: (v) => v.hpa,
    default: {
      scaleUp: { stabilizationWindowSeconds: 0, policies: percentPolicy(100) },
      scaleDown: { stabilizationWindowSeconds: 300, policies: percentPolicy(20) },
    },
    doc: 'Scale quickly up, slowly down (no flapping)',
  },
  {
    key: 'autoscaling.extraMetrics', type: 'array', default: [], when: (v) => v.hpa,
    doc: 'HPA metrics added to cpu and memory, e.g. Pods or External: [{type: Pods, pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: "10"}}}] (needs a metrics adapter)',
  },

  {
    key: 'keda.minReplicas', type: 'integer', default: 1, gap: true, when: (v) => v.keda,
    doc: (v) => {
      const wake = v.kedaTrigger?.activation;
      return `Fewest pods; 0 scales to zero and ${wake ? `wakes the app once the trigger passes ${wake.key}` : 'keeps it there outside the busy window'}`;
    },
  },
  { key: 'keda.maxReplicas', type: 'integer', default: 5, when: (v) => v.keda, doc: 'Most pods' },
  // KEDA reads these two only while it may scale to zero (its admission webhook warns otherwise),
  // so the ScaledObject carries them only when keda.minReplicas is 0.
  {
    key: 'keda.pollingInterval', type: 'integer', default: 30, when: (v) => v.keda,
    doc: 'Seconds between trigger checks while scaled to zero (used only when keda.minReplicas is 0)',
  },
  {
    key: 'keda.cooldownPeriod', type: 'integer', default: 300, when: (v) => v.keda,
    doc: 'Seconds after the last activity before scaling to zero (used only when keda.minReplicas is 0)',
  },
  {
    key: 'keda.fallback.failureThreshold', type: 'integer', default: 3, when: (v) => v.keda,
    doc: 'Failed trigger reads before the fallback applies',
  },
  { key: 'keda.fallback.replicas', type: 'integer', default: 2, when: (v) => v.keda, doc: 'Pods to run while the trigger cannot be read' },
  {
    key: 'keda.behavior', type: 'object', when: (v) => v.keda,
    default: { scaleDown: { stabilizationWindowSeconds: 300, policies: percentPolicy(20) } },
    doc: 'HPA behavior: scale quickly up, slowly down',
  },
  {
    // aws-sqs authenticates through the pod's IAM role (serviceAccount.annotations), not a Secret.
    key: 'keda.auth.secretName', type: 'string', default: (v) => `${v.name}-keda-auth`, quoted: 'values',
    when: (v) => (v.kedaTrigger?.secretParameters.length ?? 0) > 0, doc: "Secret (created by you) holding the trigger's credentials",
  },
  ...TRIGGERS.flatMap(triggerValues),

  {
    key: 'vpa.enabled', type: 'boolean', default: false, gap: true,
    doc: (v) => `A VerticalPodAutoscaler (only where its CRD exists)${v.autoscaled ? `: recommendations only (updateMode Off) while the ${v.hpa ? 'HPA' : 'ScaledObject'} scales, vpa.updateMode with autoscaling.enabled false` : ' applying vpa.updateMode'}`,
  },
  {
    key: 'vpa.updateMode', type: 'string', default: (v) => (v.isCron ? 'Initial' : 'Recreate'),
    doc: (v) => `How the VPA applies its requests${v.autoscaled ? ' with a fixed replica count' : ''}: Recreate (evicts pods), InPlaceOrRecreate (resizes in place; VPA 1.4+ on Kubernetes 1.33+), Initial (new pods only${v.isCron ? ', right for Jobs' : ''}) or Off; Auto is deprecated`,
  },
  { key: 'vpa.controlledResources', type: 'array', default: ['cpu', 'memory'], doc: 'Resources the VPA recommends for the app container' },
  { key: 'vpa.minAllowed', type: 'object', default: {}, doc: 'Lowest requests the VPA may set, e.g. {cpu: 50m, memory: 64Mi}' },
  { key: 'vpa.maxAllowed', type: 'object', default: {}, doc: 'Highest requests the VPA may set, e.g. {cpu: "2", memory: 2Gi}' },

  { key: 'job.schedule', type: 'string', default: (v) => v.answers.schedule ?? '*/15 * * * *', gap: true, when: (v) => v.isCron, doc: 'Cron schedule' },
  { key: 'job.timeZone', type: 'string', default: (v) => v.answers.timezone ?? 'Etc/UTC', when: (v) => v.isCron, doc: 'IANA time zone of the schedule' },
  { key: 'job.concurrencyPolicy', type: 'string', default: 'Forbid', when: (v) => v.isCron, doc: 'Allow, Forbid or Replace overlapping runs' },
  {
    key: 'job.startingDeadlineSeconds', type: 'integer', default: 300, when: (v) => v.isCron,
    doc: 'Skip a run that cannot start within this many seconds',
  },
  { key: 'job.successfulJobsHistoryLimit', type: 'integer', default: 3, when: (v) => v.isCron, doc: 'Finished jobs kept' },
  { key: 'job.failedJobsHistoryLimit', type: 'integer', default: 5, when: (v) => v.isCron, doc: 'Failed jobs kept for inspection' },
  { key: 'job.suspend', type: 'boolean', default: false, when: (v) => v.isCron, doc: 'Pause the schedule' },
  { key: 'job.backoffLimit', type: 'integer', default: 2, when: (v) => v.isCron, doc: 'Retries before a run counts as failed' },
  { key: 'job.activeDeadlineSeconds', type: 'integer', default: 1800, when: (v) => v.isCron, doc: 'Longest a run may take' },
  { key: 'job.ttlSecondsAfterFinished', type: 'integer', default: 86400, when: (v) => v.isCron, doc: 'Seconds before finished jobs are deleted' },
  { key: 'job.restartPolicy', type: 'string', default: 'OnFailure', when: (v) => v.isCron, doc: 'OnFailure or Never' },
  { key: 'job.command', type: 'array', default: [], when: (v) => v.isCron, doc: "Command to run (default: the image's entrypoint)" },

  { key: 'rollout.canary.maxSurge', type: 'int-or-string', default: '25%', gap: true, when: (v) => v.canary, doc: 'Extra pods during the canary' },
  { key: 'rollout.canary.weights', type: 'array', default: [10, 30, 60], when: (v) => v.canary, doc: 'Traffic percentages the canary steps through' },
  {
    key: 'rollout.canary.pauseDuration', type: 'string', default: '2m', when: (v) => v.canary,
    doc: 'Pause after each step ("" waits for a manual promote)',
  },
  {
    key: 'rollout.blueGreen.autoPromotionEnabled', type: 'boolean', default: true, gap: true, when: (v) => v.blueGreen,
    doc: 'Switch traffic once analysis passes, without a manual promote',
  },
  {
    key: 'rollout.blueGreen.scaleDownDelaySeconds', type: 'integer', default: 30, when: (v) => v.blueGreen,
    doc: 'Seconds the old stack stays up after the switch',
  },
  { key: 'analysis.interval', type: 'string', default: '1m', gap: true, when: (v) => v.isRollout, doc: 'Time between measurements' },
  {
    key: 'analysis.prometheusAddress', type: 'string', default: prometheus, when: (v) => v.isRollout && v.monitoring,
    doc: 'Prometheus queried by the AnalysisTemplate',
  },
  { key: 'analysis.successRate', type: 'number', default: 0.99, when: (v) => v.isRollout && v.monitoring, doc: 'Lowest success ratio (0-1) that passes; below it fails, no data is Inconclusive' },
  { key: 'analysis.count', type: 'integer', default: 5, when: (v) => v.isRollout && v.monitoring, doc: 'Measurements per analysis run' },
  {
    key: 'analysis.failureLimit', type: 'integer', default: 1, when: (v) => v.isRollout && v.monitoring,
    doc: 'Failed measurements tolerated before the rollout aborts',
  },
  {
    key: 'analysis.smokeTest.image', type: 'string', when: (v) => v.isRollout,
    default: (v) => (v.isGrpc ? 'ghcr.io/grpc-ecosystem/grpc-health-probe:v0.4.37' : v.isWorker ? 'registry.k8s.io/kubectl:v1.33.0' : 'busybox:1.37.0'),
    doc: (v) => `Image of the smoke-test Job (${v.isGrpc ? 'grpc_health_probe' : v.isWorker ? 'kubectl' : 'wget'}); pin a version`,
  },
  { key: 'analysis.smokeTest.count', type: 'integer', default: 1, when: (v) => v.isRollout, doc: 'Smoke-test Jobs per analysis run, one every analysis.interval' },
  { key: 'analysis.smokeTest.timeoutSeconds', type: 'integer', default: 60, when: (v) => v.isRollout, doc: 'Longest a smoke-test Job may run before it fails' },
  {
    key: 'analysis.smokeTest.resources', type: 'object', when: (v) => v.isRollout,
    default: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    doc: 'Resources of the smoke-test Job',
  },

  {
    key: 'secrets.keys', type: 'array', default: (v) => v.secretKeys, quoted: 'values', gap: true, when: (v) => v.hasSecrets,
    heading: 'Secret values never live in this file: only where they come from.',
    doc: 'Environment variables the app reads from the Secret',
  },
  {
    key: 'secrets.storeKind', type: 'string', default: 'ClusterSecretStore', when: (v) => v.hasSecrets && v.externalSecret,
    doc: 'SecretStore or ClusterSecretStore',
  },
  {
    key: 'secrets.storeName', type: 'string', default: 'default', when: (v) => v.hasSecrets && v.externalSecret,
    doc: 'Name of the store External Secrets Operator reads from',
  },
  {
    key: 'secrets.remoteKey', type: 'string', default: (v) => v.name, quoted: 'values', when: (v) => v.hasSecrets && v.externalSecret,
    doc: 'Key of the entry in the store; each secret key is a property of it',
  },
  {
    key: 'secrets.refreshInterval', type: 'string', default: '1h', when: (v) => v.hasSecrets && v.externalSecret,
    doc: 'How often the Secret is refreshed from the store',
  },
  {
    key: 'secrets.encryptedData', type: 'object', quoted: 'keys', when: (v) => v.hasSecrets && v.sealedSecret,
    default: (v) => Object.fromEntries(v.secretKeys.map((key) => [key, 'REPLACE_WITH_KUBESEAL_OUTPUT'])),
    doc: 'kubeseal output per key (encrypted; safe to commit)',
  },
  {
    key: 'secrets.existingSecret', type: 'string', default: (v) => `${v.name}-secrets`, quoted: 'values',
    when: (v) => v.hasSecrets && v.existingSecret, doc: 'Name of the Secret you create in each namespace',
  },

  { key: 'networkPolicy.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.restricted, doc: 'Deny all traffic not listed below' },
  {
    key: 'networkPolicy.ingressNamespace', type: 'string', when: controllerPods,
    default: (v) => v.trafficRouter.controller?.namespace ?? '',
    doc: (v) => `Namespace of the ${v.trafficRouter.controllerLabel} let in to the app port`,
  },
  {
    key: 'networkPolicy.ingressPodLabels', type: 'object', when: controllerPods,
    default: (v) => v.trafficRouter.controller?.podLabels ?? {},
    doc: (v) => `Labels of the ${v.trafficRouter.controllerLabel} pods; only pods in that namespace with all of them are let in`,
  },
  {
    key: 'networkPolicy.loadBalancerCIDRs', type: 'array', default: ['10.0.0.0/16'], when: (v) => v.restricted && v.hasService && v.alb,
    doc: 'Your load balancer subnets: the ALB (target type ip) connects to the pods from these addresses',
  },
  {
    key: 'networkPolicy.allowFrom', type: 'array', default: [], when: (v) => v.restricted && v.hasService,
    doc: 'In-cluster callers let in to the app port, each {namespace, podLabels}, e.g. [{namespace: checkout, podLabels: {app.kubernetes.io/name: checkout}}]',
  },
  {
    key: 'networkPolicy.monitoringNamespace', type: 'string', default: 'monitoring', when: (v) => v.restricted && server(v),
    doc: 'Namespace of Prometheus, allowed to scrape metrics',
  },
  {
    // The Prometheus Operator labels every Prometheus pod app.kubernetes.io/name: prometheus.
    key: 'networkPolicy.monitoringPodLabels', type: 'object', default: { 'app.kubernetes.io/name': 'prometheus' }, when: (v) => v.restricted && server(v),
    doc: 'Labels of the Prometheus pods allowed to scrape metrics',
  },
  {
    // Without it the sidecar never gets its configuration and the pod never turns ready.
    key: 'networkPolicy.istiodNamespace', type: 'string', default: 'istio-system', when: (v) => v.restricted && v.istio,
    doc: 'Namespace of istiod, which the Istio sidecar reaches on 15012 for its configuration and certificates',
  },
  { key: 'networkPolicy.istiodPodLabels', type: 'object', default: { app: 'istiod' }, when: (v) => v.restricted && v.istio, doc: 'Labels of the istiod pods' },
  {
    key: 'networkPolicy.extraEgress', type: 'array', when: (v) => v.restricted,
    default: (v) => (v.brokerPort
      ? [{ to: [{ ipBlock: { cidr: v.kedaTrigger?.brokerCidr ?? '10.0.0.0/8' } }], ports: [{ port: v.brokerPort, protocol: 'TCP' }] }]
      : []),
    note: (v) => v.kedaTrigger?.publicApi?.valuesNote ?? (v.brokerPort ? `The ${v.trigger} broker; narrow the CIDR to your network.` : null),
    doc: (v) => `Egress rules besides DNS${v.brokerPort ? ` (the ${v.trigger} broker${v.kedaTrigger?.publicApi ? ' API' : ''} by default)` : ''}: databases, brokers, APIs`,
  },

  {
    key: 'metrics.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.monitoring,
    doc: (v) => {
      const monitor = v.isWorker ? 'PodMonitor' : v.isRollout ? 'ServiceMonitor (through a headless `-metrics` Service)' : 'ServiceMonitor';
      return `${v.isCron ? 'PrometheusRule' : `${monitor} and PrometheusRule`} (only where the Prometheus Operator CRDs exist)`;
    },
  },
  { key: 'metrics.path', type: 'string', default: '/metrics', when: (v) => v.monitoring && server(v), doc: 'Path of the metrics endpoint' },
  { key: 'metrics.interval', type: 'string', default: '30s', when: (v) => v.monitoring && server(v), doc: 'Scrape interval' },
  {
    // kube-prometheus-stack's Prometheus selects monitors and rules by `release: <its release name>`.
    key: 'metrics.labels', type: 'object', default: { release: 'kube-prometheus-stack' }, when: (v) => v.monitoring,
    doc: "Labels your Prometheus selects monitors and rules by: set `release` to your Prometheus release's name",
  },
  {
    key: 'metrics.alerts.errorRate', type: 'number', default: 0.05, when: (v) => v.monitoring && server(v),
    doc: 'Failure ratio (0-1) that fires the error-rate alert',
  },
  {
    // Typed integer by the schema since it was first written (its default is 1); widening it to
    // number is an output change, left to its own commit.
    key: 'metrics.alerts.latencySeconds', type: 'integer', default: 1, when: (v) => v.monitoring && server(v),
    doc: 'p99 latency that fires the latency alert',
  },
  {
    key: 'slo.enabled', type: 'boolean', default: true, gap: true, when: (v) => v.slo !== null,
    doc: 'Record the SLO and fire its burn-rate alerts (with metrics.enabled, where the Prometheus Operator CRDs exist)',
  },
  {
    key: 'slo.objective', type: 'number', default: (v) => v.slo, when: (v) => v.slo !== null,
    doc: (v) => `Objective in percent (0-100, e.g. 99.9, not 0.999): the share of ${v.isWorker ? 'jobs' : v.isGrpc ? 'calls' : 'requests'} that must succeed over 30 days; the rest is the error budget`,
  },
  {
    key: 'slo.runbookUrl', type: 'string', default: '', when: (v) => v.slo !== null,
    doc: 'Runbook the burn-rate alerts link to (their runbook_url annotation; "" for none)',
  },

  { key: 'tests.image', type: 'string', default: 'busybox:1.37.0', gap: true, when: (v) => v.hasService, doc: 'Image of the `helm test` pod' },
];

export const PER_ENV: readonly EnvOverride[] = [
  { key: 'logLevel', value: (e) => e.logLevel },
  { key: 'replicaCount', value: (e) => e.replicas },
  { key: 'autoscaling.enabled', value: () => true, comment: () => 'false: a fixed replicaCount and no autoscaler in this environment' },
  { key: 'autoscaling.minReplicas', value: (e) => e.minReplicas },
  { key: 'autoscaling.maxReplicas', value: (e) => e.maxReplicas },
  { key: 'keda.minReplicas', value: (e) => e.minReplicas },
  { key: 'keda.maxReplicas', value: (e) => e.maxReplicas },
  { key: 'keda.fallback.replicas', value: (e) => e.minReplicas },
  // The busy window must add pods above each environment's own minimum.
  { key: 'keda.cron.desiredReplicas', value: (e) => Math.min(e.maxReplicas, e.minReplicas * 2) },
  {
    key: 'resources',
    value: ({ size }) => size,
  },
  { key: 'ingress.hosts', value: (e) => [e.host ?? ''] },
  { key: 'ingress.clusterIssuer', value: (e) => (e.isProd ? 'letsencrypt-prod' : 'letsencrypt-staging') },
  { key: 'ingress.certificateArn', value: () => '', comment: (e) => `ACM certificate for ${e.host}; empty: discovered in ACM from the host.` },
  { key: 'istio.hosts', value: (e) => [e.host ?? ''] },
  { key: 'gateway.hostnames', value: (e) => [e.host ?? ''] },
  {
    key: 'topologySpread.whenUnsatisfiable', value: (e) => (e.isProd ? 'DoNotSchedule' : 'ScheduleAnyway'),
    comment: (e) => (e.isProd ? 'Losing a zone must not take every replica: require the spread.' : 'One zone is enough here: spread where possible.'),
  },
  { key: 'rollout.canary.pauseDuration', value: (e) => (e.isProd ? '10m' : '1m') },
  {
    key: 'rollout.blueGreen.autoPromotionEnabled', value: (e) => !e.isProd,
    comment: (e) => (e.isProd ? 'Production switches only after a manual `kubectl argo rollouts promote`.' : 'Switches by itself once analysis passes.'),
  },
  { key: 'rollout.blueGreen.scaleDownDelaySeconds', value: (e) => (e.isProd ? 300 : 30) },
  { key: 'secrets.remoteKey', value: (e, v) => `${v.name}/${e.name}` },
];

export const CHART_VALUES: ValuesModel = { values: VALUES, perEnv: PER_ENV };
