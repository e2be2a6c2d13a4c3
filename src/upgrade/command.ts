// `create-k8s-app upgrade [directory...]`: re-render with this version and the recorded (or
// --set) answers, then merge per file with the recorded base and the user's copy.
import { relative, resolve } from 'node:path';
import { coerce, resolveAnswers } from '../answers.js';
import type { ParsedArgs } from '../args.js';
import { builtinTemplates } from '../builtin.js';
import type { Io } from '../cli.js';
import { Failure, UsageError } from '../errors.js';
import { gatherFacts } from '../facts.js';
import { ANSWERS_FILE, serializeAnswers } from '../metadata.js';
import { parseRecorded } from '../recorded.js';
import { OPTION_BY_KEY, OPTIONS, type Partial_ } from '../options.js';
import { render, type Templates } from '../render.js';
import type { AnswerKey, Answers } from '../types.js';
import { VERSION } from '../version.js';
import { readProjectFile } from '../project-fs.js';
import { applyChanges, assertSettled, describeRecovery, recoverInterrupted, type FileOp } from '../write.js';
import { BASE_FILE, parseBase, serializeBase } from './base.js';
import { changeDiff } from './diff.js';
import { findConflictMarkers } from './markers.js';
import { upgradeLabels } from './merge.js';
import { planUpgrade, readDisk, type FileChange, type UpgradePlan } from './plan.js';

export interface UpgradeOptions {
  set: string[];
  restore: string[];
  check: boolean;
  dryRun: boolean;
  /** for tests: another template set and version than the built-in ones */
  templates?: Templates;
  version?: string;
}

export interface UpgradeResult {
  code: number;
  lines: string[];
}

const SEVERITY = [0, 1, 3, 2];
const worse = (a: number, b: number) => (SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b);

export async function upgrade(args: ParsedArgs, io: Io): Promise<number> {
  const dirs = args.positionals.length > 0 ? args.positionals : ['.'];
  const options: UpgradeOptions = { set: args.set, restore: args.restore, check: args.check, dryRun: args.dryRun };
  if (Object.keys(args.answers).length > 0 || args.preset)
    throw new UsageError('upgrade takes changed answers as --set key=value', 'for example: create-k8s-app upgrade --set strategy=canary');
  const one = async (dir: string): Promise<UpgradeResult> => {
    try {
      return await upgradeProject(resolve(io.cwd, dir), options);
    } catch (error) {
      const known = error as { exitCode?: number; message: string; hint?: string };
      // An interrupt stops the whole run, not only this project.
      if (typeof known.exitCode !== 'number' || known.exitCode === 130) throw error;
      return { code: known.exitCode, lines: [`error: ${known.message}`, ...(known.hint ? [`hint: ${known.hint}`] : [])] };
    }
  };
  // A read-only run over a monorepo overlaps a few projects, so one renders while others wait on
  // the disk; reports still come out in the order given. Runs that write take one at a time.
  const ahead = options.check || options.dryRun ? inOrder(dirs, one, 4) : null;
  let code = 0;
  for (const [i, dir] of dirs.entries()) {
    const shown = relative(io.cwd, resolve(io.cwd, dir)) || '.';
    const result = ahead ? await ahead(i) : await one(dir);
    const [first, ...rest] = result.lines;
    const say = result.code === 0 || result.code === 1 && options.check ? io.out : io.err;
    if (first !== undefined) say(dirs.length > 1 ? `${shown}: ${first}` : first);
    for (const line of rest) say(line);
    code = worse(code, result.code);
  }
  return code;
}

/**
 * Runs `task` over `items`, at most `limit` at a time, started in order; `get(i)` waits for the
 * i-th. A failure is held until its turn, so it is neither unhandled meanwhile nor reported early.
 */
