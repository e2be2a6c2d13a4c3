import { UsageError } from './errors.js';
import { OPTION_BY_KEY, OPTIONS, rejectingRule, rejection, type Facts, type OptionSpec, type Partial_ } from './options.js';
import type { AnswerKey, Answers } from './types.js';
import { checkName, printable } from './validate.js';
import { clustersFor, parseClusterEntry } from './clusters.js';

type Value = Answers[AnswerKey];

// Only the spaces a shell or a comma list leaves around a value: anything else at the edges (a
// newline, U+2028, a BOM) is part of what was typed, so the validators see it and refuse it
// rather than the value silently changing.
const trimSpaces = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** A choice the prompt leaves out, and why (shown under the question). */
export interface Unavailable {
  value: string;
  why: string;
}

/** Asks one question; tests pass their own. Returns the typed, validated value. */
export type Ask = ((
  option: OptionSpec, defaultValue: Value, choices: readonly string[] | undefined, sofar: Partial_, unavailable?: readonly Unavailable[],
) => Promise<Value>) & {
  /** a yes/no question (the confirm before writing); absent: nothing to confirm with */
  confirm?(message: string): Promise<boolean>;
};

/** Where an answer came from, as the summary shows it. */
export type Origin = 'flag' | 'preset' | 'prompt' | 'default' | 'directory name';
export type Origins = Partial<Record<AnswerKey, Origin>>;

