import { describe, expect, it } from 'vitest';
import { checkBasics, checkObjects, formatFindings, imageProblem } from '../support/checks/index.js';
import { canarySet, deploymentSet, find, podSpec, workerAndCronSet, type Obj } from './fixtures.js';

function basics(objects: Obj[]): string[] {
  return checkBasics(objects).map((f) => `${f.kind}/${f.name} ${f.field}`).sort();
}

const C = 'spec.template.spec.containers[0]';
const without = (objs: Obj[], kind: string) => objs.filter((o) => o.kind !== kind);

describe('production basics', () => {
  it.each([['canary', canarySet], ['deployment', deploymentSet], ['worker and cron', workerAndCronSet]])(
    'the good %s set passes', (_, build) => {
      expect(basics(build())).toEqual([]);
    });

  const cases: [string, () => Obj[], (o: Obj[]) => Obj[] | void, string[]][] = [
    ['cpu request missing', canarySet, (o) => { delete podSpec(o).containers[0].resources.requests.cpu; },
      [`Rollout/web ${C}.resources.requests.cpu`]],
    ['memory limit missing', canarySet, (o) => { delete podSpec(o).containers[0].resources.limits; },
      [`Rollout/web ${C}.resources.limits.memory`]],
    ['no resources', deploymentSet, (o) => { delete podSpec(o, 'Deployment').containers[0].resources; }, [
      `Deployment/web ${C}.resources.limits.memory`, `Deployment/web ${C}.resources.requests.cpu`, `Deployment/web ${C}.resources.requests.memory`,
    ]],
    ['init container without memory request', canarySet, (o) => {
      podSpec(o).initContainers = [{ name: 'migrate', image: 'migrate:1.0.0', resources: { requests: { cpu: '10m' }, limits: { memory: '64Mi' } } }];
    }, ['Rollout/web spec.template.spec.initContainers[0].resources.requests.memory']],
    ['helm test pod without resources', canarySet, (o) => { delete find(o, 'Pod', 'web-test-connection').spec.containers[0].resources; }, [
      'Pod/web-test-connection spec.containers[0].resources.limits.memory',
      'Pod/web-test-connection spec.containers[0].resources.requests.cpu',
      'Pod/web-test-connection spec.containers[0].resources.requests.memory',
    ]],
    ['CronJob container without cpu request', workerAndCronSet, (o) => {
      delete find(o, 'CronJob', 'report').spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu;
    }, ['CronJob/report spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu']],
    ['server without readinessProbe', canarySet, (o) => { delete podSpec(o).containers[0].readinessProbe; }, [`Rollout/web ${C}.readinessProbe`]],
    ['server without startupProbe', deploymentSet, (o) => { delete podSpec(o, 'Deployment').containers[0].startupProbe; }, [`Deployment/web ${C}.startupProbe`]],
    ['worker with a metrics port and no probes', workerAndCronSet, (o) => {
      for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) delete podSpec(o, 'Deployment').containers[0][p];
    }, [`Deployment/web ${C}.livenessProbe`, `Deployment/web ${C}.readinessProbe`, `Deployment/web ${C}.startupProbe`]],
    ['CronJob container with a port needs no probes', workerAndCronSet, (o) => {
      find(o, 'CronJob', 'report').spec.jobTemplate.spec.template.spec.containers[0].ports = [{ containerPort: 9090 }];
    }, []],
    ['image :latest', canarySet, (o) => { podSpec(o).containers[0].image = 'registry.example.com/web:latest'; }, [`Rollout/web ${C}.image`]],
    ['image without tag', canarySet, (o) => { podSpec(o).containers[0].image = 'registry.example.com:5000/web'; }, [`Rollout/web ${C}.image`]],
    ['gRPC probe with a named port', deploymentSet, (o) => {
      podSpec(o, 'Deployment').containers[0].livenessProbe = { grpc: { port: 'grpc' } };
    }, [`Deployment/web ${C}.livenessProbe.grpc.port`]],
    ['gRPC probe with an integer port', deploymentSet, (o) => {
      podSpec(o, 'Deployment').containers[0].livenessProbe = { grpc: { port: 50051, service: 'health' } };
    }, []],
    ['autoscaled Rollout without PDB', canarySet, (o) => without(o, 'PodDisruptionBudget'), ['Rollout/web spec.template.metadata.labels']],
    ['KEDA-scaled Deployment without PDB', workerAndCronSet, (o) => without(o, 'PodDisruptionBudget'), ['Deployment/web spec.template.metadata.labels']],
    ['3 replicas without PDB', deploymentSet, (o) => {
      find(o, 'Deployment').spec.replicas = 3;
      return without(without(o, 'PodDisruptionBudget'), 'HorizontalPodAutoscaler');
    }, ['Deployment/web spec.template.metadata.labels']],
    ['1 replica without PDB', deploymentSet, (o) => {
      find(o, 'Deployment').spec.replicas = 1;
      return without(without(o, 'PodDisruptionBudget'), 'HorizontalPodAutoscaler');
    }, []],
  ];

  it.each(cases)('%s', (_, build, mutate, expected) => {
    const objs = build();
    expect(basics(mutate(objs) ?? objs)).toEqual([...expected].sort());
  });

  it.each([
    ['web:1.2.3', undefined],
    ['registry.example.com:5000/team/web:1.2.3', undefined],
    [`web@sha256:${'0'.repeat(64)}`, undefined],
    [`registry.example.com/web:1.2@sha256:${'f'.repeat(64)}`, undefined],
    ['web', 'no tag'],
    ['web:', 'no tag'],
    ['registry.example.com:5000/web', 'no tag'],
    ['web:latest', ':latest'],
    ['', 'missing'],
    [undefined, 'missing'],
  ])('imageProblem(%j)', (image, problem) => {
    const result = imageProblem(image);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });
});

describe('checkObjects and formatFindings', () => {
  it('runs every check and skips empty documents', () => {
    const objs: unknown[] = [null, ...canarySet(), undefined, 'x'];
    const rollout = (objs as Obj[]).find((o) => o?.kind === 'Rollout')!;
    rollout.spec.template.spec.hostNetwork = true;
    rollout.spec.template.spec.containers[0].image = 'web:latest';
    find(objs.filter(Boolean) as Obj[], 'Service').spec.ports[0].targetPort = 'nope';
    const checks = checkObjects(objs, { security: 'baseline' }).map((f) => f.check).sort();
    expect(checks).toEqual(['basics', 'crossref', 'pss-baseline']);
  });

  it('formats one line per finding', () => {
    expect(formatFindings([
      { check: 'crossref', kind: 'Service', name: 'web', field: 'spec.ports[0].targetPort', message: 'http is not a container port of Rollout/web' },
      { check: 'basics', kind: 'Rollout', name: 'web', field: 'x', message: 'y' },
    ])).toBe('[crossref] Service/web spec.ports[0].targetPort: http is not a container port of Rollout/web\n[basics] Rollout/web x: y');
    expect(formatFindings([])).toBe('');
  });
});
