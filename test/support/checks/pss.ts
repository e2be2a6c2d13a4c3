// Pod Security Standards, as listed on https://kubernetes.io/docs/concepts/security/pod-security-standards/
// (baseline and restricted tables, including the v1.34 probe/lifecycle host rule), plus one project
// rule for restricted: a read-only root filesystem.
import {
  arr, containersOf, finding, isObj, join, path, podTemplate,
  type CheckOptions, type Finding, type Obj, type PodTemplate,
} from './common.js';

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const PROFILE_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const RESTRICTED_VOLUMES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];

export function checkPss(objects: Obj[], level: CheckOptions['security']): Finding[] {
  const out: Finding[] = [];
  for (const obj of objects) {
    const t = podTemplate(obj);
    if (t) out.push(...checkPodTemplate(t, level));
  }
  return out;
}

function checkPodTemplate(t: PodTemplate, level: CheckOptions['security']): Finding[] {
  const out: Finding[] = [];
  const baseline = (field: string, message: string) => out.push(finding('pss-baseline', t.obj, field, message));
  const restricted = (field: string, message: string) => out.push(finding('pss-restricted', t.obj, field, message));
  const { spec } = t;
  const specPath = path(t.path, 'spec');
  const psc: Obj = isObj(spec.securityContext) ? spec.securityContext : {};
  const pscPath = join(specPath, 'securityContext');

  // Baseline, pod level.
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[ns] === true) baseline(join(specPath, ns), `${ns} must be unset or false (host namespaces)`);
  }
  if (psc.windowsOptions?.hostProcess === true) {
    baseline(join(pscPath, 'windowsOptions', 'hostProcess'), 'HostProcess pods are not allowed');
  }
  arr(spec.volumes).forEach((v, i) => {
    if (isObj(v) && v.hostPath != null) baseline(join(specPath, 'volumes', i, 'hostPath'), 'hostPath volumes are forbidden');
  });
  for (const [key, value] of Object.entries(isObj(t.metadata.annotations) ? t.metadata.annotations : {})) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      baseline(join(path(t.path, 'metadata'), 'annotations', key), `AppArmor profile "${value}" is not allowed`);
    }
  }
  arr(psc.sysctls).forEach((s, i) => {
    if (!SAFE_SYSCTLS.has(s?.name)) baseline(join(pscPath, 'sysctls', i, 'name'), `sysctl "${s?.name}" is not in the safe set`);
  });
  checkSharedContext(psc, pscPath, baseline);

  // Baseline, per container.
  for (const { c, path: cPath } of containersOf(t)) {
    const sc: Obj = isObj(c.securityContext) ? c.securityContext : {};
    const scPath = join(cPath, 'securityContext');
    if (sc.windowsOptions?.hostProcess === true) {
      baseline(join(scPath, 'windowsOptions', 'hostProcess'), 'HostProcess containers are not allowed');
    }
    if (sc.privileged === true) baseline(join(scPath, 'privileged'), 'privileged containers are not allowed');
    arr(sc.capabilities?.add).forEach((cap, i) => {
      if (!BASELINE_CAPS.has(cap)) baseline(join(scPath, 'capabilities', 'add', i), `capability ${cap} is beyond the baseline set`);
    });
    arr(c.ports).forEach((p, i) => {
      if (isObj(p) && p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
        baseline(join(cPath, 'ports', i, 'hostPort'), 'hostPort is not allowed');
      }
    });
    for (const [field, handler] of handlers(c, cPath)) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = handler[kind]?.host;
        if (host !== undefined && host !== null && host !== '') {
          baseline(join(field, kind, 'host'), 'probes and lifecycle hooks must not set host');
        }
      }
    }
    if (sc.procMount !== undefined && sc.procMount !== null && sc.procMount !== 'Default') {
      baseline(join(scPath, 'procMount'), 'procMount must be Default');
    }
    checkSharedContext(sc, scPath, baseline);
  }

  if (level !== 'restricted') return out;

  // Restricted. Privilege escalation, seccomp and capabilities are Linux-only rules.
  const linux = spec.os?.name !== 'windows';
  arr(spec.volumes).forEach((v, i) => {
    if (isObj(v) && !RESTRICTED_VOLUMES.some((k) => v[k] != null)) {
      restricted(join(specPath, 'volumes', i), `volume type not allowed (only ${RESTRICTED_VOLUMES.join(', ')})`);
    }
  });
  if (psc.runAsNonRoot === false) restricted(join(pscPath, 'runAsNonRoot'), 'runAsNonRoot must be true');
  if (psc.runAsUser === 0) restricted(join(pscPath, 'runAsUser'), 'runAsUser must not be 0');
  const podSeccomp = psc.seccompProfile?.type;
  if (linux && podSeccomp !== undefined && podSeccomp !== 'Unconfined' && !PROFILE_TYPES.has(podSeccomp)) {
    restricted(join(pscPath, 'seccompProfile', 'type'), 'seccompProfile.type must be RuntimeDefault or Localhost');
  }

  for (const { c, path: cPath } of containersOf(t)) {
    const sc: Obj = isObj(c.securityContext) ? c.securityContext : {};
    const scPath = join(cPath, 'securityContext');
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true)) {
      restricted(join(scPath, 'runAsNonRoot'), 'runAsNonRoot must be true (here or in the pod securityContext)');
    }
    if (sc.runAsUser === 0) restricted(join(scPath, 'runAsUser'), 'runAsUser must not be 0');
    if (sc.readOnlyRootFilesystem !== true) {
      restricted(join(scPath, 'readOnlyRootFilesystem'), 'readOnlyRootFilesystem must be true (project rule for restricted)');
    }
    if (!linux) continue;
    if (sc.allowPrivilegeEscalation !== false) {
      restricted(join(scPath, 'allowPrivilegeEscalation'), 'allowPrivilegeEscalation must be false');
    }
    const type = sc.seccompProfile?.type;
    if (type === undefined ? !PROFILE_TYPES.has(podSeccomp) : type !== 'Unconfined' && !PROFILE_TYPES.has(type)) {
      restricted(join(scPath, 'seccompProfile', 'type'), 'seccompProfile.type must be RuntimeDefault or Localhost (here or in the pod securityContext)');
    }
    if (!arr(sc.capabilities?.drop).includes('ALL')) {
      restricted(join(scPath, 'capabilities', 'drop'), 'capabilities.drop must include ALL');
    }
    arr(sc.capabilities?.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') restricted(join(scPath, 'capabilities', 'add', i), `only NET_BIND_SERVICE may be added, not ${cap}`);
    });
  }
  return out;
}

