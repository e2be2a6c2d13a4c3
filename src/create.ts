// `create-k8s-app [directory]`: argv / preset / prompts → Answers → render → write → lint.
import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { resolveAnswers, type Ask } from './answers.js';
import type { ParsedArgs } from './args.js';
import { builtinTemplates } from './builtin.js';
import { Failure, UsageError } from './errors.js';
import { gatherFacts } from './facts.js';
import { findHelm, lintChart } from './lint.js';
import { ANSWERS_FILE, withMetadata } from './metadata.js';
import { render } from './render.js';
import type { Answers } from './types.js';
import { checkName, printable } from './validate.js';
import { VERSION } from './version.js';
import { productionEnv } from './view.js';
import { applyChanges, describeRecovery, writeNewProject } from './write.js';
import type { Io } from './cli.js';

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

export async function create(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError(`expected one directory, got ${args.positionals.length}: ${args.positionals.map((p) => printable(p)).join(' ')}`);
  if (args.check || args.set.length > 0 || args.restore.length > 0)
    throw new UsageError('--check, --set and --restore belong to the upgrade command', 'run create-k8s-app upgrade --help');

  const flags = { ...args.answers };
  let dir = args.positionals[0];
  // Lazily: presets are YAML, and the YAML library is not worth loading for a run without one.
  const preset = args.preset ? (await import('./preset.js')).loadPreset(args.preset) : null;
  // The directory's name is only the default name: a name in the preset wins over it.
  if (dir !== undefined && flags.name === undefined && preset?.name === undefined) {
    const fromDir = basename(resolve(io.cwd, dir));
    if (checkName(fromDir)) {
      throw new UsageError(`the directory name "${printable(fromDir)}" is not a valid app name: ${checkName(fromDir)}`, 'pass --name <name>');
    }
    flags.name = fromDir;
  }
  if (dir === undefined && (flags.name ?? preset?.name)) dir = (flags.name ?? preset?.name)!;
  if (dir !== undefined) refuseNonEmpty(resolve(io.cwd, dir), args.force);

  const interactive = !args.yes && io.interactive;
  const ask: Ask | null = interactive ? await io.makeAsk() : null;
  const answers: Answers = await resolveAnswers({
    flags,
    preset,
    facts: gatherFacts(resolve(io.cwd, dir ?? flags.name ?? preset?.name ?? '.')),
    ask,
    yes: args.yes,
  });
  dir ??= answers.name;
  const target = resolve(io.cwd, dir);
  // Checked again after the prompts: the directory may have been named, or filled, meanwhile.
  const intoExisting = refuseNonEmpty(target, args.force);

  const plan = render(answers, await builtinTemplates(), VERSION);
  const files = withMetadata(plan, answers, VERSION);
  const shown = relative(io.cwd, target) || '.';

  if (args.dryRun) {
    io.out(`would write ${files.size} files to ${shown}/:`);
    for (const path of files.keys()) io.out(`  ${path}`);
    return 0;
  }

  if (intoExisting) {
    const recovered = await applyChanges(target, [...files].map(([path, content]) => ({ path, content })));
    if (recovered) io.out(describeRecovery(recovered));
  } else {
    await writeNewProject(target, files);
  }
  io.out(`created ${shown}/ (${files.size} files): ${answers.type}, ${answers.strategy}, scaling ${answers.scaling}, ${answers.security}, envs ${answers.envs.join(', ')}`);

  const helm = args.lint ? findHelm() : null;
  if (helm) {
    const result = await lintChart(helm, join(target, 'chart'), answers.envs);
    if (!result.ok) {
      io.err(result.output.trim());
      throw new Failure(`helm lint found problems in ${shown}/chart`, 'the output above names them; please report it, the templates should never produce this');
    }
    io.out(`helm lint --strict: chart passes alone and with ${answers.envs.map((e) => `values-${e}.yaml`).join(', ')}`);
  }
  io.out(nextSteps(shown, answers));
  return 0;
}

function nextSteps(dir: string, answers: Answers): string {
  const prod = productionEnv(answers.envs);
  return `
Next steps:
  cd ${dir}
  helm lint --strict chart -f chart/values-${prod}.yaml
  helm template ${answers.name} chart -f chart/values-${prod}.yaml
  # replace the placeholder image in chart/values.yaml, push, then once:
  kubectl apply -n argocd -f argocd/applicationset.yaml`;
}
