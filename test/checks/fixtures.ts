// Hand-written manifests shaped like `helm template` output of a generated chart. Each builder
// returns fresh objects, so a test can mutate one field and expect exactly the matching finding.
export type Obj = Record<string, any>;

const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'demo' };
const labels = {
  ...selector,
  'app.kubernetes.io/version': '0.1.0',
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/component': 'server',
  'helm.sh/chart': 'web-0.1.0',
};
const resources = () => ({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
const containerSecurity = () => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
});
const podSecurity = () => ({
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
});
const meta = (name: string, extra: Obj = {}) => ({ name, labels: { ...labels }, ...extra });

function serverPodSpec(name: string): Obj {
  return {
    serviceAccountName: name,
    automountServiceAccountToken: false,
    securityContext: podSecurity(),
    terminationGracePeriodSeconds: 30,
    topologySpreadConstraints: [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...selector } },
    }],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } },
        }],
      },
    },
    containers: [{
      name,
      image: `registry.example.com/${name}:0.1.0`,
      imagePullPolicy: 'IfNotPresent',
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
      envFrom: [{ configMapRef: { name: `${name}-config` } }],
      env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'DB_PASSWORD' } } }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
      startupProbe: { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 30, periodSeconds: 2 },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      resources: resources(),
      securityContext: containerSecurity(),
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'config', mountPath: '/etc/app', readOnly: true },
      ],
    }],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      { name: 'config', configMap: { name: `${name}-config`, items: [{ key: 'LOG_LEVEL', path: 'log-level' }] } },
    ],
  };
}

function service(name: string, app: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name),
    spec: {
      type: 'ClusterIP',
      selector: app === 'web' ? { ...selector } : { ...selector, 'app.kubernetes.io/name': app },
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

function supporting(name: string, monitor: 'service' | 'pod' = 'service'): Obj[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${name}-config`), data: { LOG_LEVEL: 'info' } },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta(name),
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        target: { name: `${name}-secrets`, creationPolicy: 'Owner' },
        data: [{ secretKey: 'DB_PASSWORD', remoteRef: { key: `${name}/db`, property: 'password' } }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name),
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...selector } } },
    },
    monitor === 'service'
      ? {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: meta(name),
        spec: {
          selector: { matchLabels: { ...selector } },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
        },
      }
      : {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: meta(name),
        spec: {
          selector: { matchLabels: { ...selector } },
          podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
        },
      },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta(name),
      spec: {
        groups: [{
          name: `${name}.rules`,
          rules: [{
            alert: 'HighErrorRate',
            expr: `sum(rate(http_requests_total{service="${name}",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="${name}"}[5m])) > 0.05`,
            for: '10m',
            labels: { severity: 'critical' },
            annotations: { summary: 'More than 5% of requests fail' },
          }],
        }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(name),
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
            ports: [{ port: 8080, protocol: 'TCP' }],
          },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ port: 9090, protocol: 'TCP' }],
          },
        ],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
          ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
        }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(`${name}-test-connection`, { annotations: { 'helm.sh/hook': 'test' } }),
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'wget',
          image: 'busybox:1.36',
          command: ['wget'],
          args: ['-qO-', `http://${name}:80/healthz`],
          resources: resources(),
          securityContext: containerSecurity(),
        }],
      },
    },
  ];
}

function ingress(name: string, backend: string): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(name, { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } }),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['web.example.com'], secretName: `${name}-tls` }],
      rules: [{
        host: 'web.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { name: 'http' } } } }] },
      }],
    },
  };
}

function hpa(name: string, apiVersion: string, kind: string): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(name),
    spec: {
      scaleTargetRef: { apiVersion, kind, name },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  };
}

