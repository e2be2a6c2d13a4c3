// The interactive flow: one question per option, asked only when it applies. Loaded lazily, so
// non-interactive runs never pay for @inquirer/prompts.
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { coerce, type Ask } from './answers.js';
import { UsageError } from './errors.js';
import type { OptionSpec } from './options.js';

const CHOICE_HINTS: Record<string, string> = {
  web: 'HTTP app behind an Ingress',
  api: 'HTTP API behind an Ingress',
  grpc: 'gRPC service',
  worker: 'queue consumer, no Service',
  cron: 'scheduled job (CronJob)',
  none: 'none',
  hpa: 'HorizontalPodAutoscaler on CPU and memory',
  keda: 'KEDA, scaled by an event source',
  rolling: 'zero-downtime rolling update',
  'blue-green': 'Argo Rollouts blue-green with analysis',
  canary: 'Argo Rollouts canary with analysis',
  baseline: 'Pod Security Standard baseline',
  restricted: 'Pod Security Standard restricted + NetworkPolicy',
  external: 'ExternalSecret (External Secrets Operator)',
  sealed: 'SealedSecret (Bitnami Sealed Secrets)',
  existing: 'a Secret you create yourself',
};

function toText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return value === null || value === undefined ? '' : String(value);
}

/** Validation message for inquirer: the same validators as flags and presets. */
function validator(option: OptionSpec) {
  return (text: string): true | string => {
    try {
      coerce(option, text, option.key);
      return true;
    } catch (error) {
      if (error instanceof UsageError) return error.message.replace(`${option.key}: `, '');
      throw error;
    }
  };
}

/** Asks with the @inquirer prompts (tests drive them on the screen of @inquirer/testing). */
export function makeAsk(): Ask {
  return async (option, fallback, choices) => {
    if (option.kind === 'enum') {
      const list = choices ?? option.choices ?? [];
      if (list.length === 1) return list[0] as never;
      const answer = await select({
        message: option.prompt!,
        default: list.includes(String(fallback)) ? String(fallback) : list[0],
        choices: list.map((value) => ({ value, name: value, description: option.hints?.[value] ?? CHOICE_HINTS[value] })),
      });
      return coerce(option, answer, option.key);
    }
    if (option.kind === 'bool') return confirm({ message: option.prompt!, default: fallback === true });
    const text = await input({ message: option.prompt!, default: toText(fallback) || undefined, validate: validator(option) });
    return coerce(option, text, option.key);
  };
}
