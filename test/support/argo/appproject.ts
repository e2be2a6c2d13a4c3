// What an Argo CD AppProject permits, by Argo CD's own rules (argo-cd
// pkg/apis/application/v1alpha1/app_project_types.go and types.go, util/git/git.go,
// gitops-engine/pkg/sync/hook):
// - source: IsSourcePermitted — each sourceRepos entry and the repoURL normalized
//   (NormalizeGitURL), matched as a gobwas glob with '/' as separator, '!' entries deny;
// - destination: isDestinationMatched — server (or name) and namespace each a gobwas glob without
//   separators, '!' entries deny;
// - resources: IsGroupKindNamePermitted — namespaced kinds by namespaceResourceWhitelist (absent:
//   all; empty: none) minus the blacklist, cluster-scoped kinds only by clusterResourceWhitelist
//   (absent or empty: none) minus its blacklist; kind, group (and name) matched with Go's
//   filepath.Match;
// - which rendered objects Argo CD applies at all: a Helm hook with no sync phase Argo CD maps
//   (test, test-success, ...) is ignored, like a hook of type Skip alone.

export interface AppProjectSpec {
  sourceRepos?: string[];
  destinations?: { server?: string; name?: string; namespace?: string }[];
  clusterResourceWhitelist?: { group: string; kind: string; name?: string }[];
  clusterResourceBlacklist?: { group: string; kind: string; name?: string }[];
  namespaceResourceWhitelist?: { group: string; kind: string }[];
  namespaceResourceBlacklist?: { group: string; kind: string }[];
}

const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * github.com/gobwas/glob as Argo CD calls it (glob.Match in util/glob): `*` any run of
 * non-separators, `**` any run, `?` one non-separator, `[abc]` / `[!abc]` / `[a-z]`, `{a,b}`,
 * `\` escapes. A pattern gobwas cannot compile matches nothing (Argo CD logs and returns false).
 */
export function gobwasMatch(pattern: string, value: string, separators: string[] = []): boolean {
  const notSep = separators.length ? `[^${separators.map(escape).join('')}]` : '[\\s\\S]';
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      re += escape(pattern[++i]);
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '[\\s\\S]*';
        i++;
      } else re += `${notSep}*`;
    } else if (c === '?') re += notSep;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      re += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      re += ')';
      depth--;
    } else if (c === ',' && depth > 0) re += '|';
    else re += escape(c);
  }
  if (depth !== 0) return false;
  return new RegExp(`^${re}$`).test(value);
}

/** Argo CD's globMatch: a leading '!' negates when allowed; "*" matches anything. */
export function globMatch(pattern: string, value: string, allowNegation: boolean, separators: string[] = []): boolean {
  if (allowNegation && pattern.startsWith('!')) return !gobwasMatch(pattern.slice(1), value, separators);
  if (pattern === '*') return true;
  return gobwasMatch(pattern, value, separators);
}

/** Go's path/filepath.Match on Linux; a malformed pattern matches nothing (Argo CD drops the error). */
export function filepathMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      re += escape(pattern[++i]);
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      let j = i + 1;
      let body = '';
      if (pattern[j] === '^') {
        body += '^';
        j++;
      }
      let closed = false;
      for (; j < pattern.length; j++) {
        if (pattern[j] === ']' && body.replace(/^\^/, '') !== '') {
          closed = true;
          break;
        }
        if (pattern[j] === '\\') {
          if (j + 1 >= pattern.length) return false;
          body += `\\${pattern[++j]}`;
        } else body += pattern[j] === '-' ? '-' : escape(pattern[j]);
      }
      if (!closed) return false;
      re += `[${body}]`;
      i = j;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`).test(name);
}

