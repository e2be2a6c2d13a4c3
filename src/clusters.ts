// The cluster each environment deploys to: `--cluster <env>=<url>` (repeatable), a `clusters:`
// mapping in a preset or in .create-k8s-app.yaml, `upgrade --set clusters.<env>=<url>`.
import { printable, redactUrl } from './validate.js';

/** The cluster Argo CD runs in, as Argo CD names it. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

// https://<host>[:port][/path]: a path is allowed for API servers behind a proxy (Rancher's
// /k8s/clusters/<id>). No trailing '/': Argo CD stores a cluster's server without one
// (util/db/cluster.go), so a destination with one would match no cluster. No characters that
// Argo CD's AppProject destinations read as glob syntax (* ? [ ] { } !), which rules out IPv6
// literals: the AppProject lists the URL as a pattern.
const HOST = '[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?';
const CLUSTER_URL = new RegExp(`^https://${HOST}(?::([0-9]{1,5}))?((?:/[A-Za-z0-9._~%+-]+)*)$`);

export function checkClusterUrl(env: string, url: string): string | null {
  const shown = `cluster "${printable(redactUrl(url))}" of ${printable(env)}`;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) return `${shown} holds credentials; give the API server URL without them (Argo CD takes them from its cluster Secret)`;
  if (!/^https:\/\//i.test(url)) return `${shown} is not an https:// URL of a Kubernetes API server`;
  if (/[?#]/.test(url)) return `${shown} has a query or fragment; give the API server URL alone`;
  if (url.endsWith('/') && CLUSTER_URL.test(url.slice(0, -1))) return `${shown} ends in "/"; Argo CD stores cluster URLs without it, so drop it`;
  if (url.startsWith('https://[')) return `${shown} is an IPv6 literal, which an AppProject reads as a glob pattern; give a DNS name`;
  const m = CLUSTER_URL.exec(url);
  if (!m) return `${shown} is not https://<host>[:port][/path] (host: letters, digits, '.' and '-')`;
  if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) return `${shown} has a port outside 1-65535`;
  if (m[2].split('/').some((s) => s === '.' || s === '..')) return `${shown} has a '.' or '..' path segment`;
  return null;
}

/** Each entry's URL; the environments are checked against --envs by a combination rule. */
export function checkClusters(map: Record<string, string>): string | null {
  for (const [env, url] of Object.entries(map)) {
    if (env.length === 0) return `cluster "${printable(url)}" names no environment; write <env>=<https URL>`;
    const problem = checkClusterUrl(env, url);
    if (problem) return problem;
  }
  return null;
}

/** `<env>=<url>` as typed after --cluster or `--set clusters.`; null when there is no '='. */
export function parseClusterEntry(text: string): [string, string] | null {
  const eq = text.indexOf('=');
  if (eq < 0) return null;
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** Every environment's cluster: the given ones, the cluster Argo CD runs in for the rest, in --envs order. */
export function clustersFor(envs: readonly string[], given: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(envs.map((env) => [env, Object.hasOwn(given, env) ? given[env] : IN_CLUSTER]));
}

/** Environments of a clusters map that --envs does not list. */
export function unknownClusterEnvs(map: Readonly<Record<string, string>> | undefined, envs: readonly string[] | undefined): string[] {
  if (!map || !envs) return [];
  return Object.keys(map).filter((env) => !envs.includes(env));
}