/** The closest choice to a mistyped value, when it is close enough to be meant (edit distance ≤ 2). */
export function closest(value: string, choices: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const choice of choices) {
    const d = distance(value.toLowerCase(), choice);
    if (d < bestDistance) [best, bestDistance] = [choice, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * Turns a raw value from a flag, a preset or `upgrade --set` into the option's type, validated.
 * `where` prefixes the message (e.g. "--port" or "presets/api.yaml:3: port").
 */
export function coerce(option: OptionSpec, raw: unknown, where: string): Value {
  const fail = (why: string, hint?: string): never => {
    throw new UsageError(`${where}: ${why}`, hint);
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
    case 'map': {
      // `<key>=<value>` from a flag (repeatable: a list), or a mapping from a preset.
      const entries: [string, unknown][] = [];
      if (typeof raw === 'string' || (Array.isArray(raw) && raw.every((s) => typeof s === 'string'))) {
        for (const text of typeof raw === 'string' ? [raw] : raw) {
          const entry = parseClusterEntry(text);
          if (!entry) return fail(`expected <env>=<value>, got ${describe(text)}`);
          entries.push(entry);
        }
      } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !ArrayBuffer.isView(raw)) {
        entries.push(...Object.entries(raw));
      } else return fail(`expected <env>=<value> entries or a mapping, got ${describe(raw)}`);
      const map: Record<string, string> = {};
      for (const [key, v] of entries) {
        const k = trimSpaces(key);
        if (typeof v !== 'string') return fail(`${printable(k)}: expected a string, got ${describe(v)}`);
        if (Object.hasOwn(map, k)) return fail(`${printable(k)} is given twice`);
        Object.defineProperty(map, k, { value: trimSpaces(v), enumerable: true, writable: true, configurable: true });
      }
      value = map;
      break;
    }
    case 'percent':
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && trimSpaces(raw) === 'none') value = 'none';
      else if (typeof raw === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(trimSpaces(raw))) value = Number(trimSpaces(raw));
      else return fail(`expected a percentage (such as 99.9) or none, got ${describe(raw)}`);
      break;
    case 'enum':
      if (typeof raw !== 'string' || !option.choices!.includes(raw)) {
        const near = typeof raw === 'string' ? closest(raw, option.choices!) : null;
        return fail(`${describe(raw)} is not one of ${option.choices!.join(', ')}`, near ? `did you mean ${near}?` : undefined);
      }
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
  /** filled in: where each answer came from */
  origins?: Origins;
}

/**
 * The name, resolved before the other answers: the target directory follows from it, and some
 * defaults from where the target lies. Flag > preset > the directory's name > the first question.
 */
export async function resolveName(input: Omit<ResolveInput, 'facts'>, directoryName: string | undefined): Promise<string> {
  const origins = input.origins ?? {};
  checkGiven(givenAnswers(input));
  const given = input.flags.name ?? input.preset?.name;
  if (given !== undefined) {
    origins.name = input.flags.name !== undefined ? 'flag' : 'preset';
    return given;
  }
  if (directoryName !== undefined) {
    const problem = checkName(directoryName);
    if (problem) throw new UsageError(`the directory name "${printable(directoryName)}" is not a valid app name: ${problem}`, 'pass --name <name>');
    origins.name = 'directory name';
    return directoryName;
  }
  if (input.ask) {
    origins.name = 'prompt';
    return (await input.ask(OPTION_BY_KEY.get('name')!, null as never, undefined, {})) as string;
  }
  if (input.yes) throw new UsageError('--yes needs a name to take the defaults for', 'pass --name <name> or a directory, e.g. create-k8s-app my-api --yes');
  // Nothing given and nobody to ask: resolving the rest refuses the run, naming every missing answer.
  await resolveAnswers({ ...input, facts: { originUrl: null, repoPath: null } });
  throw new Error('answers resolved without a name');
}

/** What the flags and the preset (or the recorded answers) give, flags first. */
function givenAnswers(input: Pick<ResolveInput, 'flags' | 'preset'>): Partial_ {
  const given: Partial_ = { ...(input.preset ?? {}), ...input.flags };
  if (input.preset?.clusters && input.flags.clusters) {
    // Entry by entry: --cluster prod=… changes prod and keeps the preset's (or record's) other clusters.
    given.clusters = { ...input.preset.clusters, ...input.flags.clusters };
  }
  if (input.preset?.clusters && input.flags.envs) {
    // The flags changed the environments (upgrade --set envs=…): the clusters of environments no
    // longer listed go with them. Those the flags name themselves are still checked.
    const envs = input.flags.envs;
    given.clusters = Object.fromEntries(
      Object.entries(given.clusters!).filter(([env]) => envs.includes(env) || Object.hasOwn(input.flags.clusters ?? {}, env)),
    );
  }
  return given;
}

/** flags > preset > prompts > defaults, in prompt order; combination rules checked as answers arrive. */
export async function resolveAnswers(input: ResolveInput): Promise<Answers> {
  const given = givenAnswers(input);
  checkGiven(given);
  const origins = input.origins ?? {};
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
      // A map names some environments; the others take the default (the rules see any extra).
      set(key, option.kind === 'map' ? { ...clustersFor(sofar.envs ?? [], explicit as Record<string, string>), ...(explicit as Record<string, string>) } : explicit);
      if (!(key === 'name' && origins.name)) origins[key] = key in input.flags ? 'flag' : 'preset';
    } else {
      const fallback = option.defaultValue(sofar, input.facts);
      if (input.ask && option.prompt) {
        // Valid with the answers so far and with what was given for later questions.
        const unavailable: Unavailable[] = [];
        const choices = option.choices?.filter((c) => {
          const candidate = { ...given, ...sofar, [key]: c };
          const rule = rejectingRule(candidate);
          if (rule) unavailable.push({ value: c, why: rule.why(candidate) });
          return !rule;
        });
        const answer = await input.ask(option, fallback, choices, { ...sofar }, unavailable);
        set(key, answer);
        // A default taken with Enter is still the default (a placeholder stays one).
        origins[key] = choices?.length === 1 || JSON.stringify(answer) === JSON.stringify(fallback) ? 'default' : 'prompt';
      } else if (fallback === null && key === 'name') {
        missing.push('--name (or a directory)');
        set(key, 'app');
      } else {
        if (!fillDefaults && option.prompt) missing.push(`--${key}`);
        set(key, fallback);
        origins[key] = 'default';
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

/**
 * Given values (flags over the preset) checked against each other before any question, so a
 * rejected combination is refused before anything is asked.
 */
function checkGiven(given: Partial_): void {
  const problem = rejection(given);
  if (problem) throw new UsageError(problem);
}
