import { describe, expect, it } from 'vitest';
import { checkCrossRefs, checkObjects, type CheckOptions } from '../support/checks/index.js';
import { canarySet, deploymentSet, find, podSpec, workerAndCronSet, type Obj } from './fixtures.js';

function crossref(objects: Obj[], options: Partial<CheckOptions> = {}): string[] {
  return checkCrossRefs(objects, { security: 'restricted', ...options }).map((f) => `${f.kind}/${f.name} ${f.field}`).sort();
}

const C = 'spec.template.spec.containers[0]';
const svc = (o: Obj[], name = 'web') => find(o, 'Service', name);
const canary = (o: Obj[]) => find(o, 'Rollout').spec.strategy.canary;
const virtualService = (host = 'web-stable'): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web' },
  spec: {
    hosts: ['web.example.com'],
    http: [{
      name: 'primary',
      route: [
        { destination: { host, port: { number: 80 } }, weight: 100 },
        { destination: { host: 'web-canary.demo.svc.cluster.local' }, weight: 0 },
        { destination: { host: 'api.example.com' }, weight: 0 },
      ],
    }],
  },
});
const route = (kind: 'HTTPRoute' | 'GRPCRoute', backend = 'web-stable', port = 80): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind,
  metadata: { name: 'web' },
  spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [{ name: backend, port }, { name: 'web-canary', port: 80 }] }] },
});

