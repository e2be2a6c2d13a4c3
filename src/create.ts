// `create-k8s-app [directory]`: flags / preset / prompts → the name → the target (its emptiness
// and git facts) → the other answers → render → write → lint → next steps.
import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { resolveAnswers, resolveName, type Ask, type Origins } from './answers.js';
import type { CreateArgs } from './args.js';
import { builtinTemplates } from './builtin.js';
import { Failure, UsageError } from './errors.js';
import { gatherFacts } from './facts.js';
import { findHelm, lintChart } from './lint.js';
import { ANSWERS_FILE, withMetadata } from './metadata.js';
import { nextSteps } from './next-steps.js';
import { OPTIONS } from './options.js';
import { loadPreset } from './preset.js';
import { render } from './render.js';
import type { Answers } from './types.js';
import { printable } from './validate.js';
import { VERSION } from './version.js';
import { applyChanges, describeRecovery, writeNewProject } from './write.js';
import type { Io } from './io.js';

function entriesOf(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`${printable(dir, Infinity)} is not a directory (it, or a folder above it, is a file)`);
    throw error;
  }
}

/** Refuses a non-empty directory unless forced; returns whether it has entries (it is written into). */
function refuseNonEmpty(dir: string, force: boolean): boolean {
  const entries = entriesOf(dir);
  if (!entries || entries.length === 0) return false;
  if (force) return true;
  const hint = entries.includes(ANSWERS_FILE)
    ? `it holds a generated project: run create-k8s-app upgrade ${dir} to update it`
    : 'choose another directory, or pass --force to write the generated files into it (nothing else is touched)';
  throw new UsageError(`${printable(dir, Infinity)} is not empty`, hint);
}

/** "No" at the confirm: exit 130, like an interrupt. */
class Cancelled extends Error {
  readonly exitCode = 130;
  constructor() {
    super('cancelled; nothing was written');
  }
}

export async function create(args: CreateArgs, io: Io): Promise<number> {
  // The intro comes before the first question, or, with none, once the answers are known: a run
  // refused for its input prints nothing but the error.
  let introduced = false;
  const intro = () => {
    if (!introduced) io.out(`create-k8s-app ${VERSION}`);
    introduced = true;
  };
  // Before anything is asked or written: a HELM_BIN that names no program is bad input, not a lint failure.
  const helm = args.lint ? findHelm() : null;
  const preset = args.preset ? loadPreset(args.preset) : null;
  const ask = !args.yes && io.interactive ? askLazily(io, intro) : null;

  // The name first: the target follows from it, and the defaults (repository URL, path in it)
  // from what lies around the target, so nothing is looked up for a guess.
  const origins: Origins = {};
  const input = { flags: args.answers, preset, ask, yes: args.yes, origins };
  const name = await resolveName(input, args.directory === undefined ? undefined : basename(resolve(io.cwd, args.directory)));
  const target = resolve(io.cwd, args.directory ?? name);
  // Before the other questions, so a taken directory is refused before they are answered.
  refuseNonEmpty(target, args.force);
  const answers: Answers = await resolveAnswers({ ...input, flags: { ...args.answers, name }, facts: gatherFacts(target) });
  intro();
  if (ask) {
    io.out(summary(answers, origins, width(io)));
    // A dry run writes nothing, so there is nothing to confirm.
    if (!args.dryRun && ask.confirm && !(await ask.confirm(`Write the project to ${relative(io.cwd, target) || '.'}/?`))) throw new Cancelled();
  }
  // Again after the questions, which can take a while: the directory may have been filled meanwhile.
  const intoExisting = refuseNonEmpty(target, args.force);

  const plan = render(answers, await builtinTemplates(), VERSION);
  const files = withMetadata(plan, answers, VERSION);
  const shown = printable(relative(io.cwd, target) || '.', Infinity);

  if (args.dryRun) {
    io.out(`would write ${files.size} files to ${shown}/:`);
    for (const path of files.keys()) io.out(`  ${path}`);
    return 0;
  }

  if (intoExisting) {
    if (!args.allowDirty) await (await import('./git.js')).refuseUncommitted(target, [...files.keys()]);
    const recovered = await applyChanges(target, [...files].map(([path, content]) => ({ path, content })));
    if (recovered) io.out(describeRecovery(recovered));
  } else {
    await writeNewProject(target, files);
  }
  io.out(wrap(`created ${shown}/ (${files.size} files): ${answers.type}, ${answers.strategy}, scaling ${answers.scaling}, ${answers.security}, envs ${answers.envs.join(', ')}`, width(io)));

  if (args.lint && !helm) io.out('helm lint: skipped, helm is not on PATH (install helm or set HELM_BIN; --no-lint silences this)');
  if (helm) {
    const result = await lintChart(helm, join(target, 'chart'), answers.envs);
    if (!result.ok) {
      io.err(result.output.trim());
      throw new Failure(`helm lint found problems in ${shown}/chart`, 'the output above names them; please report it, the templates should never produce this');
    }
    io.out(`helm lint --strict: chart passes alone and with ${answers.envs.map((e) => `values-${e}.yaml`).join(', ')}`);
  }
  io.out(
    nextSteps({ dir: shown, answers, origins, files })
      .split('\n')
      .map((line) => (line.includes('kubectl ') ? line : wrap(line, width(io))))
      .join('\n'),
  );
  return 0;
}