/** Rules that apply identically to the pod and to each container security context. */
function checkSharedContext(sc: Obj, scPath: string, report: (field: string, message: string) => void) {
  const appArmor = sc.appArmorProfile?.type;
  if (appArmor !== undefined && appArmor !== null && !PROFILE_TYPES.has(appArmor)) {
    report(join(scPath, 'appArmorProfile', 'type'), `AppArmor profile ${appArmor} is not allowed`);
  }
  const se: Obj = isObj(sc.seLinuxOptions) ? sc.seLinuxOptions : {};
  if (se.type != null && !SELINUX_TYPES.has(se.type)) {
    report(join(scPath, 'seLinuxOptions', 'type'), `SELinux type ${se.type} is not allowed`);
  }
  for (const key of ['user', 'role']) {
    if (se[key] != null && se[key] !== '') report(join(scPath, 'seLinuxOptions', key), `custom SELinux ${key} is forbidden`);
  }
  if (sc.seccompProfile?.type === 'Unconfined') {
    report(join(scPath, 'seccompProfile', 'type'), 'seccomp must not be Unconfined');
  }
}

function handlers(c: Obj, cPath: string): [string, Obj][] {
  const out: [string, Obj][] = [];
  for (const p of PROBES) if (isObj(c[p])) out.push([join(cPath, p), c[p]]);
  for (const h of HOOKS) if (isObj(c.lifecycle?.[h])) out.push([join(cPath, 'lifecycle', h), c.lifecycle[h]]);
  return out;
}