/** util/git NormalizeGitURL: lower case, scp-style ssh to ssh://, no ".git", no "ssh://" prefix. */
export function normalizeGitUrl(repo: string): string {
  let r = repo.trim().toLowerCase();
  if (/^(ssh:\/\/)?([^/:]*?)@[^@]+$/.test(r) && !r.startsWith('ssh://')) r = `ssh://${r.replace(':', '/')}`;
  if (r.endsWith('.git')) r = r.slice(0, -4);
  return r.replace(/^ssh:\/\//, '');
}

export function isSourcePermitted(spec: AppProjectSpec, repoURL: string): boolean {
  const src = normalizeGitUrl(repoURL);
  let any = false;
  for (const repo of spec.sourceRepos ?? []) {
    const deny = repo.startsWith('!');
    const normalized = deny ? `!${normalizeGitUrl(repo.slice(1))}` : normalizeGitUrl(repo);
    const matched = globMatch(normalized, src, true, ['/']);
    if (matched) any = true;
    else if (deny) return false;
  }
  return any;
}

export function isDestinationPermitted(spec: AppProjectSpec, dst: { server?: string; name?: string; namespace: string }): boolean {
  let any = false;
  const isDeny = (p: string | undefined) => (p ?? '').startsWith('!');
  for (const item of spec.destinations ?? []) {
    const nameMatched = !!dst.name && globMatch(item.name ?? '', dst.name, true);
    const serverMatched = !!dst.server && globMatch(item.server ?? '', dst.server, true);
    const namespaceMatched = globMatch(item.namespace ?? '', dst.namespace, true);
    if ((serverMatched || nameMatched) && namespaceMatched) any = true;
    else if ((!nameMatched && isDeny(item.name)) || ((!serverMatched && isDeny(item.server)) && namespaceMatched)) return false;
    else if (!namespaceMatched && isDeny(item.namespace) && serverMatched) return false;
  }
  return any;
}

export function isGroupKindNamePermitted(spec: AppProjectSpec, gk: { group: string; kind: string }, name: string, namespaced: boolean): boolean {
  const inList = (list: { group: string; kind: string; name?: string }[], named: boolean) =>
    list.some((item) => filepathMatch(item.kind, gk.kind) && filepathMatch(item.group, gk.group) && (!named || !item.name || filepathMatch(item.name, name)));
  if (namespaced) {
    const white = spec.namespaceResourceWhitelist;
    const black = spec.namespaceResourceBlacklist ?? [];
    const whiteListed = white === undefined || (white.length !== 0 && inList(white, false));
    return whiteListed && !(black.length !== 0 && inList(black, false));
  }
  const white = spec.clusterResourceWhitelist ?? [];
  const black = spec.clusterResourceBlacklist ?? [];
  return white.length !== 0 && inList(white, true) && !(black.length !== 0 && inList(black, true));
}

const ARGO_HOOKS = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete', 'PreDelete', 'Skip'];
const HELM_HOOKS = ['pre-install', 'pre-upgrade', 'post-upgrade', 'post-install'];
const csv = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Whether Argo CD applies a rendered object: not a hook it ignores, not a hook of type Skip alone. */
export function appliedByArgoCD(obj: { metadata?: { annotations?: Record<string, string> } }): boolean {
  const annotations = obj.metadata?.annotations ?? {};
  if ('argocd.argoproj.io/hook' in annotations) {
    const types = csv(annotations['argocd.argoproj.io/hook']).filter((t) => ARGO_HOOKS.includes(t));
    return !(types.length === 1 && types[0] === 'Skip') && types.length > 0;
  }
  const helm = annotations['helm.sh/hook'];
  if (helm === undefined || helm === 'crd-install') return true;
  // pre-delete / post-delete map to Argo CD's delete hooks: applied, at deletion.
  return csv(helm).some((t) => HELM_HOOKS.includes(t) || t === 'pre-delete' || t === 'post-delete');
}

/** Kinds the chart could render that are cluster-scoped (the rest of what it renders is namespaced). */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'APIService', 'GatewayClass', 'ClusterIssuer', 'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterTriggerAuthentication',
  'VolumeAttachment', 'CSIDriver', 'CSINode',
]);

/**
 * What the generated AppProject (its YAML) refuses of an environment's rendered objects: each
 * object Argo CD would apply, by kind and by its namespace on the environment's cluster.
 */
export function refusedObjects(spec: AppProjectSpec, destination: { server: string; namespace: string }, objects: Record<string, any>[]): string[] {
  const out: string[] = [];
  if (!isDestinationPermitted(spec, destination)) out.push(`destination ${destination.server} ${destination.namespace} not permitted`);
  for (const obj of objects.filter(appliedByArgoCD)) {
    const apiVersion = String(obj.apiVersion);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    const namespaced = !CLUSTER_SCOPED.has(obj.kind);
    const what = `${group}/${obj.kind} ${obj.metadata?.name}`;
    if (!isGroupKindNamePermitted(spec, { group, kind: obj.kind }, obj.metadata?.name ?? '', namespaced)) out.push(`${what}: kind not permitted`);
    if (namespaced && !isDestinationPermitted(spec, { server: destination.server, namespace: obj.metadata?.namespace ?? destination.namespace }))
      out.push(`${what}: namespace not permitted`);
  }
  return out;
}
