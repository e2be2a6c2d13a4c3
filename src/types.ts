// KEDA triggers and traffic routers are tables of their own: src/keda-triggers.ts, src/traffic.ts.
import type { KedaTrigger } from './keda-triggers.js';
import type { Traffic } from './traffic.js';

export { KEDA_TRIGGERS, type KedaTrigger } from './keda-triggers.js';
export { TRAFFIC_ROUTERS, type Traffic } from './traffic.js';
export const APP_TYPES = ['web', 'api', 'grpc', 'worker', 'cron'] as const;
export const SCALINGS = ['none', 'hpa', 'keda'] as const;
export const STRATEGIES = ['rolling', 'blue-green', 'canary'] as const;
export const SECURITY_LEVELS = ['baseline', 'restricted'] as const;
export const SECRET_SOURCES = ['external', 'sealed', 'existing'] as const;

export type AppType = (typeof APP_TYPES)[number];
export type Scaling = (typeof SCALINGS)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type Security = (typeof SECURITY_LEVELS)[number];
export type SecretSource = (typeof SECRET_SOURCES)[number];

/**
 * Every answer, resolved and validated. Keys are the flag names, so the same words appear in
 * flags, presets, `.create-k8s-app.yaml` and `upgrade --set`. Options that do not apply are null.
 */
export interface Answers {
  name: string;
  type: AppType;
  envs: string[];
  scaling: Scaling;
  'keda-trigger': KedaTrigger | null;
  /** cron: the CronJob's schedule */
  schedule: string | null;
  /** cron, or the KEDA cron trigger: IANA time zone of the schedule */
  timezone: string | null;
  strategy: Strategy;
  traffic: Traffic;
  /** web and api: long proxy timeouts for WebSocket connections; null for other types */
  websocket: boolean | null;
  security: Security;
  'secret-keys': string[];
  secrets: SecretSource | null;
  image: string;
  port: number | null;
  host: string | null;
  'repo-url': string;
  'repo-path': string;
  /** environment → the API server URL of the cluster it deploys to, one entry per environment */
  clusters: Record<string, string>;
  monitoring: boolean;
  /** availability objective in percent; 'none': no SLO; null where it does not apply (cron, no monitoring) */
  slo: number | 'none' | null;
}

export type AnswerKey = keyof Answers;

/** Generated files: relative path (always '/') → content. */
export type Plan = Map<string, string>;
