// `create-k8s-app [directory]`: flags / preset / prompts → the name → the target (its emptiness
// and git facts) → the other answers → render → write → lint → next steps.
import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { resolveAnswers, resolveName, type Ask } from './answers.js';
import type { CreateArgs } from './args.js';
import { builtinTemplates } from './builtin.js';
import { Failure, UsageError } from './errors.js';
import { gatherFacts } from './facts.js';
import { findHelm, lintChart } from './lint.js';
import { ANSWERS_FILE, withMetadata } from './metadata.js';
import { render } from './render.js';
import type { Answers } from './types.js';
import { printable } from './validate.js';
import { VERSION } from './version.js';
import { productionEnv } from './view.js';
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

export async function create(args: CreateArgs, io: Io): Promise<number> {
  // Lazily: presets are YAML, and the YAML library is not worth loading for a run without one.
  const preset = args.preset ? (await import('./preset.js')).loadPreset(args.preset) : null;
  const ask = !args.yes && io.interactive ? askLazily(io) : null;

  // The name first: the target follows from it, and the defaults (repository URL, path in it)
  // from what lies around the target, so nothing is looked up for a guess.
  const input = { flags: args.answers, preset, ask, yes: args.yes };
  const name = await resolveName(input, args.directory === undefined ? undefined : basename(resolve(io.cwd, args.directory)));
  const target = resolve(io.cwd, args.directory ?? name);
  // Before the other questions, so a taken directory is refused before they are answered.
  refuseNonEmpty(target, args.force);
  const answers: Answers = await resolveAnswers({ ...input, flags: { ...args.answers, name }, facts: gatherFacts(target) });
  // Again after the questions, which can take a while: the directory may have been filled meanwhile.
  const intoExisting = refuseNonEmpty(target, args.force);

  const plan = render(answers, await builtinTemplates(), VERSION);
  const files = withMetadata(plan, answers, VERSION);
  const shown = printable(relative(io.cwd, target) || '.', Infinity);
  // Before anything is written: a HELM_BIN that names no program is bad input, not a lint failure.
  const helm = args.lint && !args.dryRun ? findHelm() : null;

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
  io.out(`created ${shown}/ (${files.size} files): ${answers.type}, ${answers.strategy}, scaling ${answers.scaling}, ${answers.security}, envs ${answers.envs.join(', ')}`);

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

/** Loads the prompts on the first question: a run refused before it never pays for them. */
function askLazily(io: Io): Ask {
  let loaded: Promise<Ask> | undefined;
  return async (...question) => (await (loaded ??= io.makeAsk()))(...question);
}

function nextSteps(dir: string, answers: Answers): string {
  const prod = productionEnv(answers.envs);
  return `
Next steps:
  cd ${dir}
  helm lint --strict chart -f chart/values-${prod}.yaml
  helm template ${answers.name} chart -f chart/values-${prod}.yaml
  # replace the placeholder image in chart/values.yaml, push, then once:
  kubectl apply -n argocd -f argocd/appproject.yaml -f argocd/applicationset.yaml`;
}
