// The one table of answers: flags, prompts, presets, --help and the README option list all read it.
import {
  APP_TYPES, KEDA_TRIGGERS, SCALINGS, SECRET_SOURCES, SECURITY_LEVELS, STRATEGIES, TRAFFIC_ROUTERS,
  type AnswerKey, type Answers, type AppType,
} from './types.js';
import { TRIGGERS } from './keda-triggers.js';
import { ROUTERS } from './traffic.js';
import {
  checkEnvs, checkHost, checkImage, checkName, checkPort, checkRepoPath, checkRepoUrl, checkSchedule, checkSecretKeys,
  checkTimeZone, printable,
} from './validate.js';
import { IN_CLUSTER, checkClusters, clustersFor, unknownClusterEnvs } from './clusters.js';

export type Partial_ = Partial<Answers>;
type Value = Answers[AnswerKey];

export interface Facts {
  /** the `origin` remote of the git repository holding the target, if any */
  originUrl: string | null;
  /** the target's path inside that repository ('.' for its root), if any */
  repoPath: string | null;
}

export interface OptionSpec {
  key: AnswerKey;
  /** map: `<key>=<value>` entries, a repeatable flag, a mapping in presets (clusters) */
  kind: 'string' | 'enum' | 'list' | 'int' | 'bool' | 'map' | 'percent';
  /** the flag when it is not `--<key>` (a map's flag names one entry: --cluster for clusters) */
  flag?: string;
  arg?: string;
  choices?: readonly string[];
  /** a line per choice, shown beside it in the prompt */
  hints?: Readonly<Record<string, string>>;
  help: string;
  /** absent: a flag only, never asked */
  prompt?: string;
  /** the question when it depends on the answers so far (default: `prompt`) */
  message?(a: Partial_): string;
  /** whether the option means anything given the answers before it */
  applies(a: Partial_): boolean;
  defaultValue(a: Partial_, facts: Facts): Value;
  validate?(value: never): string | null;
}

/** The app types with a Service (and so an Ingress or route); of those, the ones that speak HTTP. */
export const hasService = (type: AppType | undefined) => type === 'web' || type === 'api' || type === 'grpc';
export const isHttp = (type: AppType | undefined) => type === 'web' || type === 'api';
const always = () => true;

