// `create-k8s-app upgrade [directory...]`: re-render with this version and the recorded (or
// --set) answers, then merge per file with the recorded base and the user's copy.
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { coerce, resolveAnswers } from '../answers.js';
import type { UpgradeArgs } from '../args.js';
import { builtinTemplates } from '../builtin.js';
import type { ValuesModel } from '../values/model.js';
import type { Io } from '../io.js';
import { errorLines, Failure, UsageError } from '../errors.js';
import { gatherFacts } from '../facts.js';
import { builtinFingerprint, FINGERPRINT } from '../fingerprint.js';
import { refuseUncommitted } from '../git.js';
import { readInputFile } from '../input-file.js';
import { findHelm } from '../lint.js';
import { ANSWERS_FILE, serializeAnswers } from '../metadata.js';
import { parseRecorded } from '../recorded.js';
import { OPTION_BY_KEY, OPTIONS, type Partial_ } from '../options.js';
import { render, type Templates } from '../render.js';
import type { AnswerKey, Answers } from '../types.js';
import { printable, printableText } from '../validate.js';
import { VERSION } from '../version.js';
import { inspect } from '../project-fs.js';
import { applyChanges, assertSettled, describeRecovery, recoverInterrupted, STATE_DIR, type FileOp } from '../write.js';
import { BASE_FILE, parseBase, serializeBase } from './base.js';
import { changeDiff } from './diff.js';
import { findConflictMarkers } from './markers.js';
import { upgradeLabels } from './merge.js';
import { planUpgrade, readDisk, type FileChange, type UpgradePlan } from './plan.js';
import { helmProblems, staticProblems } from './verify.js';

export interface UpgradeOptions {
  set: string[];
  restore: string[];
  check: boolean;
  dryRun: boolean;
  /** write even where git reports uncommitted changes to the files written */
  allowDirty?: boolean;
  /** run helm on the merged chart when helm is found (--no-lint: false) */
  lint?: boolean;
  /** for tests: another template set and values model, their fingerprint and version than the built-in ones */
  templates?: Templates;
  values?: ValuesModel;
  fingerprint?: string;
  version?: string;
  /** for tests: the helm binary (null: none); by default HELM_BIN or helm on PATH */
  helm?: string | null;
}

export interface UpgradeResult {
  code: number;
  lines: string[];
}

const SEVERITY = [0, 1, 3, 2];
const worse = (a: number, b: number) => (SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b);

