// The interactive flow: one question per option, asked only when it applies. Loaded lazily, so
// non-interactive runs never pay for @inquirer/prompts.
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import select from '@inquirer/select';
import { coerce, type Ask } from './answers.js';
import { isPromptExit, UsageError } from './errors.js';
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

/** A dim line, as the prompts show defaults. */
const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;

function toText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return value === null || value === undefined ? '' : String(value);
}

/** Validation message for inquirer: the same validators as flags and presets. */
function validator(option: OptionSpec, fallback: string) {
  return (text: string): true | string => {
    try {
      coerce(option, text === '' ? fallback : text, option.key);
      return true;
    } catch (error) {
      if (error instanceof UsageError) return error.message.replace(`${option.key}: `, '');
      throw error;
    }
  };
}


/**
 * Asks with the @inquirer prompts (tests drive them on the screen of @inquirer/testing). Each
 * prompt clears itself when it ends and leaves one line in its place, written with `say`: the
 * answer, or that the question was cancelled (a prompt ended by Ctrl-C otherwise stays on the
 * screen as if still waiting).
 */
export function makeAsk(say: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Ask {
  const context = { clearPromptOnDone: true };
  async function closing<T>(message: string, prompt: Promise<T>, shown: (value: T) => string): Promise<T> {
    try {
      const value = await prompt;
      say(`\u001b[32m✔\u001b[39m \u001b[1m${message}\u001b[22m \u001b[36m${shown(value)}\u001b[39m`);
      return value;
    } catch (error) {
      if (isPromptExit(error)) say(`\u001b[31m✖\u001b[39m \u001b[1m${message}\u001b[22m ${dim('cancelled')}`);
      throw error;
    }
  }
  const ask: Ask = async (option, fallback, choices, sofar, unavailable = []) => {
    const message = option.message?.(sofar) ?? option.prompt!;
    if (option.kind === 'enum') {
      const list = choices ?? option.choices ?? [];
      if (list.length === 1) return list[0] as never;
      const answer = await closing(message, select({
        message,
        default: list.includes(String(fallback)) ? String(fallback) : list[0],
        choices: [
          ...list.map((value) => ({ value, name: value, description: option.hints?.[value] ?? CHOICE_HINTS[value] })),
          // Shown, dimmed and not selectable, with the reason it is left out.
          ...unavailable.map((u) => ({ value: u.value, name: u.value, disabled: `(not offered: ${u.why})` })),
        ],
        // Without type-to-search: its handler takes Ctrl-C for a search and moves the cursor to the
        // first choice just before the prompt closes, so the last screen showed a choice never made.
        theme: { keybindings: ['vim'] },
      }, context), String);
      return coerce(option, answer, option.key);
    }
    if (option.kind === 'bool') {
      return closing(message, confirm({ message, default: fallback === true }, context), (yes) => (yes ? 'Yes' : 'No')) as never;
    }
    // The default is kept here, not in the prompt: @inquirer/input forgets it for good on a
    // Backspace in an empty line. An empty Enter always takes it; it shows while the line is empty.
    const shown = toText(fallback);
    const text = await closing(message, input({
      message,
      validate: validator(option, shown),
      transformer: (value, { isFinal }) => (value === '' && shown ? (isFinal ? shown : dim(`(${shown})`)) : value),
    }, context), (value) => value || shown || 'none');
    return coerce(option, text === '' ? shown : text, option.key);
  };
  return Object.assign(ask, {
    confirm: (message: string) => closing(message, confirm({ message, default: true }, context), (yes) => (yes ? 'Yes' : 'No')),
  });
}
