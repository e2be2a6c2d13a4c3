import { describe, expect, it } from 'vitest';
import { checkObjects, checkPss } from '../support/checks/index.js';
import { canarySet, deploymentSet, find, podSpec, workerAndCronSet, type Obj } from './fixtures.js';

const P = 'spec.template.spec';
const C = `${P}.containers[0]`;
const SC = `${C}.securityContext`;
const PSC = `${P}.securityContext`;

/** `check field` of every finding, sorted, for exact comparisons. */
function found(objects: Obj[], security: 'baseline' | 'restricted'): string[] {
  return checkObjects(objects, { security }).map((f) => `${f.check} ${f.kind}/${f.name} ${f.field}`).sort();
}

const rollout = (o: Obj[]) => podSpec(o);
const container = (o: Obj[]) => podSpec(o).containers[0];
const initContainer = (o: Obj[]): Obj => {
  const { ports: _p, livenessProbe: _l, readinessProbe: _r, startupProbe: _s, lifecycle: _h, ...init } = structuredClone(container(o));
  podSpec(o).initContainers = [{ ...init, name: 'migrate' }];
  return podSpec(o).initContainers[0];
};

// [title, mutation, findings at baseline, findings at restricted] on the canary Rollout.
const cases: [string, (o: Obj[]) => void, string[], string[]][] = [
  ['hostNetwork', (o) => { rollout(o).hostNetwork = true; }, [`pss-baseline ${P}.hostNetwork`], []],
  ['hostPID', (o) => { rollout(o).hostPID = true; }, [`pss-baseline ${P}.hostPID`], []],
  ['hostIPC', (o) => { rollout(o).hostIPC = true; }, [`pss-baseline ${P}.hostIPC`], []],
  ['pod HostProcess', (o) => { rollout(o).securityContext.windowsOptions = { hostProcess: true }; },
    [`pss-baseline ${PSC}.windowsOptions.hostProcess`], []],
  ['container HostProcess', (o) => { container(o).securityContext.windowsOptions = { hostProcess: true }; },
    [`pss-baseline ${SC}.windowsOptions.hostProcess`], []],
  ['privileged', (o) => { container(o).securityContext.privileged = true; }, [`pss-baseline ${SC}.privileged`], []],
  ['privileged init container', (o) => { initContainer(o).securityContext.privileged = true; },
    [`pss-baseline ${P}.initContainers[0].securityContext.privileged`], []],
  ['capability beyond baseline', (o) => { container(o).securityContext.capabilities.add = ['SYS_ADMIN']; },
    [`pss-baseline ${SC}.capabilities.add[0]`], [`pss-restricted ${SC}.capabilities.add[0]`]],
  ['baseline capability other than NET_BIND_SERVICE', (o) => { container(o).securityContext.capabilities.add = ['CHOWN']; },
    [], [`pss-restricted ${SC}.capabilities.add[0]`]],
  ['NET_BIND_SERVICE', (o) => { container(o).securityContext.capabilities.add = ['NET_BIND_SERVICE']; }, [], []],
  ['hostPath volume', (o) => { rollout(o).volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); },
    [`pss-baseline ${P}.volumes[2].hostPath`], [`pss-restricted ${P}.volumes[2]`]],
  ['hostPort', (o) => { container(o).ports[0].hostPort = 8080; }, [`pss-baseline ${C}.ports[0].hostPort`], []],
  ['hostPort 0', (o) => { container(o).ports[0].hostPort = 0; }, [], []],
  ['probe host', (o) => { container(o).livenessProbe.httpGet.host = '10.0.0.1'; }, [`pss-baseline ${C}.livenessProbe.httpGet.host`], []],
  ['lifecycle host', (o) => { container(o).lifecycle.postStart = { tcpSocket: { port: 80, host: 'x' } }; },
    [`pss-baseline ${C}.lifecycle.postStart.tcpSocket.host`], []],
  ['pod AppArmor Unconfined', (o) => { rollout(o).securityContext.appArmorProfile = { type: 'Unconfined' }; },
    [`pss-baseline ${PSC}.appArmorProfile.type`], []],
  ['container AppArmor Localhost', (o) => { container(o).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'p' }; }, [], []],
  ['AppArmor annotation', (o) => {
    find(o, 'Rollout').spec.template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/web'] = 'unconfined';
  }, ['pss-baseline spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]'], []],
  ['SELinux type', (o) => { rollout(o).securityContext.seLinuxOptions = { type: 'spc_t' }; }, [`pss-baseline ${PSC}.seLinuxOptions.type`], []],
  ['SELinux allowed type', (o) => { rollout(o).securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; }, [], []],
  ['SELinux user and role', (o) => { container(o).securityContext.seLinuxOptions = { user: 'root', role: 'sysadm_r' }; },
    [`pss-baseline ${SC}.seLinuxOptions.role`, `pss-baseline ${SC}.seLinuxOptions.user`], []],
  ['procMount', (o) => { container(o).securityContext.procMount = 'Unmasked'; }, [`pss-baseline ${SC}.procMount`], []],
  ['pod seccomp Unconfined', (o) => { rollout(o).securityContext.seccompProfile.type = 'Unconfined'; },
    [`pss-baseline ${PSC}.seccompProfile.type`], [`pss-restricted ${SC}.seccompProfile.type`]],
  ['container seccomp Unconfined', (o) => { container(o).securityContext.seccompProfile = { type: 'Unconfined' }; },
    [`pss-baseline ${SC}.seccompProfile.type`], []],
  ['unsafe sysctl', (o) => { rollout(o).securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }, { name: 'kernel.msgmax', value: '1' }]; },
    [`pss-baseline ${PSC}.sysctls[1].name`], []],
  // Restricted only.
  ['drop ALL missing', (o) => { container(o).securityContext.capabilities = { drop: ['NET_RAW'] }; }, [], [`pss-restricted ${SC}.capabilities.drop`]],
  ['no capabilities at all', (o) => { delete container(o).securityContext.capabilities; }, [], [`pss-restricted ${SC}.capabilities.drop`]],
  ['allowPrivilegeEscalation unset', (o) => { delete container(o).securityContext.allowPrivilegeEscalation; },
    [], [`pss-restricted ${SC}.allowPrivilegeEscalation`]],
  ['runAsNonRoot only on the pod', (o) => { delete container(o).securityContext.runAsNonRoot; }, [], []],
  ['runAsNonRoot only on the container', (o) => { delete rollout(o).securityContext.runAsNonRoot; }, [], []],
  ['runAsNonRoot nowhere', (o) => { delete rollout(o).securityContext.runAsNonRoot; delete container(o).securityContext.runAsNonRoot; },
    [], [`pss-restricted ${SC}.runAsNonRoot`]],
  ['runAsNonRoot false on the container', (o) => { container(o).securityContext.runAsNonRoot = false; }, [], [`pss-restricted ${SC}.runAsNonRoot`]],
  ['runAsNonRoot false on the pod', (o) => { rollout(o).securityContext.runAsNonRoot = false; }, [], [`pss-restricted ${PSC}.runAsNonRoot`]],
  ['runAsUser 0 on the pod', (o) => { rollout(o).securityContext.runAsUser = 0; }, [], [`pss-restricted ${PSC}.runAsUser`]],
  ['runAsUser 0 on the container', (o) => { container(o).securityContext.runAsUser = 0; }, [], [`pss-restricted ${SC}.runAsUser`]],
  ['seccomp unset', (o) => { delete rollout(o).securityContext.seccompProfile; }, [], [`pss-restricted ${SC}.seccompProfile.type`]],
  ['seccomp only on containers', (o) => {
    delete rollout(o).securityContext.seccompProfile;
    container(o).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' };
  }, [], []],
  ['volume type outside the allowlist', (o) => { rollout(o).volumes.push({ name: 'nfs', nfs: { server: 'nfs', path: '/' } }); },
    [], [`pss-restricted ${P}.volumes[2]`]],
  ['readOnlyRootFilesystem (project rule)', (o) => { container(o).securityContext.readOnlyRootFilesystem = false; },
    [], [`pss-restricted ${SC}.readOnlyRootFilesystem`]],
  ['ephemeral container', (o) => {
    rollout(o).ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { ...container(o).securityContext, allowPrivilegeEscalation: true } }];
  }, [], [`pss-restricted ${P}.ephemeralContainers[0].securityContext.allowPrivilegeEscalation`]],
  ['Linux-only rules skipped for Windows pods', (o) => {
    rollout(o).os = { name: 'windows' };
    delete rollout(o).securityContext.seccompProfile;
    delete container(o).securityContext.capabilities;
    delete container(o).securityContext.allowPrivilegeEscalation;
  }, [], []],
];