export function defaultPort(type: AppType | undefined): number | null {
  if (type === 'grpc') return 50051;
  if (type === 'worker') return 9090;
  if (type === 'cron') return null;
  return 8080;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'name', kind: 'string', arg: '<name>',
    help: 'app and chart name (DNS-1123 label, at most 53 chars; default: directory name)',
    prompt: 'App name', applies: always,
    defaultValue: () => null as never, validate: checkName as (v: never) => string | null,
  },
  {
    key: 'type', kind: 'enum', arg: '<t>', choices: APP_TYPES,
    help: 'web | api | grpc | worker | cron (default web)',
    prompt: 'App type', applies: always, defaultValue: () => 'web',
  },
  {
    key: 'envs', kind: 'list', arg: '<list>',
    help: 'comma-separated environment names (default staging,prod)',
    prompt: 'Environments (comma-separated)', applies: always,
    defaultValue: () => ['staging', 'prod'], validate: checkEnvs as (v: never) => string | null,
  },
  {
    key: 'scaling', kind: 'enum', arg: '<m>', choices: SCALINGS,
    help: 'none | hpa | keda (default hpa; keda for worker; none for cron)',
    prompt: 'Scaling', applies: (a) => a.type !== 'cron',
    defaultValue: (a) => (a.type === 'worker' ? 'keda' : a.type === 'cron' ? 'none' : 'hpa'),
  },
  {
    key: 'keda-trigger', kind: 'enum', arg: '<t>', choices: KEDA_TRIGGERS,
    hints: Object.fromEntries(TRIGGERS.map((t) => [t.name, t.hint])),
    help: `${KEDA_TRIGGERS.join(' | ')} (with keda; default kafka for worker, prometheus otherwise)`,
    prompt: 'KEDA trigger', applies: (a) => a.scaling === 'keda',
    defaultValue: (a) => (a.scaling !== 'keda' ? null : a.type === 'worker' ? 'kafka' : 'prometheus'),
  },
  {
    key: 'schedule', kind: 'string', arg: '<cron>',
    help: 'cron schedule of a cron app: five fields or @hourly, @daily, ... (default */15 * * * *)',
    prompt: 'Schedule (cron expression or @hourly, @daily, ...)', applies: (a) => a.type === 'cron',
    defaultValue: (a) => (a.type === 'cron' ? '*/15 * * * *' : null), validate: checkSchedule as (v: never) => string | null,
  },
  {
    key: 'timezone', kind: 'string', arg: '<zone>',
    help: 'IANA time zone of the cron schedule or the KEDA cron trigger (default Etc/UTC)',
    applies: (a) => a.type === 'cron' || a['keda-trigger'] === 'cron',
    defaultValue: (a) => (a.type === 'cron' || a['keda-trigger'] === 'cron' ? 'Etc/UTC' : null),
    validate: checkTimeZone as (v: never) => string | null,
  },
  {
    key: 'strategy', kind: 'enum', arg: '<s>', choices: STRATEGIES,
    help: 'rolling | blue-green | canary (default rolling)',
    prompt: 'Deploy strategy', applies: (a) => a.type !== 'cron', defaultValue: () => 'rolling',
  },
  {
    key: 'traffic', kind: 'enum', arg: '<r>', choices: TRAFFIC_ROUTERS,
    hints: Object.fromEntries(ROUTERS.map((r) => [r.name, r.hint])),
    help: `${TRAFFIC_ROUTERS.join(' | ')} (with canary; default nginx, none for worker)`,
    prompt: 'Canary traffic routing', applies: (a) => a.strategy === 'canary' && a.type !== 'worker',
    defaultValue: (a) => (a.strategy === 'canary' && a.type !== 'worker' ? 'nginx' : 'none'),
  },
  {
    key: 'websocket', kind: 'bool',
    help: 'web/api: long proxy timeouts for WebSocket connections on the Ingress or route (default off)',
    prompt: 'Does the app serve WebSocket connections?', applies: (a) => isHttp(a.type),
    defaultValue: (a) => (isHttp(a.type) ? false : null),
  },
  {
    key: 'security', kind: 'enum', arg: '<l>', choices: SECURITY_LEVELS,
    help: 'baseline | restricted Pod Security Standard (default restricted)',
    prompt: 'Security level', applies: always, defaultValue: () => 'restricted',
  },
  {
    key: 'secret-keys', kind: 'list', arg: '<keys>',
    help: 'secret environment variable names, comma-separated (default none)',
    prompt: 'Secret keys the app reads (comma-separated, empty for none)', applies: always,
    defaultValue: () => [], validate: checkSecretKeys as (v: never) => string | null,
  },
  {
    key: 'secrets', kind: 'enum', arg: '<source>', choices: SECRET_SOURCES,
    help: 'external (ExternalSecret) | sealed (SealedSecret) | existing (a Secret you create) (with secret keys; default external)',
    prompt: 'Where secret values come from', applies: (a) => (a['secret-keys'] ?? []).length > 0,
    defaultValue: (a) => ((a['secret-keys'] ?? []).length > 0 ? 'external' : null),
  },
  {
    key: 'image', kind: 'string', arg: '<ref>',
    help: 'container image with a pinned tag or digest (default registry.example.com/<name>:0.1.0)',
    prompt: 'Container image', applies: always,
    defaultValue: (a) => `registry.example.com/${a.name}:0.1.0`, validate: checkImage as (v: never) => string | null,
  },
  {
    key: 'port', kind: 'int', arg: '<n>',
    help: 'container port (default 8080 for web/api, 50051 for grpc, metrics port 9090 for worker)',
    prompt: 'Container port', message: (a) => (a.type === 'worker' ? 'Metrics port' : 'Container port'),
    applies: (a) => a.type !== 'cron',
    defaultValue: (a) => defaultPort(a.type), validate: checkPort as (v: never) => string | null,
  },
  {
    key: 'host', kind: 'string', arg: '<domain>',
    help: 'ingress host for web/api/grpc (default <name>.example.com; prod gets it, others <env>.<host>)',
    prompt: 'Ingress host', applies: (a) => hasService(a.type),
    defaultValue: (a) => (hasService(a.type) ? `${a.name}.example.com` : null), validate: checkHost as (v: never) => string | null,
  },
  {
    key: 'repo-url', kind: 'string', arg: '<url>',
    help: "git repository the ApplicationSet deploys from (default: the target's git origin)",
    prompt: 'Git repository URL', applies: always,
    defaultValue: (a, facts) => facts.originUrl ?? `https://git.example.com/platform/${a.name}.git`,
    validate: checkRepoUrl as (v: never) => string | null,
  },
  {
    key: 'repo-path', kind: 'string', arg: '<dir>',
    help: 'directory of the project inside that repository (default: detected from git, else the root)',
    applies: always, defaultValue: (_a, facts) => facts.repoPath ?? '.', validate: checkRepoPath as (v: never) => string | null,
  },
  {
    key: 'clusters', kind: 'map', flag: 'cluster', arg: '<env>=<url>',
    help: `the API server an environment deploys to, repeatable: --cluster prod=https://prod.k8s.example.com (default ${IN_CLUSTER}, the cluster Argo CD runs in; never asked)`,
    applies: always, defaultValue: (a) => clustersFor(a.envs ?? []), validate: checkClusters as (v: never) => string | null,
  },
  {
    key: 'monitoring', kind: 'bool',
    help: 'ServiceMonitor/PodMonitor and PrometheusRule (default on; --no-monitoring turns off)',
    applies: always, defaultValue: () => true,
  },
  {
    // After monitoring, which it needs: the answers are resolved (and asked) in this order.
    key: 'slo', kind: 'percent', arg: '<percent>',
    help: 'availability objective with burn-rate alerts, e.g. 99.95, or none (default 99.9; 99 for worker jobs; needs monitoring, not for cron)',
    prompt: 'SLO: availability objective in percent (none for no SLO alerts)',
    applies: (a) => a.monitoring === true && a.type !== 'cron',
    defaultValue: (a) => (a.monitoring !== true || a.type === 'cron' ? null : a.type === 'worker' ? 99 : 99.9),
    validate: ((v: number | 'none') => {
      if (v === 'none') return null;
      if (!(v > 0 && v < 100)) return `expected a percentage above 0 and below 100 (such as 99.9), or none, got ${v}`;
      return /^[0-9]+(\.[0-9]{1,3})?$/.test(String(v)) ? null : `expected at most 3 decimals (such as 99.95), got ${v}`;
    }) as (v: never) => string | null,
  },
];

