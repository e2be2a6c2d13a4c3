// argv → typed flags. Unknown flags and malformed values are usage errors naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { OPTIONS, type Partial_ } from './options.js';
import { printable } from './validate.js';

export interface ParsedArgs {
  positionals: string[];
  answers: Partial_;
  preset?: string;
  yes: boolean;
  force: boolean;
  /** --force / upgrade: write even over uncommitted changes */
  allowDirty: boolean;
  dryRun: boolean;
  lint: boolean;
  help: boolean;
  version: boolean;
  check: boolean;
  set: string[];
  restore: string[];
}

const COMMAND_FLAGS = {
  preset: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
  'allow-dirty': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'no-lint': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  check: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  restore: { type: 'string', multiple: true },
} as const;

function flagConfig(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { ...COMMAND_FLAGS };
  for (const option of OPTIONS) {
    if (option.kind === 'bool') {
      options[option.key] = { type: 'boolean' };
      options[`no-${option.key}`] = { type: 'boolean' };
    } else {
      options[option.key] = { type: 'string' };
    }
  }
  return options;
}

export function parseArgv(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: flagConfig(), allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(rewordParseError((error as Error).message), 'run create-k8s-app --help for the options');
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const answers: Partial_ = {};
  for (const option of OPTIONS) {
    let raw = values[option.key];
    if (option.kind === 'bool' && values[`no-${option.key}`]) raw = false;
    if (raw === undefined) continue;
    (answers as Record<string, unknown>)[option.key] = coerce(option, raw, `--${option.key}`);
  }
  return {
    positionals: parsed.positionals,
    answers,
    preset: values.preset as string | undefined,
    yes: Boolean(values.yes),
    force: Boolean(values.force),
    allowDirty: Boolean(values['allow-dirty']),
    dryRun: Boolean(values['dry-run']),
    lint: !values['no-lint'],
    help: Boolean(values.help),
    version: Boolean(values.version),
    check: Boolean(values.check),
    set: (values.set as string[] | undefined) ?? [],
    restore: (values.restore as string[] | undefined) ?? [],
  };
}

/**
 * node:util's messages are long, span lines and quote the argument as typed; keep one line that
 * names the flag, with anything typed shown escaped.
 */
function rewordParseError(message: string): string {
  const unknown = /^Unknown option '([\s\S]+)'\. To specify/.exec(message) ?? /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${printable(unknown[1])}`;
  const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `option ${missing[2]} needs a value`;
  const ambiguous = /Option '(-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) return `option ${ambiguous[2]} needs a value; to give one that starts with '-', write ${ambiguous[2]}=<value>`;
  const noValue = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `option ${noValue[2]} does not take a value`;
  return printable(message.split('\n')[0]);
}
