// The project README's runbook, as data the template lays out: which steps are left (numbered
// without gaps), which answers are still placeholders, and the real names of the Secrets to
// create, per environment namespace, with the exact commands.
import { defaults, envOverrides } from './values/files.js';
import { CHART_VALUES, type ValuesModel } from './values/model.js';
import { at, prerequisites, type Values } from './prerequisites.js';
import type { View } from './view.js';
import type { Plan } from './types.js';

/** The defaults src/options.ts fills in when an answer is not given. */
export const isPlaceholderImage = (repository: string) => repository.startsWith('registry.example.com/');
export const isPlaceholderRepo = (url: string) => url.startsWith('https://git.example.com/');
export const isPlaceholderHost = (host: string | null) => host !== null && /(^|\.)example\.com$/.test(host);

const STEPS = ['image', 'repo', 'host', 'push', 'prerequisites', 'secrets', 'lint', 'apply', 'check'] as const;
type Step = (typeof STEPS)[number];


export function runbook(plan: Plan, view: View, model: ValuesModel = CHART_VALUES) {
  // From the values model the files were written from, not by reading them back.
  const values = defaults(model, view) as Values;
  const envValues = (env: string) => envOverrides(model, view, view.envs.find((e) => e.name === env)!) as Values;
  const keys = view.secretKeys;
  // The chart's Secret: the one named by secrets.existingSecret, or the release's full name, which
  // is the app's name (the ApplicationSet's release name equals the chart name).
  const secretName = view.existingSecret ? String(at(values, 'secrets.existingSecret')) : view.name;
  const createNamespace = (ns: string) => `kubectl create namespace ${ns} --dry-run=client -o yaml | kubectl apply -f -`;
  const literals = (names: readonly string[]) => names.map((k) => `--from-literal=${k}=…`).join(' ');
  const secretEnvs = view.hasSecrets ? view.envs.map((e) => ({
    env: e.name,
    namespace: e.namespace,
    file: `chart/values-${e.name}.yaml`,
    remoteKey: view.externalSecret ? String(at(envValues(e.name), 'secrets.remoteKey') ?? at(values, 'secrets.remoteKey')) : null,
    createNamespace: createNamespace(e.namespace),
    create: `kubectl create secret generic ${secretName} -n ${e.namespace} ${literals(keys)}`,
    seal: keys.map((k) => `echo -n '<${k}>' | kubeseal --raw --namespace ${e.namespace} --name ${secretName} --from-file=/dev/stdin`),
  })) : [];
  const auth = view.kedaTrigger?.secretParameters.length ? {
    secretName: String(at(values, 'keda.auth.secretName')),
    parameters: view.kedaTrigger.secretParameters,
    commands: view.envs.flatMap((e) => [
      ...(view.existingSecret ? [] : [createNamespace(e.namespace)]),
      `kubectl create secret generic ${at(values, 'keda.auth.secretName')} -n ${e.namespace} ${literals(view.kedaTrigger!.secretParameters)}`,
    ]),
  } : null;
  const podIdentity = view.kedaTrigger?.podIdentitySetup ?? null;
  const placeholder = {
    image: isPlaceholderImage(view.image.repository),
    repo: isPlaceholderRepo(view.repoUrl),
    host: isPlaceholderHost(view.host),
  };
  const servicePort = view.hasService ? Number(at(values, 'service.port')) : null;
  const wanted: Record<Step, boolean> = {
    image: placeholder.image,
    repo: placeholder.repo,
    host: view.hasService,
    push: true,
    prerequisites: true,
    secrets: view.hasSecrets || auth !== null || podIdentity !== null,
    lint: true,
    apply: true,
    check: true,
  };
  let n = 0;
  const steps = Object.fromEntries(STEPS.map((s) => [s, wanted[s] ? ++n : null])) as Record<Step, number | null>;
  return {
    prerequisites: prerequisites(plan, view, model),
    placeholder,
    steps,
    secretName,
    secretEnvs,
    store: view.externalSecret ? { kind: String(at(values, 'secrets.storeKind')), name: String(at(values, 'secrets.storeName')) } : null,
    secretLiterals: literals(keys),
    auth,
    podIdentity,
    prodNamespace: view.envs.find((e) => e.isProd)!.namespace,
    servicePort,
    // A local port above 1023, so port-forward needs no root.
    localPort: servicePort === null ? null : servicePort >= 1024 ? servicePort : 8080,
  };
}

export type Runbook = ReturnType<typeof runbook>;