export const OPTION_BY_KEY = new Map(OPTIONS.map((o) => [o.key, o]));

/** The flag an option is given with, without the dashes. */
export const flagOf = (option: OptionSpec): string => option.flag ?? option.key;

/** Combinations that are rejected; each names both options. */
export interface Rule {
  keys: [AnswerKey, AnswerKey];
  rejects(a: Partial_): boolean;
  message(a: Partial_): string;
  /** why a choice is not offered at the prompt, in a few words */
  why(a: Partial_): string;
}

export const RULES: readonly Rule[] = [
  {
    keys: ['type', 'scaling'],
    rejects: (a) => a.type === 'cron' && (a.scaling === 'hpa' || a.scaling === 'keda'),
    message: (a) => `--scaling ${a.scaling} cannot be used with --type cron: a CronJob runs on its schedule (use --scaling none)`,
    why: () => 'a CronJob runs on its schedule',
  },
  {
    keys: ['type', 'strategy'],
    rejects: (a) => a.type === 'cron' && (a.strategy === 'blue-green' || a.strategy === 'canary'),
    message: (a) => `--strategy ${a.strategy} cannot be used with --type cron: there is nothing to shift traffic between (use --strategy rolling)`,
    why: () => 'a CronJob has nothing to shift traffic between',
  },
  {
    keys: ['type', 'strategy'],
    rejects: (a) => a.type === 'worker' && a.strategy === 'blue-green',
    message: () => '--strategy blue-green cannot be used with --type worker: blue-green needs a Service to switch (use rolling or canary)',
    why: () => 'a worker has no Service for blue-green to switch',
  },
  {
    keys: ['type', 'traffic'],
    rejects: (a) => a.type === 'worker' && a.strategy === 'canary' && a.traffic !== undefined && a.traffic !== 'none',
    message: (a) => `--traffic ${a.traffic} cannot be used with --type worker: a worker has no Service, its canary is replica-weighted (use --traffic none)`,
    why: () => 'a worker has no Service; its canary is replica-weighted',
  },
  {
    keys: ['strategy', 'traffic'],
    rejects: (a) => a.traffic !== undefined && a.traffic !== 'none' && a.strategy !== undefined && a.strategy !== 'canary',
    message: (a) => `--traffic ${a.traffic} needs --strategy canary (got --strategy ${a.strategy})`,
    why: (a) => `--traffic ${a.traffic} needs the canary strategy`,
  },
  {
    keys: ['scaling', 'keda-trigger'],
    rejects: (a) => a['keda-trigger'] != null && a.scaling !== undefined && a.scaling !== 'keda',
    message: (a) => `--keda-trigger ${a['keda-trigger']} needs --scaling keda (got --scaling ${a.scaling})`,
    why: (a) => `--keda-trigger ${a['keda-trigger']} needs KEDA scaling`,
  },
  {
    keys: ['secret-keys', 'secrets'],
    rejects: (a) => a.secrets != null && a['secret-keys'] !== undefined && a['secret-keys'].length === 0,
    message: (a) => `--secrets ${a.secrets} needs --secret-keys naming at least one key`,
    why: () => 'no secret keys were given',
  },
  {
    keys: ['envs', 'clusters'],
    rejects: (a) => unknownClusterEnvs(a.clusters, a.envs).length > 0,
    message: (a) => {
      const env = unknownClusterEnvs(a.clusters, a.envs)[0] ?? '';
      return `--cluster ${printable(env)}=… names an environment that --envs does not list (${(a.envs ?? []).join(', ')})`;
    },
    why: () => 'a --cluster entry names an environment not in this list',
  },
];

export function rejection(a: Partial_): string | null {
  return rejectingRule(a)?.message(a) ?? null;
}

export function rejectingRule(a: Partial_): Rule | null {
  return RULES.find((rule) => rule.rejects(a)) ?? null;
}