/** A canary Rollout behind nginx with analysis, HPA, PDB, monitoring, NetworkPolicy and secrets. */
export function canarySet(): Obj[] {
  const analysis = { templates: [{ templateName: 'web-success-rate' }], args: [{ name: 'service-name', value: 'web-canary' }] };
  return [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: meta('web'),
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...selector } },
        template: { metadata: { labels: { ...labels }, annotations: { 'checksum/config': 'abc123' } }, spec: serverPodSpec('web') },
        strategy: {
          canary: {
            canaryService: 'web-canary',
            stableService: 'web-stable',
            maxSurge: '25%',
            maxUnavailable: 0,
            trafficRouting: { nginx: { stableIngress: 'web' } },
            analysis: { ...analysis, startingStep: 2 },
            steps: [
              { setWeight: 10 },
              { pause: { duration: '2m' } },
              { setWeight: 50 },
              { analysis: structuredClone(analysis) },
              { pause: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: meta('web-success-rate'),
      spec: {
        args: [{ name: 'service-name' }],
        metrics: [{
          name: 'success-rate',
          interval: '1m',
          count: 5,
          failureLimit: 1,
          successCondition: 'result[0] >= 0.99',
          provider: {
            prometheus: {
              address: 'http://prometheus.monitoring:9090',
              query: 'sum(rate(http_requests_total{service="{{args.service-name}}",code!~"5.."}[2m])) / sum(rate(http_requests_total{service="{{args.service-name}}"}[2m]))',
            },
          },
        }],
      },
    },
    service('web', 'web'),
    service('web-canary', 'web'),
    service('web-stable', 'web'),
    ingress('web', 'web-stable'),
    hpa('web', 'argoproj.io/v1alpha1', 'Rollout'),
    ...supporting('web'),
  ];
}

/** A rolling-update Deployment with HPA, otherwise like canarySet. */
export function deploymentSet(): Obj[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web'),
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...selector } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: { metadata: { labels: { ...labels } }, spec: serverPodSpec('web') },
      },
    },
    service('web', 'web'),
    ingress('web', 'web'),
    hpa('web', 'apps/v1', 'Deployment'),
    ...supporting('web'),
  ];
}

/** A KEDA-scaled worker with a metrics port, and a CronJob. */
export function workerAndCronSet(): Obj[] {
  const worker = serverPodSpec('web');
  worker.containers[0].ports = [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }];
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) worker.containers[0][probe].httpGet.port = 'metrics';
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web'),
      spec: {
        selector: { matchLabels: { ...selector } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: { metadata: { labels: { ...labels } }, spec: worker },
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { name: 'web' },
        minReplicaCount: 1,
        maxReplicaCount: 10,
        pollingInterval: 30,
        cooldownPeriod: 300,
        fallback: { failureThreshold: 3, replicas: 2 },
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
        triggers: [{
          type: 'kafka',
          metadata: { bootstrapServers: 'kafka:9092', consumerGroup: 'web', topic: 'jobs', lagThreshold: '50' },
          authenticationRef: { name: 'web-kafka' },
        }],
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: meta('web-kafka'),
      spec: { secretTargetRef: [{ parameter: 'password', name: 'web-secrets', key: 'DB_PASSWORD' }] },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('report'),
      spec: {
        schedule: '0 * * * *',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 600,
            template: {
              metadata: { labels: { ...labels } },
              spec: {
                restartPolicy: 'Never',
                securityContext: podSecurity(),
                containers: [{
                  name: 'report',
                  image: `registry.example.com/report@sha256:${'a1'.repeat(32)}`,
                  envFrom: [{ configMapRef: { name: 'web-config' } }],
                  resources: resources(),
                  securityContext: containerSecurity(),
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                }],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
      },
    },
    ...supporting('web', 'pod'),
  ];
}

export function find(objects: Obj[], kind: string, name = 'web'): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture has no ${kind}/${name}`);
  return o;
}

/** The pod spec of the Rollout/Deployment named web. */
export function podSpec(objects: Obj[], kind = 'Rollout'): Obj {
  return find(objects, kind).spec.template.spec;
}
