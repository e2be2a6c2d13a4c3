import { UsageError } from './errors.js';
import { OPTION_BY_KEY, OPTIONS, rejection, type Facts, type OptionSpec, type Partial_ } from './options.js';
import type { AnswerKey, Answers } from './types.js';
import { checkName, printable } from './validate.js';

type Value = Answers[AnswerKey];

// Only the spaces a shell or a comma list leaves around a value: anything else at the edges (a
// newline, U+2028, a BOM) is part of what was typed, so the validators see it and refuse it
// rather than the value silently changing.
const trimSpaces = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** Asks one question; tests pass their own. Returns the typed, validated value. */
export type Ask = (option: OptionSpec, defaultValue: Value, choices: readonly string[] | undefined, sofar: Partial_) => Promise<Value>;

/**
 * Turns a raw value from a flag, a preset or `upgrade --set` into the option's type, validated.
 * `where` prefixes the message (e.g. "--port" or "presets/api.yaml:3: port").
 */
export function coerce(option: OptionSpec, raw: unknown, where: string): Value {
  const fail = (why: string): never => {
    throw new UsageError(`${where}: ${why}`);
  };
  let value: Value;
  switch (option.kind) {
    case 'bool':
      if (typeof raw === 'boolean') value = raw;
      else if (raw === 'true' || raw === 'false') value = raw === 'true';
      else return fail(`expected true or false, got ${describe(raw)}`);
      break;
    case 'int':
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && /^[0-9]+$/.test(trimSpaces(raw))) value = Number(trimSpaces(raw));
      else return fail(`expected a number, got ${describe(raw)}`);
      break;
    case 'list':
      if (typeof raw === 'string') value = trimSpaces(raw) === '' ? [] : raw.split(',').map(trimSpaces);
      else if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) value = raw.map(trimSpaces);
      else return fail(`expected a comma-separated string or a list of strings, got ${describe(raw)}`);
      break;
    case 'percent':
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && trimSpaces(raw) === 'none') value = 'none';
      else if (typeof raw === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(trimSpaces(raw))) value = Number(trimSpaces(raw));
      else return fail(`expected a percentage (such as 99.9) or none, got ${describe(raw)}`);
      break;
    case 'enum':
      if (typeof raw !== 'string' || !option.choices!.includes(raw))
        return fail(`${describe(raw)} is not one of ${option.choices!.join(', ')}`);
      value = raw;
      break;
    default:
      if (typeof raw !== 'string') return fail(`expected a string, got ${describe(raw)}`);
      value = trimSpaces(raw);
  }
  const problem = option.validate?.(value as never);
  if (problem) fail(problem);
  return value;
}

function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return 'nothing';
  if (typeof raw === 'string') return `"${printable(raw)}"`;
  if (Array.isArray(raw)) return 'a list';
  if (ArrayBuffer.isView(raw)) return 'binary data';
  if (typeof raw === 'object') return 'a mapping';
  return String(raw);
}

export interface ResolveInput {
  /** values from flags, already coerced; they win over the preset */
  flags: Partial_;
  /** values from a preset or a recorded answers file, already coerced */
  preset: Partial_ | null;
  facts: Facts;
  /** present only when prompting is allowed */
  ask: Ask | null;
  /** --yes: defaults for anything not given */
  yes: boolean;
}

/**
 * The name, resolved before the other answers: the target directory follows from it, and some
 * defaults from where the target lies. Flag > preset > the directory's name > the first question.
 */
export async function resolveName(input: Omit<ResolveInput, 'facts'>, directoryName: string | undefined): Promise<string> {
  const given = input.flags.name ?? input.preset?.name;
  if (given !== undefined) return given;
  if (directoryName !== undefined) {
    const problem = checkName(directoryName);
    if (problem) throw new UsageError(`the directory name "${printable(directoryName)}" is not a valid app name: ${problem}`, 'pass --name <name>');
    return directoryName;
  }
  if (input.ask) return (await input.ask(OPTION_BY_KEY.get('name')!, null as never, undefined, {})) as string;
  // Nothing given and nobody to ask: resolving the rest refuses the run, naming every missing answer.
  await resolveAnswers({ ...input, facts: { originUrl: null, repoPath: null } });
  throw new Error('answers resolved without a name');
}

/** flags > preset > prompts > defaults, in prompt order; combination rules checked as answers arrive. */
export async function resolveAnswers(input: ResolveInput): Promise<Answers> {
  const given: Partial_ = { ...(input.preset ?? {}), ...input.flags };
  const fillDefaults = input.yes || input.preset !== null;
  const sofar: Partial_ = {};
  const missing: string[] = [];
  const set = (key: AnswerKey, value: Value) => {
    (sofar as Record<string, Value>)[key] = value;
  };

  for (const option of OPTIONS) {
    const { key } = option;
    const explicit = key in given ? given[key] : undefined;
    if (!option.applies(sofar)) {
      if (explicit !== undefined) {
        const problem = rejection({ ...sofar, [key]: explicit });
        if (problem) throw new UsageError(problem);
      }
      set(key, option.defaultValue(sofar, input.facts));
      continue;
    }
    if (explicit !== undefined) {
      set(key, explicit);
    } else {
      const fallback = option.defaultValue(sofar, input.facts);
      if (input.ask && option.prompt) {
        const choices = option.choices?.filter((c) => !rejection({ ...sofar, [key]: c }));
        set(key, await input.ask(option, fallback, choices, { ...sofar }));
      } else if (fallback === null && key === 'name') {
        missing.push('--name (or a directory)');
        set(key, 'app');
      } else {
        if (!fillDefaults && option.prompt) missing.push(`--${key}`);
        set(key, fallback);
      }
    }
    const problem = rejection(sofar);
    if (problem) throw new UsageError(problem);
  }

  if (missing.length > 0) {
    throw new UsageError(
      `missing answers and no terminal to ask: ${missing.join(', ')}`,
      'pass them as flags, use --preset <name>, or --yes to take the defaults',
    );
  }
  return sofar as Answers;
}