export async function upgrade(args: UpgradeArgs, io: Io): Promise<number> {
  const dirs = args.directories.length > 0 ? args.directories : ['.'];
  const options: UpgradeOptions = {
    set: args.set,
    restore: args.restore,
    check: args.check,
    dryRun: args.dryRun,
    allowDirty: args.allowDirty,
    lint: args.lint,
  };
  const one = async (dir: string): Promise<UpgradeResult> => {
    try {
      return await upgradeProject(resolve(io.cwd, dir), options);
    } catch (error) {
      const known = error as { exitCode?: number; message: string; hint?: string; code?: unknown };
      // An interrupt stops the whole run, not only this project.
      if (known.exitCode === 130) throw error;
      if (typeof known.exitCode !== 'number') {
        // An I/O error is no bug: one line, exit 1. Anything else is one, and cli.ts says so.
        if (typeof known.code !== 'string' || !/^E[A-Z]+$/.test(known.code)) throw error;
        return { code: 1, lines: [`error: ${printable(known.message.split('\n')[0], 300)}`] };
      }
      return { code: known.exitCode, lines: errorLines(known) };
    }
  };
  // A read-only run over a monorepo overlaps a few projects, so one renders while others wait on
  // the disk; reports still come out in the order given. Runs that write take one at a time.
  const readOnly = options.check || options.dryRun;
  const ahead = readOnly ? inOrder(dirs, one, 4) : null;
  let code = 0;
  for (const [i, dir] of dirs.entries()) {
    const shown = printable(relative(io.cwd, resolve(io.cwd, dir)) || '.', Infinity);
    const result = ahead ? await ahead(i) : await one(dir);
    const [first, ...rest] = result.lines;
    const say = result.code === 0 || result.code === 1 && readOnly ? io.out : io.err;
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

// semver.org's grammar: MAJOR.MINOR.PATCH, an optional pre-release and build metadata.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Semver precedence (build metadata ignored); both must match SEMVER. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [SEMVER.exec(a)!, SEMVER.exec(b)!];
  for (let i = 1; i <= 3; i++) if (x[i] !== y[i]) return Number(x[i]) < Number(y[i]) ? -1 : 1;
  const [p, q] = [x[4], y[4]];
  if (p === q) return 0;
  if (p === undefined) return 1;
  if (q === undefined) return -1;
  const [ps, qs] = [p.split('.'), q.split('.')];
  for (let i = 0; i < Math.max(ps.length, qs.length); i++) {
    if (ps[i] === qs[i]) continue;
    if (ps[i] === undefined) return -1;
    if (qs[i] === undefined) return 1;
    const [m, n] = [/^\d+$/.test(ps[i]), /^\d+$/.test(qs[i])];
    if (m && n) return Number(ps[i]) < Number(qs[i]) ? -1 : 1;
    if (m !== n) return m ? -1 : 1;
    return ps[i] < qs[i] ? -1 : 1;
  }
  return 0;
}

function parseSet(entries: string[]): Partial_ {
  const out: Partial_ = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    // A map answer changes one entry at a time: clusters.<env>=<url>.
    const dot = name.indexOf('.');
    const key = (dot < 0 ? name : name.slice(0, dot)) as AnswerKey;
    const option = OPTION_BY_KEY.get(key);
    const expected = OPTIONS.map((o) => (o.kind === 'map' ? `${o.key}.<env>` : o.key)).join(', ');
    if (eq < 0 || !option || (option.kind === 'map') !== (dot >= 0))
      throw new UsageError(`--set ${printable(entry)}: expected key=value with key one of ${expected}`);
    if (option.kind === 'map') {
      const entryKey = name.slice(dot + 1);
      const one = coerce(option, `${entryKey}=${entry.slice(eq + 1)}`, `--set ${printable(name)}`) as Record<string, string>;
      (out as Record<string, unknown>)[key] = { ...((out[key] ?? {}) as Record<string, string>), ...one };
      continue;
    }
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

const NOT_A_PROJECT = 'generate one with create-k8s-app <directory>';

/** A record inside the project: a regular file, not a link, of bounded size. */
function readRecord(root: string, path: string, maxBytes?: number): string {
  // A link anywhere on the way is refused (project-fs); the file itself is opened without following one.
  inspect(root, path);
  return readInputFile(join(root, path), {
    shown: path,
    noFollow: true,
    ...(maxBytes !== undefined && { maxBytes }),
    missing: () => new UsageError(`${path} is missing: not a project generated by create-k8s-app`, NOT_A_PROJECT),
  });
}

function checkRoot(root: string): void {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${printable(root, Infinity)} does not exist`, NOT_A_PROJECT);
  if (!st.isDirectory()) throw new UsageError(`${printable(root, Infinity)} is not a directory: upgrade takes the folder of a generated project`);
}

/**
 * Puts back what an interrupted run left (the writer's business). Whatever it finds is input: an
 * error of its own is reported as it is, anything else as one line naming the leftovers.
 */
function recover(root: string): ReturnType<typeof recoverInterrupted> {
  try {
    return recoverInterrupted(root);
  } catch (error) {
    if (typeof (error as { exitCode?: unknown }).exitCode === 'number') throw error;
    throw new Failure(
      `cannot undo the interrupted run recorded in .create-k8s-app/: ${printable((error as Error)?.message ?? String(error), 200)}`,
      'restore the project from version control, delete .create-k8s-app/run/, then run upgrade again',
    );
  }
}

/** The recorded version and fingerprint are shown in messages and conflict markers: input, checked like any other. */
function checkRecordedFields(recorded: { version: string; templates?: string }): void {
  const hint = `restore ${ANSWERS_FILE} from version control`;
  if (!SEMVER.test(recorded.version))
    throw new UsageError(`${ANSWERS_FILE}: version "${printable(recorded.version)}" is not a semantic version (like 1.2.3)`, hint);
  if (recorded.templates !== undefined && !FINGERPRINT.test(recorded.templates))
    throw new UsageError(`${ANSWERS_FILE}: templates "${printable(recorded.templates)}" is not a template fingerprint (12 hex digits)`, hint);
}

export async function upgradeProject(root: string, options: UpgradeOptions): Promise<UpgradeResult> {
  checkRoot(root);
  if (options.check || options.dryRun) {
    // Reads only: a project another run is changing, or one left half-changed, is reported.
    assertSettled(root);
    return upgradeSettled(root, options);
  }
  // What an interrupted run left half-done is put back before anything is read (under the lock,
  // which is taken again to write; another run holding it fails this one).
  const recovered = recover(root);
  const result = await upgradeSettled(root, options);
  if (recovered) result.lines.splice(1, 0, describeRecovery(recovered));
  return result;
}

async function upgradeSettled(root: string, options: UpgradeOptions): Promise<UpgradeResult> {
  const version = options.version ?? VERSION;
  const fingerprint = options.fingerprint ?? builtinFingerprint();
  const readOnly = options.check || options.dryRun;
  const recordedText = readRecord(root, ANSWERS_FILE);
  const recorded = await parseRecorded(recordedText, ANSWERS_FILE);
  checkRecordedFields(recorded);
  const order = compareVersions(recorded.version, version);
  if (order > 0) {
    throw new UsageError(
      `the project was generated by create-k8s-app ${recorded.version}, newer than this ${version}`,
      `run create-k8s-app@${recorded.version} or newer; downgrades are refused`,
    );
  }
  const notes: string[] = [];
  if (order === 0 && recorded.templates !== undefined && recorded.templates !== fingerprint) {
    notes.push(`note: same version ${version}, other templates: the project's ${recorded.templates}, this build's ${fingerprint}`);
  }
  // The base may hold a whole chart with its docs; it is still bounded, and read only as a file.
  const baseText = readRecord(root, BASE_FILE, 16 * 1024 * 1024);
  const base = parseBase(baseText, BASE_FILE);
  const changed = parseSet(options.set);
  const answers: Answers = await resolveAnswers({
    flags: changed,
    preset: applicableRecorded(recorded.answers, changed),
    facts: gatherFacts(root),
    ask: null,
    yes: true,
  });
  const templates = options.templates ?? (await builtinTemplates());
  const next = render(answers, templates, version, options.values);
  const { disk, modes } = await readDisk(root, new Set([...base.keys(), ...next.keys()]));

  const marked = findConflictMarkers(disk);
  if (marked.length > 0) {
    return {
      code: 3,
      lines: [`unresolved conflict markers in ${marked.join(', ')}`, 'hint: resolve them (keep the lines you want, delete the markers), then run upgrade again'],
    };
  }
  const labels = upgradeLabels(recorded.version, version, recorded.templates, fingerprint);

  const restore = new Set(options.restore);
  for (const path of restore) {
    if (!base.has(path) && !next.has(path)) throw new UsageError(`--restore ${printable(path)}: not a file the generator produces`);
  }
  const plan = planUpgrade({ base, next, disk, modes, labels, restore });
  // A record is not enough to delete a file. A release of this very version can only have
  // produced what this build's templates can produce (any answers): a file the base lists beyond
  // those is not one the generator wrote, whatever content the base gives for it, and is left.
  if (order === 0) {
    for (const change of plan.changes) {
      if (change.status !== 'delete' || producible(templates, change.path)) continue;
      change.status = 'kept';
      change.reason = 'listed in the record, but never generated by this version; left in place';
      notes.push(`note: left ${change.path} in place: ${BASE_FILE} lists it, but create-k8s-app ${version} never generates it`);
    }
  }
  // An edited file the generator no longer produces stays in the record until the user deletes
  // or renames it: otherwise the next --check would pass with, say, an HPA beside a ScaledObject.
  const record = new Map(next);
  for (const path of abandoned(plan)) record.set(path, base.get(path)!);
  const ops: FileOp[] = [];
  for (const change of plan.changes) {
    if (change.content !== undefined) ops.push({ path: change.path, content: change.content, mode: change.mode });
    else if (change.status === 'delete') ops.push({ path: change.path });
  }
  const newAnswers = serializeAnswers(answers, version, fingerprint);
  const recordText = serializeBase(record);
  const baseChanged = recordText !== serializeBase(base);
  const metadataChanged = newAnswers !== recordedText || baseChanged;

  // What the files would hold afterwards, checked before anything is written. Without conflicts
  // only: a file with markers is not meant to parse until the user resolves it.
  const problems = plan.conflicts.length === 0 && ops.length > 0 ? await verify(root, plan, disk, answers, options, notes) : [];
  if (problems.length > 0) {
    return {
      code: 3,
      lines: [
        `${readOnly ? 'the upgrade would leave' : 'not upgraded (nothing written): the upgrade would leave'} a broken chart:`,
        ...problems.map((p) => `  ${p}`),
        'hint: your edits and the new templates do not fit together there; change the files named (upgrade --dry-run shows the diff), then run upgrade again',
      ],
    };
  }
  const conflictLines = () => [
    'conflicts (resolve, then run upgrade again):',
    ...plan.conflicts.map((c) => `  ${c.path}: ${c.reason ?? 'both sides changed the same lines'}`),
    ...(abandoned(plan).length > 0 ? [`hint: files no longer generated: ${ABANDONED_HINT}`] : []),
  ];

  if (options.check) {
    if (plan.conflicts.length > 0) {
      const left = abandoned(plan);
      if (left.length === plan.conflicts.length) {
        return { code: 3, lines: [...notes, `edited files no longer generated: ${left.join(', ')}`, `hint: ${ABANDONED_HINT}`] };
      }
      return { code: 3, lines: [...notes, `an upgrade to create-k8s-app ${version} would conflict in ${plan.conflicts.length} file(s); run create-k8s-app upgrade and resolve them`, ...conflictLines()] };
    }
    // Only the recorded version or fingerprint moving on is nothing to apply.
    return ops.length === 0 && !baseChanged
      ? { code: 0, lines: [...notes, `up to date with create-k8s-app ${version}`] }
      : { code: 1, lines: [...notes, `an upgrade to create-k8s-app ${version} would change files; run create-k8s-app upgrade`] };
  }

  const lines = report(plan.changes, options.dryRun);
  if (options.dryRun) {
    const code = plan.conflicts.length > 0 ? 3 : ops.length > 0 || baseChanged ? 1 : 0;
    const head =
      code === 0 ? 'dry run: up to date, nothing would change'
      : code === 1 ? `dry run: ${ops.length} file(s) would change`
      : `dry run: ${ops.length} file(s) would change, with ${plan.conflicts.length} conflict(s)`;
    lines.unshift(...notes, head);
    for (const change of plan.changes) {
      const diff = changeDiff(change);
      // The contents are the project's, so input: escaped like every other echoed string.
      if (diff) lines.push(printableText(diff.trimEnd()));
    }
    if (code === 3) lines.push(...conflictLines());
    return { code, lines };
  }
  const writes = ops.length > 0 || metadataChanged;
  if (writes) {
    // The records go last: an upgrade interrupted before them is simply run again.
    ops.push({ path: ANSWERS_FILE, content: newAnswers }, { path: BASE_FILE, content: recordText });
    if (!options.allowDirty) await refuseUncommitted(root, ops.map((op) => op.path));
    await applyChanges(root, ops, { plannedFrom: new Map([...disk, [ANSWERS_FILE, recordedText], [BASE_FILE, baseText]]) });
  }
  if (plan.conflicts.length > 0) {
    return {
      code: 3,
      lines: [
        ...notes,
        writes
          ? `upgraded to create-k8s-app ${version} with ${plan.conflicts.length} conflict(s)`
          : `nothing new to apply, but ${plan.conflicts.length} conflict(s) remain`,
        ...lines,
        ...conflictLines(),
      ],
    };
  }
  return { code: 0, lines: [...notes, writes ? `upgraded to create-k8s-app ${version}` : 'up to date; nothing to do', ...lines] };
}

/** Whether this build can generate `path` for some answers: a template's output, or a values file. */
function producible(templates: Templates, path: string): boolean {
  return templates.has(path) || /^chart\/values(?:-[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)?\.yaml$|^chart\/values\.schema\.json$/.test(path);
}

/** Statuses of files the user changed (a deleted generated file included). */
const EDITED = new Set<FileChange['status']>(['merged', 'kept', 'conflict', 'kept-deleted']);

/**
 * The checks a merged chart must pass before it is written. Skipped when no file holds an edit
 * of the user's: the result is then exactly a fresh generation, which the templates' own tests
 * cover.
 */
async function verify(
  root: string,
  plan: UpgradePlan,
  disk: ReadonlyMap<string, string | null>,
  answers: Answers,
  options: UpgradeOptions,
  notes: string[],
): Promise<string[]> {
  const after = new Map<string, string | null>();
  for (const change of plan.changes) {
    after.set(change.path, change.content !== undefined ? change.content : change.status === 'delete' ? null : (disk.get(change.path) ?? null));
  }
  const edited = plan.changes.some((c) => EDITED.has(c.status));
  if (!edited) return [];
  const problems = staticProblems(after);
  if (problems.length > 0) return problems;
  const helm = options.helm !== undefined ? options.helm : options.lint === false ? null : findHelm();
  if (!helm) return [];
  try {
    return await helmProblems({ helm, root, files: after, release: answers.name, envs: answers.envs });
  } catch (error) {
    // A read-only checkout (a CI mount) has no room for the staged chart: the YAML checks above
    // still ran, helm's are skipped, and the run says so rather than fail.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOSPC') throw error;
    notes.push(`note: helm checks of the merge skipped: cannot write ${STATE_DIR}/ (${code})`);
    return [];
  }
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