function inOrder<T, R>(items: readonly T[], task: (item: T) => Promise<R>, limit: number): (i: number) => Promise<R> {
  const settled: Promise<{ ok: true; value: R } | { ok: false; error: unknown }>[] = [];
  let next = 0;
  const start = () => {
    if (next >= items.length) return;
    const i = next++;
    settled[i] = task(items[i]).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    void settled[i].then(start);
  };
  for (let k = 0; k < limit; k++) start();
  return async (i) => {
    const outcome = await settled[i];
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[-+]/)[0].split('.').map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function parseSet(entries: string[]): Partial_ {
  const out: Partial_ = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = (eq < 0 ? entry : entry.slice(0, eq)) as AnswerKey;
    const option = OPTION_BY_KEY.get(key);
    if (eq < 0 || !option)
      throw new UsageError(`--set ${entry}: expected key=value with key one of ${OPTIONS.map((o) => o.key).join(', ')}`);
    (out as Record<string, unknown>)[key] = coerce(option, entry.slice(eq + 1), `--set ${key}`);
  }
  return out;
}

/**
 * Recorded answers for options that still apply once the --set changes are in; the rest are
 * re-derived, so --set strategy=canary gets canary's defaults, and --set scaling=hpa drops the
 * recorded keda-trigger instead of rejecting it as a flag without keda.
 */
function applicableRecorded(recorded: Partial_, changed: Partial_): Partial_ {
  const merged: Partial_ = { ...recorded, ...changed };
  const kept: Partial_ = {};
  for (const option of OPTIONS) {
    const value = recorded[option.key];
    if (value !== undefined && option.applies(merged)) (kept as Record<string, unknown>)[option.key] = value;
  }
  return kept;
}

async function readText(root: string, what: string): Promise<string> {
  let read: { content: string } | null;
  try {
    read = readProjectFile(root, what);
  } catch (error) {
    if (typeof (error as { exitCode?: number }).exitCode === 'number') throw error;
    throw new Failure(`cannot read ${what}: ${(error as Error).message}`);
  }
  if (read === null) throw new UsageError(`${what} is missing: not a project generated by create-k8s-app`, 'generate one with create-k8s-app <directory>');
  return read.content;
}

export async function upgradeProject(root: string, options: UpgradeOptions): Promise<UpgradeResult> {
  if (options.check || options.dryRun) {
    // Reads only: a project another run is changing, or one left half-changed, is reported.
    assertSettled(root);
    return upgradeSettled(root, options);
  }
  // What an interrupted run left half-done is put back before anything is read (under the lock,
  // which is taken again to write; another run holding it fails this one).
  const recovered = recoverInterrupted(root);
  const result = await upgradeSettled(root, options);
  if (recovered) result.lines.splice(1, 0, describeRecovery(recovered));
  return result;
}