describe('cross-references', () => {
  it.each([['canary', canarySet], ['deployment', deploymentSet], ['worker and cron', workerAndCronSet]])(
    'the good %s set has none of any kind', (_, build) => {
      expect(checkObjects(build(), { security: 'restricted' })).toEqual([]);
    });

  // [title, set, mutation, expected `Kind/name field` list]
  const cases: [string, () => Obj[], (o: Obj[]) => void, string[]][] = [
    // (a) Service → pods
    ['Service targetPort name mismatch', canarySet, (o) => { svc(o).spec.ports[0].targetPort = 'htp'; }, ['Service/web spec.ports[0].targetPort']],
    ['Service numeric targetPort matching a containerPort', canarySet, (o) => { svc(o).spec.ports[0].targetPort = 8080; }, []],
    ['Service numeric targetPort mismatch', canarySet, (o) => { svc(o).spec.ports[0].targetPort = 8081; }, ['Service/web spec.ports[0].targetPort']],
    ['Service port used as targetPort', canarySet, (o) => { delete svc(o).spec.ports[0].targetPort; }, ['Service/web spec.ports[0].port']],
    ['Service selector matching no pods', canarySet, (o) => { svc(o).spec.selector['app.kubernetes.io/name'] = 'api'; }, ['Service/web spec.selector']],
    // (b) autoscalers
    ['HPA on a Deployment that sets replicas', deploymentSet, (o) => { find(o, 'Deployment').spec.replicas = 3; }, ['Deployment/web spec.replicas']],
    ['HPA on a Rollout with apiVersion apps/v1', canarySet, (o) => {
      find(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef.apiVersion = 'apps/v1';
    }, ['HorizontalPodAutoscaler/web spec.scaleTargetRef']],
    ['HPA on a Deployment kind for a Rollout', canarySet, (o) => {
      Object.assign(find(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment' });
    }, ['HorizontalPodAutoscaler/web spec.scaleTargetRef']],
    ['HPA on a missing workload', deploymentSet, (o) => { find(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'api'; },
      ['HorizontalPodAutoscaler/web spec.scaleTargetRef']],
    ['HPA and ScaledObject on one target', deploymentSet, (o) => {
      o.push({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web-keda' }, spec: { scaleTargetRef: { name: 'web' }, triggers: [] } });
    }, ['ScaledObject/web-keda spec.scaleTargetRef']],
    ['ScaledObject on a Rollout without apiVersion/kind', canarySet, (o) => {
      const i = o.findIndex((x) => x.kind === 'HorizontalPodAutoscaler');
      o[i] = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web' }, spec: { scaleTargetRef: { name: 'web' }, triggers: [] } };
    }, ['ScaledObject/web spec.scaleTargetRef']],
    ['ScaledObject on a Rollout done right', canarySet, (o) => {
      const i = o.findIndex((x) => x.kind === 'HorizontalPodAutoscaler');
      o[i] = {
        apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web' },
        spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' }, triggers: [] },
      };
    }, []],
    ['ScaledObject on a worker that sets replicas', workerAndCronSet, (o) => { find(o, 'Deployment').spec.replicas = 1; }, ['Deployment/web spec.replicas']],
    // (c) PDB
    ['PDB selecting no pods', canarySet, (o) => { find(o, 'PodDisruptionBudget').spec.selector.matchLabels['app.kubernetes.io/name'] = 'api'; },
      ['PodDisruptionBudget/web spec.selector']],
    ['PDB with matchExpressions', canarySet, (o) => {
      find(o, 'PodDisruptionBudget').spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'x'] }] };
    }, []],
    // (d) Ingress
    ['Ingress to a missing Service', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.name = 'web-main';
    }, ['Ingress/web spec.rules[0].http.paths[0].backend.service.name']],
    ['Ingress to a port name the Service lacks', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { name: 'web' };
    }, ['Ingress/web spec.rules[0].http.paths[0].backend.service.port.name']],
    ['Ingress to a port number the Service lacks', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { number: 8080 };
    }, ['Ingress/web spec.rules[0].http.paths[0].backend.service.port.number']],
    ['Ingress to the Service port number', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { number: 80 };
    }, []],
    ['ALB use-annotation backend', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { name: 'use-annotation' };
    }, []],
    ['ALB use-annotation backend to a missing Service', canarySet, (o) => {
      find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service = { name: 'nope', port: { name: 'use-annotation' } };
    }, ['Ingress/web spec.rules[0].http.paths[0].backend.service.name']],
    ['Ingress defaultBackend', canarySet, (o) => { find(o, 'Ingress').spec.defaultBackend = { service: { name: 'nope', port: { number: 80 } } }; },
      ['Ingress/web spec.defaultBackend.service.name']],
    // (e) Rollout references
    ['missing canaryService', canarySet, (o) => { canary(o).canaryService = 'web-preview'; }, ['Rollout/web spec.strategy.canary.canaryService']],
    ['missing stableService', canarySet, (o) => { canary(o).stableService = 'web-main'; }, ['Rollout/web spec.strategy.canary.stableService']],
    ['trafficRouting without stableService', canarySet, (o) => { delete canary(o).stableService; }, ['Rollout/web spec.strategy.canary']],
    ['missing stableIngress', canarySet, (o) => { canary(o).trafficRouting.nginx.stableIngress = 'web-main'; },
      ['Rollout/web spec.strategy.canary.trafficRouting.nginx.stableIngress']],
    ['missing ALB ingress', canarySet, (o) => { canary(o).trafficRouting = { alb: { ingress: 'web-alb', servicePort: 80 } }; },
      ['Rollout/web spec.strategy.canary.trafficRouting.alb.ingress']],
    ['missing AnalysisTemplate', canarySet, (o) => {
      find(o, 'AnalysisTemplate', 'web-success-rate').metadata.name = 'web-error-rate';
    }, ['Rollout/web spec.strategy.canary.analysis.templates[0].templateName', 'Rollout/web spec.strategy.canary.steps[3].analysis.templates[0].templateName']],
    ['blue-green with a missing previewService', canarySet, (o) => {
      find(o, 'Rollout').spec.strategy = {
        blueGreen: {
          activeService: 'web-stable', previewService: 'web-preview', autoPromotionEnabled: false,
          prePromotionAnalysis: { templates: [{ templateName: 'web-success-rate' }] },
          postPromotionAnalysis: { templates: [{ templateName: 'web-latency' }] },
        },
      };
    }, ['Rollout/web spec.strategy.blueGreen.postPromotionAnalysis.templates[0].templateName', 'Rollout/web spec.strategy.blueGreen.previewService']],
    ['istio VirtualService present', canarySet, (o) => {
      canary(o).trafficRouting = { istio: { virtualService: { name: 'web', routes: ['primary'] } } };
      o.push(virtualService());
    }, []],
    ['istio VirtualService missing', canarySet, (o) => {
      canary(o).trafficRouting = { istio: { virtualService: { name: 'web', routes: ['primary'] } } };
    }, ['Rollout/web spec.strategy.canary.trafficRouting.istio.virtualService.name']],
    ['Gateway API plugin routes present', canarySet, (o) => {
      canary(o).trafficRouting = { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'web', grpcRoute: 'web' } } };
      o.push(route('HTTPRoute'), route('GRPCRoute'));
    }, []],
    ['Gateway API plugin route missing', canarySet, (o) => {
      canary(o).trafficRouting = { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'web' } } };
      o.push(route('GRPCRoute'));
    }, ['Rollout/web spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoute']],
    // (f) monitoring
    ['ServiceMonitor selecting no Service', canarySet, (o) => { find(o, 'ServiceMonitor').spec.selector.matchLabels['app.kubernetes.io/name'] = 'api'; },
      ['ServiceMonitor/web spec.selector']],
    ['ServiceMonitor port name the Services lack', canarySet, (o) => { find(o, 'ServiceMonitor').spec.endpoints[0].port = 'metric'; },
      ['ServiceMonitor/web spec.endpoints[0].port']],
    ['ServiceMonitor endpoint without a port', canarySet, (o) => { delete find(o, 'ServiceMonitor').spec.endpoints[0].port; },
      ['ServiceMonitor/web spec.endpoints[0].port']],
    ['PodMonitor port name the containers lack', workerAndCronSet, (o) => { find(o, 'PodMonitor').spec.podMetricsEndpoints[0].port = 'http'; },
      ['PodMonitor/web spec.podMetricsEndpoints[0].port']],
    ['PodMonitor selecting no pods', workerAndCronSet, (o) => { find(o, 'PodMonitor').spec.selector = { matchLabels: { app: 'x' } }; },
      ['PodMonitor/web spec.selector']],
    // (g) ConfigMaps and Secrets
    ['envFrom a missing ConfigMap', canarySet, (o) => { podSpec(o).containers[0].envFrom[0].configMapRef.name = 'web-env'; },
      [`Rollout/web ${C}.envFrom[0].configMapRef.name`]],
    ['optional envFrom', canarySet, (o) => { podSpec(o).containers[0].envFrom.push({ secretRef: { name: 'extra', optional: true } }); }, []],
    ['secretKeyRef to a missing Secret', canarySet, (o) => { podSpec(o).containers[0].env[0].valueFrom.secretKeyRef.name = 'db'; },
      [`Rollout/web ${C}.env[0].valueFrom.secretKeyRef.name`]],
    ['secretKeyRef to a key the ExternalSecret does not create', canarySet, (o) => {
      podSpec(o).containers[0].env[0].valueFrom.secretKeyRef.key = 'DB_USER';
    }, [`Rollout/web ${C}.env[0].valueFrom.secretKeyRef.key`]],
    ['Secret from ExternalSecret metadata.name', canarySet, (o) => {
      delete find(o, 'ExternalSecret').spec.target.name;
      podSpec(o).containers[0].env[0].valueFrom.secretKeyRef.name = 'web';
    }, []],
    ['Secret from a SealedSecret', canarySet, (o) => {
      o.splice(o.indexOf(find(o, 'ExternalSecret')), 1, {
        apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'sealed' },
        spec: { encryptedData: { DB_PASSWORD: 'AgB=' }, template: { metadata: { name: 'web-secrets' } } },
      });
    }, []],
    ['configMap volume to a missing ConfigMap', canarySet, (o) => { podSpec(o).volumes[1].configMap.name = 'web-files'; },
      ['Rollout/web spec.template.spec.volumes[1].configMap.name']],
    ['configMap volume item key the ConfigMap lacks', canarySet, (o) => { podSpec(o).volumes[1].configMap.items[0].key = 'LEVEL'; },
      ['Rollout/web spec.template.spec.volumes[1].configMap.items[0].key']],
    ['secret volume to a missing Secret', canarySet, (o) => { podSpec(o).volumes.push({ name: 's', secret: { secretName: 'tls' } }); },
      ['Rollout/web spec.template.spec.volumes[2].secret.secretName']],
    ['projected secret to a missing Secret', canarySet, (o) => {
      podSpec(o).volumes.push({ name: 'p', projected: { sources: [{ secret: { name: 'tls' } }, { configMap: { name: 'web-config' } }] } });
    }, ['Rollout/web spec.template.spec.volumes[2].projected.sources[0].secret.name']],
    ['CronJob envFrom a missing ConfigMap', workerAndCronSet, (o) => {
      find(o, 'CronJob', 'report').spec.jobTemplate.spec.template.spec.containers[0].envFrom[0].configMapRef.name = 'report-config';
    }, ['CronJob/report spec.jobTemplate.spec.template.spec.containers[0].envFrom[0].configMapRef.name']],
    ['KEDA authenticationRef to a missing TriggerAuthentication', workerAndCronSet, (o) => {
      find(o, 'ScaledObject').spec.triggers[0].authenticationRef.name = 'kafka';
    }, ['ScaledObject/web spec.triggers[0].authenticationRef.name']],
    ['TriggerAuthentication to a missing Secret', workerAndCronSet, (o) => {
      find(o, 'TriggerAuthentication', 'web-kafka').spec.secretTargetRef[0].name = 'kafka';
    }, ['TriggerAuthentication/web-kafka spec.secretTargetRef[0].name']],
    // (h) NetworkPolicy DNS
    ['egress without DNS', canarySet, (o) => { find(o, 'NetworkPolicy').spec.egress = [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432 }] }]; },
      ['NetworkPolicy/web spec.egress']],
    ['egress DNS over TCP only', canarySet, (o) => { find(o, 'NetworkPolicy').spec.egress[0].ports = [{ port: 53, protocol: 'TCP' }]; },
      ['NetworkPolicy/web spec.egress']],
    ['Egress policy with no rules', canarySet, (o) => { delete find(o, 'NetworkPolicy').spec.egress; }, ['NetworkPolicy/web spec.egress']],
    ['DNS to pods of the own namespace only', canarySet, (o) => {
      find(o, 'NetworkPolicy').spec.egress[0].to = [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }];
    }, ['NetworkPolicy/web spec.egress']],
    ['DNS to any destination', canarySet, (o) => { delete find(o, 'NetworkPolicy').spec.egress[0].to; }, []],
    ['DNS to any namespace', canarySet, (o) => { find(o, 'NetworkPolicy').spec.egress[0].to = [{ namespaceSelector: {} }]; }, []],
    ['ingress-only policy', canarySet, (o) => {
      const np = find(o, 'NetworkPolicy');
      np.spec.policyTypes = ['Ingress'];
      delete np.spec.egress;
    }, []],
    // (i) routes
    ['HTTPRoute to a missing Service', canarySet, (o) => { o.push(route('HTTPRoute', 'web-main')); }, ['HTTPRoute/web spec.rules[0].backendRefs[0].name']],
    ['GRPCRoute to a port the Service lacks', canarySet, (o) => { o.push(route('GRPCRoute', 'web-stable', 8080)); }, ['GRPCRoute/web spec.rules[0].backendRefs[0].port']],
    ['VirtualService to a missing Service', canarySet, (o) => { o.push(virtualService('web-main')); }, ['VirtualService/web spec.http[0].route[0].destination.host']],
  ];

  it.each(cases)('%s', (_, build, mutate, expected) => {
    const objs = build();
    mutate(objs);
    expect(crossref(objs)).toEqual([...expected].sort());
  });

  it('accepts Secrets the user declares as external', () => {
    const objs = canarySet();
    podSpec(objs).containers[0].envFrom.push({ secretRef: { name: 'legacy-credentials' } });
    expect(crossref(objs)).toEqual([`Rollout/web ${C}.envFrom[1].secretRef.name`]);
    expect(crossref(objs, { externalSecrets: ['legacy-credentials'] })).toEqual([]);
  });

  it('ignores helm test pods when matching Service selectors', () => {
    const objs = canarySet().filter((o) => o.kind !== 'Rollout');
    // The test Pod carries the selector labels, but it is not what a Service or PDB is for.
    expect(crossref(objs)).toEqual(expect.arrayContaining(['Service/web spec.selector', 'PodDisruptionBudget/web spec.selector']));
  });
});
