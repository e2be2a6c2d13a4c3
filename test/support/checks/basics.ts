// Production basics every generated pod must have, whatever the security level.
import {
  AUTOSCALER_KINDS, arr, containersOf, finding, isObj, join, labelSelectorSelects, nameOf, podTemplate, scaleTarget,
  type Finding, type Obj, type PodTemplate,
} from './common.js';

const SERVER_KINDS = new Set(['Deployment', 'Rollout']);
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

export function checkBasics(objects: Obj[]): Finding[] {
  const out: Finding[] = [];
  const report = (obj: Obj, field: string, message: string) => out.push(finding('basics', obj, field, message));
  const templates = objects.map(podTemplate).filter((t): t is PodTemplate => t !== undefined);

  for (const t of templates) {
    // Ephemeral containers take no resources or probes.
    for (const { c, path, list } of containersOf(t, ['containers', 'initContainers'])) {
      for (const [group, key] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']]) {
        if (c.resources?.[group]?.[key] == null) report(t.obj, join(path, 'resources', group, key), `resources.${group}.${key} is required`);
      }
      const problem = imageProblem(c.image);
      if (problem) report(t.obj, join(path, 'image'), problem);
      for (const probe of PROBES) {
        const grpc = c[probe]?.grpc;
        if (isObj(grpc) && !Number.isInteger(grpc.port)) {
          report(t.obj, join(path, probe, 'grpc', 'port'), 'a gRPC probe port must be an integer (named ports are not supported)');
        }
      }
      if (list === 'containers' && SERVER_KINDS.has(t.obj.kind) && arr(c.ports).length > 0) {
        for (const probe of PROBES) if (!isObj(c[probe])) report(t.obj, join(path, probe), `a server container needs a ${probe}`);
      }
    }
  }

  const autoscaled = new Set<string>();
  for (const a of objects.filter((o) => AUTOSCALER_KINDS.includes(o.kind))) {
    const ref = scaleTarget(a);
    if (ref) autoscaled.add(`${ref.kind}/${ref.name}`);
  }
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  for (const t of templates.filter((x) => SERVER_KINDS.has(x.obj.kind))) {
    const replicas = t.obj.spec?.replicas;
    const multi = (typeof replicas === 'number' && replicas > 1) || autoscaled.has(`${t.obj.kind}/${nameOf(t.obj)}`);
    if (multi && !pdbs.some((p) => labelSelectorSelects(p.spec?.selector, t.metadata.labels))) {
      report(t.obj, join(t.path, 'metadata', 'labels'), 'can run more than one replica but no PodDisruptionBudget selects its pods');
    }
  }
  return out;
}

/** Why an image reference is not pinned, or undefined when it is. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'image is missing';
  if (/@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(image)) return undefined;
  const tagAt = image.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  if (tagAt <= image.lastIndexOf('/') || tagAt === image.length - 1) return `image ${image} has no tag; pin a version or digest`;
  if (image.slice(tagAt + 1) === 'latest') return `image ${image} uses :latest; pin a version or digest`;
  return undefined;
}
