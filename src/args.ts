// argv → the options of one command. Each command parses only its own flags; a flag of another
// command, an unknown flag or a malformed value is a usage error naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { coerce } from './answers.js';
import { UsageError } from './errors.js';
import { OPTIONS, flagOf, type Partial_ } from './options.js';
import { printable } from './validate.js';

export type CommandName = 'create' | 'upgrade' | 'presets';

interface Common {
  help: boolean;
  version: boolean;
}

export interface CreateArgs extends Common {
  command: 'create';
  directory?: string;
  /** answers given as flags, already coerced and validated one by one */
  answers: Partial_;
  preset?: string;
  yes: boolean;
  force: boolean;
  /** --force / upgrade: write even over uncommitted changes */
  allowDirty: boolean;
  dryRun: boolean;
  lint: boolean;
}

export interface UpgradeArgs extends Common {
  command: 'upgrade';
  /** the projects to upgrade; empty: the working directory */
  directories: string[];
  set: string[];
  restore: string[];
  check: boolean;
  dryRun: boolean;
  yes: boolean;
  /** write even over uncommitted changes */
  allowDirty: boolean;
  /** validate a merge without `helm lint` */
  lint: boolean;
}

export interface PresetsArgs extends Common {
  command: 'presets';
}

export type CommandArgs = CreateArgs | UpgradeArgs | PresetsArgs;

type Flags = NonNullable<ParseArgsConfig['options']>;

const COMMON: Flags = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

function answerFlags(): Flags {
  const flags: Flags = {};
  for (const option of OPTIONS) {
    if (option.kind === 'bool') {
      flags[option.key] = { type: 'boolean' };
      flags[`no-${option.key}`] = { type: 'boolean' };
    } else if (option.kind === 'map') {
      flags[flagOf(option)] = { type: 'string', multiple: true };
    } else {
      flags[option.key] = { type: 'string' };
    }
  }
  return flags;
}

/** Each command's flags; `--help` documents them (a test checks it). */
export const FLAGS: Record<CommandName, Flags> = {
  create: {
    ...answerFlags(),
    preset: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    force: { type: 'boolean' },
    'allow-dirty': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'no-lint': { type: 'boolean' },
    ...COMMON,
  },
  upgrade: {
    set: { type: 'string', multiple: true },
    check: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    restore: { type: 'string', multiple: true },
    yes: { type: 'boolean', short: 'y' },
    'allow-dirty': { type: 'boolean' },
    'no-lint': { type: 'boolean' },
    ...COMMON,
  },
  presets: { ...COMMON },
};

const HELP: Record<CommandName, string> = {
  create: 'run create-k8s-app --help for the options',
  upgrade: 'run create-k8s-app upgrade --help for the options',
  presets: 'run create-k8s-app --help for the options',
};

type Values = Record<string, string | boolean | string[] | undefined>;

export function parseArgv(command: CommandName, argv: string[]): CommandArgs {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: FLAGS[command], allowPositionals: command !== 'presets', strict: true }) as typeof parsed;
  } catch (error) {
    throw parseError(command, argv, error);
  }
  const { values, positionals } = parsed;
  const common = { help: Boolean(values.help), version: Boolean(values.version) };
  if (command === 'presets') return { command, ...common };
  if (command === 'upgrade') {
    return {
      command,
      ...common,
      directories: positionals,
      set: (values.set as string[] | undefined) ?? [],
      restore: (values.restore as string[] | undefined) ?? [],
      check: Boolean(values.check),
      dryRun: Boolean(values['dry-run']),
      yes: Boolean(values.yes),
      allowDirty: Boolean(values['allow-dirty']),
      lint: !values['no-lint'],
    };
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.map((p) => printable(p)).join(' ')}`);
  }
  const answers: Partial_ = {};
  for (const option of OPTIONS) {
    let raw = values[flagOf(option)];
    if (option.kind === 'bool' && values[`no-${option.key}`]) raw = false;
    if (raw === undefined) continue;
    (answers as Record<string, unknown>)[option.key] = coerce(option, raw, `--${flagOf(option)}`);
  }
  return {
    command,
    ...common,
    directory: positionals[0],
    answers,
    preset: values.preset as string | undefined,
    yes: Boolean(values.yes),
    force: Boolean(values.force),
    allowDirty: Boolean(values['allow-dirty']),
    dryRun: Boolean(values['dry-run']),
    lint: !values['no-lint'],
  };
}

/** What the lenient parse says of one option as typed. */
interface OptionToken {
  name: string;
  rawName: string;
  value?: string;
  inlineValue?: boolean;
}

/**
 * node:util says what went wrong in `error.code`, and in an English message that spans lines and
 * quotes the argument as typed. The argument at fault comes from the same parse done leniently,
 * which hands back the tokens instead of throwing.
 */
function parseError(command: CommandName, argv: string[], error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return error;
  const flags = FLAGS[command];
  const { tokens } = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: false, tokens: true });
  const options: OptionToken[] = tokens.flatMap((t) => (t.kind === 'option' ? [t] : []));
  const type = (t: OptionToken) => flags[t.name]?.type;
  const hint = HELP[command];

  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const token = options.find((t) => type(t) === undefined);
      if (!token) break;
      const owners = ownersOf(token, command);
      if (owners.length === 0) return new UsageError(`unknown option ${printable(token.rawName)}`, hint);
      const shown = owners.length === 1 ? `the ${owners[0]} command` : `the ${owners.join(' and ')} commands`;
      return new UsageError(`${printable(token.rawName)} belongs to ${shown}, not ${command}`, ownerHint(token, command, owners));
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // The strict parse stopped at the first option used wrongly: find that one.
      for (const t of options) {
        const flag = printable(t.rawName);
        if (type(t) === 'string' && t.value === undefined) return new UsageError(`option ${flag} needs a value`, hint);
        if (type(t) === 'string' && !t.inlineValue && t.value!.startsWith('-'))
          return new UsageError(`option ${flag} needs a value; to give one that starts with '-', write ${flag}=<value>`, hint);
        if (type(t) === 'boolean' && t.value !== undefined) return new UsageError(`option ${flag} does not take a value`, hint);
      }
      break;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const first = tokens.find((t) => t.kind === 'positional');
      return new UsageError(`${command} takes no arguments, got ${printable(first?.kind === 'positional' ? first.value : '?')}`, hint);
    }
  }
  return new UsageError(printable((error as Error).message.split('\n')[0]), hint);
}

/** The other commands that take the flag a token names. */
function ownersOf(token: OptionToken, command: CommandName): CommandName[] {
  const long = token.rawName.startsWith('--');
  return (Object.keys(FLAGS) as CommandName[]).filter(
    (other) => other !== command && Object.entries(FLAGS[other]).some(([name, flag]) => (long ? name === token.name : flag.short === token.name)),
  );
}

function ownerHint(token: OptionToken, command: CommandName, owners: CommandName[]): string {
  if (command === 'upgrade') {
    const answer = OPTIONS.find((o) => token.name === flagOf(o) || token.name === `no-${o.key}`);
    if (answer?.kind === 'map') return `upgrade takes changed answers as --set ${answer.key}.<env>=<value>`;
    if (answer) return `upgrade takes changed answers as --set ${answer.key}=<value>`;
    if (token.name === 'preset') return 'upgrade re-renders with the recorded answers; change them with --set key=value';
  }
  return HELP[owners[0]];
}