async function upgradeSettled(root: string, options: UpgradeOptions): Promise<UpgradeResult> {
  const version = options.version ?? VERSION;
  const recordedText = await readText(root, ANSWERS_FILE);
  const recorded = await parseRecorded(recordedText, ANSWERS_FILE);
  if (compareVersions(recorded.version, version) > 0) {
    throw new UsageError(
      `the project was generated by create-k8s-app ${recorded.version}, newer than this ${version}`,
      `run create-k8s-app@${recorded.version} or newer; downgrades are refused`,
    );
  }
  const baseText = await readText(root, BASE_FILE);
  const base = parseBase(baseText, BASE_FILE);
  const changed = parseSet(options.set);
  const answers: Answers = await resolveAnswers({
    flags: changed,
    preset: applicableRecorded(recorded.answers, changed),
    facts: gatherFacts(root),
    ask: null,
    yes: true,
  });
  const next = render(answers, options.templates ?? (await builtinTemplates()), version);
  const { disk, modes } = await readDisk(root, new Set([...base.keys(), ...next.keys()]));

  const marked = findConflictMarkers(disk);
  if (marked.length > 0) {
    return {
      code: 3,
      lines: [`unresolved conflict markers in ${marked.join(', ')}`, 'hint: resolve them (keep the lines you want, delete the markers), then run upgrade again'],
    };
  }
  const labels = upgradeLabels(recorded.version, version);
  if (options.check) {
    const left = abandoned(planUpgrade({ base, next, disk, modes, labels }));
    if (left.length > 0) {
      return { code: 3, lines: [`edited files no longer generated: ${left.join(', ')}`, `hint: ${ABANDONED_HINT}`] };
    }
    const same = next.size === base.size && [...next].every(([path, content]) => base.get(path) === content);
    return same
      ? { code: 0, lines: [`up to date with create-k8s-app ${version}`] }
      : { code: 1, lines: [`an upgrade to create-k8s-app ${version} would change files; run create-k8s-app upgrade`] };
  }

  const restore = new Set(options.restore);
  for (const path of restore) {
    if (!base.has(path) && !next.has(path)) throw new UsageError(`--restore ${path}: not a file the generator produces`);
  }
  const plan = planUpgrade({ base, next, disk, modes, labels, restore });
  // An edited file the generator no longer produces stays in the record until the user deletes
  // or renames it: otherwise the next --check would pass with, say, an HPA beside a ScaledObject.
  const record = new Map(next);
  for (const path of abandoned(plan)) record.set(path, base.get(path)!);
  const ops: FileOp[] = [];
  for (const change of plan.changes) {
    if (change.content !== undefined) ops.push({ path: change.path, content: change.content, mode: change.mode });
    else if (change.status === 'delete') ops.push({ path: change.path });
  }
  const newAnswers = serializeAnswers(answers, version);
  const metadataChanged = newAnswers !== recordedText || serializeBase(record) !== serializeBase(base);
  const lines = report(plan.changes, options.dryRun);

  if (options.dryRun) {
    lines.unshift(ops.length === 0 && !metadataChanged ? 'dry run: up to date, nothing would change' : `dry run: ${ops.length} file(s) would change`);
    for (const change of plan.changes) {
      const diff = changeDiff(change);
      if (diff) lines.push(diff.trimEnd());
    }
    return { code: 0, lines };
  }
  const writes = ops.length > 0 || metadataChanged;
  if (writes) {
    // The records go last: an upgrade interrupted before them is simply run again.
    ops.push({ path: ANSWERS_FILE, content: newAnswers }, { path: BASE_FILE, content: serializeBase(record) });
    await applyChanges(root, ops, { plannedFrom: new Map([...disk, [ANSWERS_FILE, recordedText], [BASE_FILE, baseText]]) });
  }
  if (plan.conflicts.length > 0) {
    return {
      code: 3,
      lines: [
        writes
          ? `upgraded to create-k8s-app ${version} with ${plan.conflicts.length} conflict(s)`
          : `nothing new to apply, but ${plan.conflicts.length} conflict(s) remain`,
        ...lines,
        'conflicts (resolve, then run upgrade again):',
        ...plan.conflicts.map((c) => `  ${c.path}: ${c.reason ?? 'both sides changed the same lines'}`),
        ...(abandoned(plan).length > 0 ? [`hint: files no longer generated: ${ABANDONED_HINT}`] : []),
      ],
    };
  }
  return { code: 0, lines: [writes ? `upgraded to create-k8s-app ${version}` : 'up to date; nothing to do', ...lines] };
}

const ABANDONED_HINT = 'delete them, or rename them to keep them as your own, then run upgrade again';

/** Edited files the generator no longer produces: kept on disk, and unresolved until the user acts. */
function abandoned(plan: UpgradePlan): string[] {
  return plan.conflicts.filter((c) => c.content === undefined).map((c) => c.path);
}

const QUIET = new Set(['unchanged']);

function report(changes: FileChange[], all: boolean): string[] {
  return changes
    .filter((c) => all || !QUIET.has(c.status))
    .map((c) => `  ${c.status.padEnd(12)} ${c.path}${c.status === 'kept-deleted' ? ' (you deleted it; --restore brings it back)' : ''}`);
}
