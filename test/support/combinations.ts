// The whole option space, and which points of it the CLI accepts.
import { rejection } from '../../src/options.js';
import {
  APP_TYPES, KEDA_TRIGGERS, SECURITY_LEVELS, TRAFFIC_ROUTERS,
  type AppType, type KedaTrigger, type Scaling, type Security, type Strategy, type Traffic,
} from '../../src/types.js';

export interface Combination {
  id: string;
  type: AppType;
  scaling: Scaling;
  'keda-trigger'?: KedaTrigger;
  strategy: Strategy;
  traffic?: Traffic;
  security: Security;
  envs: string[];
  /** web/api only; the matrix adds it pairwise (see matrix.test.ts), not to the product */
  websocket?: boolean;
}

const SCALING_CHOICES: [Scaling, KedaTrigger | undefined][] = [
  ['none', undefined], ['hpa', undefined], ...KEDA_TRIGGERS.map((t): [Scaling, KedaTrigger] => ['keda', t]),
];
const STRATEGY_CHOICES: [Strategy, Traffic | undefined][] = [
  ['rolling', undefined], ['blue-green', undefined], ...TRAFFIC_ROUTERS.map((t): [Strategy, Traffic] => ['canary', t]),
];

export function everyCombination(envs = ['staging', 'prod']): { accepted: Combination[]; rejected: Combination[] } {
  const accepted: Combination[] = [];
  const rejected: Combination[] = [];
  for (const type of APP_TYPES)
    for (const [scaling, trigger] of SCALING_CHOICES)
      for (const [strategy, traffic] of STRATEGY_CHOICES)
        for (const security of SECURITY_LEVELS) {
          const id = [type, trigger ? `keda-${trigger}` : scaling, traffic ? `canary-${traffic}` : strategy, security].join('/');
          const combination: Combination = { id, type, scaling, 'keda-trigger': trigger, strategy, traffic, security, envs };
          const problem = rejection({ type, scaling, 'keda-trigger': trigger, strategy, traffic });
          (problem ? rejected : accepted).push(combination);
        }
  return { accepted, rejected };
}