/** Loads the prompts on the first question: a run refused before it never pays for them. */
function askLazily(io: Io, beforeFirst: () => void): Ask {
  let loaded: Promise<Ask> | undefined;
  const ask: Ask = async (...question) => {
    beforeFirst();
    return (await (loaded ??= io.makeAsk()))(...question);
  };
  ask.confirm = async (message) => {
    const real = await (loaded ??= io.makeAsk());
    return real.confirm ? real.confirm(message) : true;
  };
  return ask;
}

/** The terminal's width when there is one; no wrapping otherwise (a pipe, a log, a test). */
function width(io: Io): number {
  return (io as { columns?: number }).columns ?? (io.interactive ? (process.stdout.columns ?? Infinity) : Infinity);
}

/** Breaks a line at spaces to fit `columns`; continuation lines keep its indentation plus two. */
export function wrap(line: string, columns: number): string {
  if (line.length <= columns) return line;
  // Under the text of a numbered step, else two columns in.
  const step = /^ *\d+\. /.exec(line)?.[0].length;
  const indent = ' '.repeat(step ?? (/^ */.exec(line)?.[0].length ?? 0) + 2);
  const out: string[] = [];
  let current = '';
  for (const word of line.trimStart().split(' ')) {
    const lead = out.length === 0 ? line.slice(0, line.length - line.trimStart().length) : indent;
    if (current && lead.length + current.length + 1 + word.length > columns) {
      out.push(lead + current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  out.push((out.length === 0 ? line.slice(0, line.length - line.trimStart().length) : indent) + current);
  return out.join('\n');
}

/** Every answer that applies, with where it came from. */
export function summary(answers: Answers, origins: Origins, columns = Infinity): string {
  const rows = OPTIONS.filter((o) => answers[o.key] !== null && origins[o.key] !== undefined).map((o) => {
    const value = answers[o.key];
    const text = Array.isArray(value) ? (value.length ? value.join(', ') : 'none') : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
    return [o.key, text, origins[o.key]!];
  });
  const keyWidth = Math.max(...rows.map(([key]) => key.length)) + 2;
  const valueWidth = Math.max(...rows.map(([, text]) => text.length)) + 2;
  const lines = rows.map(([key, text, origin]) =>
    keyWidth + valueWidth + origin.length + 4 <= columns ? `  ${key.padEnd(keyWidth)}${text.padEnd(valueWidth)}(${origin})` : `  ${key}: ${text} (${origin})`,
  );
  return ['', 'Your answers:', ...lines, ''].join('\n');
}