describe('Pod Security Standards', () => {
  it.each([['canary', canarySet], ['deployment', deploymentSet], ['worker and cron', workerAndCronSet]])(
    'the good %s set passes restricted and baseline', (_, build) => {
      expect(found(build(), 'restricted')).toEqual([]);
      expect(found(build(), 'baseline')).toEqual([]);
    });

  it.each(cases)('%s', (_, mutate, atBaseline, restrictedOnly) => {
    const objs = canarySet();
    mutate(objs);
    const withName = (list: string[]) => list.map((f) => f.replace(' ', ' Rollout/web '));
    expect(found(objs, 'baseline')).toEqual(withName(atBaseline).sort());
    expect(found(objs, 'restricted')).toEqual(withName([...atBaseline, ...restrictedOnly]).sort());
  });

  it('baseline allows a pod with no security settings at all', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    expect(checkPss([pod], 'baseline')).toEqual([]);
    expect(checkPss([pod], 'restricted').map((f) => f.field).sort()).toEqual([
      'spec.containers[0].securityContext.allowPrivilegeEscalation',
      'spec.containers[0].securityContext.capabilities.drop',
      'spec.containers[0].securityContext.readOnlyRootFilesystem',
      'spec.containers[0].securityContext.runAsNonRoot',
      'spec.containers[0].securityContext.seccompProfile.type',
    ]);
  });

  it('checks every pod template: CronJob, Deployment, helm test Pod', () => {
    const objs = workerAndCronSet();
    find(objs, 'CronJob', 'report').spec.jobTemplate.spec.template.spec.hostNetwork = true;
    podSpec(objs, 'Deployment').hostPID = true;
    find(objs, 'Pod', 'web-test-connection').spec.containers[0].securityContext.runAsNonRoot = false;
    const findings = checkPss(objs, 'restricted').map((f) => `${f.check} ${f.kind}/${f.name} ${f.field}`);
    expect(findings).toEqual(expect.arrayContaining([
      'pss-baseline CronJob/report spec.jobTemplate.spec.template.spec.hostNetwork',
      'pss-baseline Deployment/web spec.template.spec.hostPID',
      'pss-restricted Pod/web-test-connection spec.containers[0].securityContext.runAsNonRoot',
    ]));
  });
});
