// The only module that writes a project. Two shapes, both all-or-nothing:
// - a new project is written whole into a hidden staging directory beside the target and moved
//   into place with one rename: a crash leaves the target absent, never half-written;
// - changes to an existing project (or an existing empty folder, which keeps its inode and mode)
//   are made under a lock, by rename, with the originals saved first; an interrupted change is
//   put back by the next run.
//
// The project is untrusted input (a cloned repository, a pull request), and so is everything this
// module leaves in it. Its state lives in .create-k8s-app/run/, which ignores itself in git, and
// nothing found there can become an action outside the project or on a path the generator does
// not produce: the journal names only paths (checked like any input: of the generator's shape,
// so never .git/ or the user's sources, and no link on the way), the temp and backup files are
// named by the entry's index, never by the journal, and an entry is undone only when the file
// holds exactly the bytes the journal says were written, and only from a backup holding exactly
// the bytes it says were there. A crafted journal can do nothing the repository could not do by
// itself. One run at a time holds the project's lock (.create-k8s-app/run/lock), only to write.
import {
  chmodSync,
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Failure, Interrupted, UsageError } from './errors.js';
import { checkWritable, inspect, isGeneratedShape, makeProjectDirs, readProjectBytes, readProjectFile } from './project-fs.js';
import { sha256Hex } from './sha256.js';
import { printable } from './validate.js';

/** Keeps this run's temporary names apart from another's (the pid is in them too); nothing secret. */
export const randomToken = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');

const STAGING_MARK = '.create-k8s-app-staging-';
/** The staging name keeps at most this many bytes of the target's, so it stays a valid name (255). */
const STAGING_NAME_BYTES = 120;

/** Where a run keeps its lock, journal, backups and new files; only while it runs, or was cut short. */
export const STATE_DIR = '.create-k8s-app/run';
const LOCK_FILE = `${STATE_DIR}/lock`;
const JOURNAL_FILE = `${STATE_DIR}/journal.json`;
const backupOf = (i: number) => `${STATE_DIR}/backup/${i}`;
const newOf = (i: number) => `${STATE_DIR}/new/${i}`;
/** The most entries a journal may have: a project is a few dozen files. */
const MAX_ENTRIES = 10_000;

export interface FileOp {
  path: string;
  /** absent: delete the file */
  content?: string;
  /** file mode to keep when replacing (e.g. an executable script) */
  mode?: number;
}

// ---------------------------------------------------------------- signals

/** Signals that stop a run the way Ctrl-C does: undo, then exit 130. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Notes a stop signal while writing. The handler only notes it: the writer acts on it at its next
 * checkpoint, undoes, and throws Interrupted, which the CLI turns into exit 130.
 */
function signalGuard() {
  let caught: NodeJS.Signals | null = null;
  const on = (signal: NodeJS.Signals) => {
    caught ??= signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, on);
  return {
    get caught() {
      return caught;
    },
    throwIfCaught() {
      if (caught) throw new Interrupted();
    },
    off() {
      for (const signal of STOP_SIGNALS) process.removeListener(signal, on);
    },
  };
}

/** Interrupted too late to stop the change: it is complete, and the run stops there. */
function interruptedAfterCommit(): Interrupted {
  const error = new Interrupted();
  error.message = 'interrupted; the files were already written in full';
  return error;
}

/**
 * The writes are synchronous, so a Ctrl-C (or SIGTERM) that arrives during them is only noted;
 * its handler runs when the event loop next turns. A turn is cheap but often runs a garbage
 * collection V8 has queued too (a few milliseconds, a tenth of a whole generation), so the loop is
 * turned only once writing has taken a while, as on a slow disk. On a fast one the write is a few
 * milliseconds, and an interrupt during it comes too late to stop it: the result is complete,
 * never half-written.
 */
function signalCheckpoints(guard: ReturnType<typeof signalGuard>, everyMs = 20): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    guard.throwIfCaught();
    if (Date.now() - last < everyMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = Date.now();
        resolve();
      }),
    ).then(() => guard.throwIfCaught());
  };
}

// ---------------------------------------------------------------- errors

export function describeIoError(error: unknown, where: string): Failure {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOSPC' ? 'the disk is full'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'the filesystem is read-only'
    : code === 'EDQUOT' ? 'the disk quota is exceeded'
    : code === 'ENAMETOOLONG' ? 'a file name is too long for the filesystem'
    : code === 'EXDEV' ? 'a folder of the project is on another filesystem'
    : code === 'ENOTEMPTY' || code === 'EEXIST' ? 'it was created by someone else meanwhile'
    : (error as Error)?.message ?? String(error);
  return new Failure(`cannot write ${printable(where, Infinity)}: ${reason}; nothing was changed`);
}

/** Our own errors pass as they are; anything else is an I/O error of writing `where`. */
const asKnown = (error: unknown, where: string) =>
  error instanceof Interrupted || error instanceof UsageError || error instanceof Failure ? error : describeIoError(error, where);

// ---------------------------------------------------------------- processes

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When a process started (Linux), so a pid reused by another process is not taken for the owner. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- new projects

/** `name` cut to at most `max` bytes of UTF-8, on a character boundary. */
function clipBytes(name: string, max: number): string {
  let out = '';
  for (const char of name) {
    if (Buffer.byteLength(out + char) > max) break;
    out += char;
  }
  return out;
}

const stagingPrefix = (name: string) => `.${clipBytes(name, STAGING_NAME_BYTES)}${STAGING_MARK}`;

/** Removes staging directories that a crashed run of ours left beside the target. */
function removeStaleStaging(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  const prefix = stagingPrefix(name);
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)-[0-9a-f]{8}$/.exec(entry.slice(prefix.length));
    if (match && !pidAlive(Number(match[1]))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Each write is synchronous on purpose: a project is a few dozen small files in a staging folder
 * nobody else sees, and the thread-pool round trip of an async call costs more than the write.
 */
async function writeTree(root: string, files: ReadonlyMap<string, string>, checkpoint: () => Promise<void> | undefined): Promise<void> {
  const dirs = new Set<string>();
  for (const path of files.keys()) dirs.add(dirname(join(root, path)));
  for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
  for (const [path, content] of files) {
    writeFileSync(join(root, path), content);
    await checkpoint();
  }
}

/** Folders above `path` that do not exist yet, deepest first. */
function missingAbove(path: string): string[] {
  const missing: string[] = [];
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (lstatSync(dir, { throwIfNoEntry: false }) !== undefined) break;
    missing.push(dir);
  }
  return missing;
}

/**
 * Writes a whole new project at `target` (absent or an empty directory). An existing empty
 * directory is written into, under the same rules as an existing project, so it keeps its inode
 * and mode (and a shell whose working directory it is stays in it).
 */
export async function writeNewProject(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    if (readdirSync(target).length > 0) throw new UsageError(`${printable(target, Infinity)} is not empty`);
    await applyChanges(target, [...files].map(([path, content]) => ({ path, content })));
    return;
  }
  const parent = dirname(target);
  const name = basename(target);
  removeStaleStaging(parent, name);
  const staging = join(parent, `${stagingPrefix(name)}${process.pid}-${randomToken()}`);
  // Folders above the target that this run makes (`create-k8s-app apps/new/demo`) go again on failure.
  const parents = missingAbove(staging);
  const cleanup = () => {
    rmSync(staging, { recursive: true, force: true });
    for (const dir of parents) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty, or gone: either way not ours to remove
      }
    }
  };
  const guard = signalGuard();
  try {
    for (const dir of [...parents].reverse()) {
      try {
        mkdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    mkdirSync(staging);
    await writeTree(staging, files, signalCheckpoints(guard));
    guard.throwIfCaught();
    // rename(2) replaces an empty directory atomically; a non-empty one makes it fail.
    renameSync(staging, target);
  } catch (error) {
    cleanup();
    throw asKnown(error, target);
  } finally {
    guard.off();
  }
  if (guard.caught) throw interruptedAfterCommit();
}

// ---------------------------------------------------------------- the lock

interface LockOwner {
  pid: number;
  start: string | null;
  command: string;
}

/** Locks this process holds, by project root: a run that holds one may call what takes it again. */
const held = new Map<string, { count: number; madeDirs: string[] }>();

function readLock(root: string, file = LOCK_FILE): LockOwner | null {
  let read: { content: string } | null;
  try {
    read = readProjectFile(root, file, 4096);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return null;
  }
  if (read === null) return null;
  try {
    const data = JSON.parse(read.content) as Partial<LockOwner>;
    if (!Number.isSafeInteger(data.pid) || data.pid! <= 0) return { pid: 0, start: null, command: '' };
    return { pid: data.pid!, start: typeof data.start === 'string' ? data.start : null, command: typeof data.command === 'string' ? data.command : '' };
  } catch {
    // Cut off while being written: its owner died right after taking it.
    return { pid: 0, start: null, command: '' };
  }
}

function ownerAlive(owner: LockOwner): boolean {
  if (owner.pid <= 0) return false;
  if (owner.pid === process.pid) return false; // ours would be in `held`
  if (!pidAlive(owner.pid)) return false;
  // Where start times can be read, a lock without the right one is not a live run's (a pid
  // reused since, or a lock that came with the files, say committed to a repository).
  const now = startTime(owner.pid);
  return now === null || now === owner.start;
}

/**
 * Writes a file the writer names itself, replacing whatever is there without following it: a
 * leftover of an interrupted run, or a link planted in its place.
 */
function writeFresh(file: string, data: string | Buffer, mode = 0o644): void {
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, data, { mode, flag: 'wx' });
  chmodSync(file, mode);
}

/**
 * Creates `file` with `content` only if it does not exist (never through a link); false when it
 * does. Made whole beside it and linked into place, so no reader ever finds it empty.
 */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}-${randomToken()}.tmp`;
  writeFresh(temp, content);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A filesystem without hard links: create it exclusively instead.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

const busy = (root: string, owner: LockOwner) =>
  new Failure(`another create-k8s-app run (pid ${owner.pid}) is changing ${printable(root, Infinity)}; wait for it to finish`);

/**
 * Takes the project's lock: one run at a time changes a project. A lock whose owner is gone (a
 * crash, a SIGKILL) is taken over; a live owner makes this run fail with exit 1, naming its pid.
 */
export function lockProject(root: string, command: string): { release(): void } {
  const mine = held.get(root);
  if (mine) {
    mine.count++;
    return { release: () => releaseLock(root) };
  }
  // The root itself may be a link: what lies above and at the root is the user's business.
  const kind = statSync(root, { throwIfNoEntry: false });
  if (!kind) throw new UsageError(`${printable(root, Infinity)} does not exist`);
  if (!kind.isDirectory()) throw new UsageError(`${printable(root, Infinity)} is not a directory`);
  const madeDirs: string[] = [];
  let acquired = false;
  try {
    const content = `${JSON.stringify({ pid: process.pid, start: startTime(process.pid), command })}\n`;
    const file = join(root, LOCK_FILE);
    for (let attempt = 0, vanished = 0; ; attempt++) {
      try {
        madeDirs.push(...makeProjectDirs(root, STATE_DIR));
        if ((acquired = createExclusive(file, content))) break;
      } catch (error) {
        // The folder went meanwhile: a run that just finished removed it as empty.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && vanished++ < 20) continue;
        throw error;
      }
      const owner = readLock(root);
      if (owner && ownerAlive(owner)) throw busy(root, owner);
      if (attempt >= 3) throw new Failure(`cannot take the lock of ${printable(root, Infinity)}: other runs keep taking it`);
      // Taken over under a guard, so that two runs finding the same stale lock cannot both win.
      const guardFile = `${file}.takeover`;
      if (!createExclusive(guardFile, content)) {
        const other = readLock(root, `${LOCK_FILE}.takeover`);
        if (other && ownerAlive(other)) throw busy(root, other);
        rmSync(guardFile, { force: true });
        continue;
      }
      try {
        const again = readLock(root);
        if (again === null || !ownerAlive(again)) rmSync(file, { force: true });
      } finally {
        rmSync(guardFile, { force: true });
      }
    }
    // The state is never committed: the folder ignores itself (projects need no .gitignore line).
    // Not added to a folder someone else left a journal in, which this run may refuse to touch.
    if (inspect(root, `${STATE_DIR}/.gitignore`) === 'absent' && inspect(root, JOURNAL_FILE) === 'absent') {
      writeFresh(join(root, STATE_DIR, '.gitignore'), '*\n');
    }
  } catch (error) {
    if (acquired) rmSync(join(root, LOCK_FILE), { force: true });
    removeDirsIfEmpty(root, madeDirs, true);
    throw asKnown(error, root);
  }
  held.set(root, { count: 1, madeDirs });
  return { release: () => releaseLock(root) };
}

function releaseLock(root: string): void {
  const mine = held.get(root);
  if (!mine || --mine.count > 0) return;
  held.delete(root);
  // The journal stays only when a change could not be undone; then so does the state folder.
  let journalLeft = true;
  try {
    journalLeft = inspect(root, JOURNAL_FILE) !== 'absent';
  } catch {
    // whatever is there now, it is not for releasing the lock to judge
  }
  if (journalLeft) {
    rmSync(join(root, LOCK_FILE), { force: true });
    return;
  }
  // Everything else first, the lock last: the next run may take it the moment it is gone.
  rmSync(join(root, STATE_DIR, 'backup'), { recursive: true, force: true });
  rmSync(join(root, STATE_DIR, 'new'), { recursive: true, force: true });
  rmSync(join(root, STATE_DIR, '.gitignore'), { force: true });
  rmSync(join(root, LOCK_FILE), { force: true });
  // .create-k8s-app/ too when it holds nothing else (a run into a folder that had none).
  removeDirsIfEmpty(root, [STATE_DIR, ...mine.madeDirs, '.create-k8s-app'], true);
}

/**
 * For read-only runs (`upgrade --check`, `--dry-run`): fails (exit 1) when another run is changing
 * the project, or when one was cut short while writing and left it half-changed. Reads only.
 */
export function assertSettled(root: string): void {
  if (held.has(root)) return;
  if (inspect(root, STATE_DIR) !== 'dir') return;
  const owner = readLock(root);
  if (owner && ownerAlive(owner)) throw busy(root, owner);
  if (inspect(root, JOURNAL_FILE) !== 'absent') {
    throw new Failure(
      `an earlier create-k8s-app run was interrupted while writing ${printable(root, Infinity)}: some files are changed, some not`,
      'run create-k8s-app upgrade: it puts the files back as they were, then upgrades',
    );
  }
}

// ---------------------------------------------------------------- the journal

interface JournalEntry {
  path: string;
  /** sha256 of the file before the change; null when it did not exist */
  before: string | null;
  /** sha256 of what the change writes; null when it deletes the file */
  after: string | null;
}

interface Journal {
  format: 2;
  entries: JournalEntry[];
  /** folders the change creates, deepest first: undoing removes them again (when empty) */
  dirs: string[];
}

const isHash = (value: unknown): value is string | null => value === null || (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value));

/** A path a change may touch: one of the generator's (so never git's, nor the writer's own state). */
const writablePath = isGeneratedShape;

const refused = (why: string) =>
  new UsageError(
    `${JOURNAL_FILE} is not a journal create-k8s-app wrote (${why}); nothing was changed`,
    `if no create-k8s-app run is in progress, delete ${STATE_DIR} and run again`,
  );

/** The journal as found on disk, checked like any input; null when there is none. */
function readJournal(root: string): Journal | null {
  const read = readProjectFile(root, JOURNAL_FILE, 4 * 1024 * 1024);
  if (read === null) return null;
  let data: Partial<Journal>;
  try {
    data = JSON.parse(read.content) as Partial<Journal>;
  } catch {
    // Never cut off: it is written beside and renamed into place.
    throw refused('not valid JSON');
  }
  if (typeof data !== 'object' || data === null || data.format !== 2) throw refused('not of the format this version writes');
  const { entries, dirs } = data;
  if (!Array.isArray(entries) || entries.length > MAX_ENTRIES || !Array.isArray(dirs)) throw refused('no list of entries and folders');
  const paths = new Set<string>();
  for (const entry of entries as unknown[]) {
    const { path, before, after } = (entry ?? {}) as Partial<JournalEntry>;
    if (!writablePath(path)) throw refused(`${JSON.stringify(printable(String(path)))} is not a path create-k8s-app writes`);
    if (paths.has(path)) throw refused(`${printable(path)} is listed twice`);
    paths.add(path);
    if (!isHash(before) || !isHash(after)) throw refused(`the entry of ${printable(path)} has no valid checksums`);
  }
  for (const dir of dirs as unknown[]) {
    // Only folders on the way to a listed file.
    if (!(dir === 'chart' || dir === 'argocd' || dir === '.create-k8s-app' || writablePath(dir)) || ![...paths].some((p) => p.startsWith(`${dir}/`))) throw refused(`${JSON.stringify(printable(String(dir)))} is not a folder of a listed file`);
  }
  return { format: 2, entries: entries as JournalEntry[], dirs: dirs as string[] };
}

/** Written beside and renamed over, so a reader finds the journal whole or not at all. */
function writeJournal(root: string, journal: Journal): void {
  const file = join(root, JOURNAL_FILE);
  writeFresh(`${file}.tmp`, JSON.stringify(journal));
  renameSync(`${file}.tmp`, file);
}

/** Removes each of `dirs` (relative to `root`) that is an empty folder; `checked`: they are known to be folders this run made. */
export function removeDirsIfEmpty(root: string, dirs: readonly string[], checked = false): void {
  for (const dir of dirs) {
    try {
      if (!checked && inspect(root, dir) !== 'dir') continue;
      rmdirSync(join(root, dir));
    } catch {
      // not empty, or gone: either way not ours to remove
    }
  }
}

export interface RecoveryReport {
  /** files put back as they were before the interrupted change */
  restored: string[];
  /** files that changed again since, left as found */
  leftAsFound: string[];
}

/**
 * Undoes a change per the journal: each file that holds exactly what the change wrote gets back
 * exactly what was there before it (from its backup, checked by checksum), or goes if it did not
 * exist. A file that holds anything else is left as it is.
 */
function undo(root: string, journal: Journal): RecoveryReport {
  const report: RecoveryReport = { restored: [], leftAsFound: [] };
  for (let i = journal.entries.length - 1; i >= 0; i--) {
    const { path, before, after } = journal.entries[i];
    const current = readProjectBytes(root, path);
    const now = current === null ? null : sha256Hex(current.bytes);
    if (now === before) continue;
    if (now !== after) {
      report.leftAsFound.push(path);
      continue;
    }
    if (before === null) {
      unlinkSync(join(root, path));
      report.restored.push(path);
      continue;
    }
    const backup = readProjectBytes(root, backupOf(i));
    if (backup === null || sha256Hex(backup.bytes) !== before) {
      report.leftAsFound.push(path);
      continue;
    }
    if (current === null && dirname(path) !== '.') makeProjectDirs(root, dirname(path));
    renameSync(join(root, backupOf(i)), join(root, path));
    report.restored.push(path);
  }
  removeDirsIfEmpty(root, journal.dirs);
  report.restored.reverse();
  report.leftAsFound.reverse();
  return report;
}

/**
 * Puts back what an interrupted change left half-done, holding the lock; null when there was
 * nothing to put back. A journal that is not one this module wrote is refused (exit 2) whole.
 */
export function recoverInterrupted(root: string): RecoveryReport | null {
  if (inspect(root, STATE_DIR) !== 'dir' && !held.has(root)) return null;
  const lock = lockProject(root, 'recover');
  try {
    const journal = readJournal(root);
    if (journal === null) return null;
    for (const entry of journal.entries) checkWritable(root, [entry.path]);
    const report = undo(root, journal);
    unlinkSync(join(root, JOURNAL_FILE));
    return report;
  } catch (error) {
    throw asKnown(error, root);
  } finally {
    lock.release();
  }
}

/** One line saying what recovery did, for the run's report. */
export function describeRecovery(report: RecoveryReport): string {
  const left = report.leftAsFound.length > 0 ? `; left ${report.leftAsFound.map((p) => printable(p)).join(', ')} as found (changed since)` : '';
  return `an earlier run was interrupted while writing: put ${report.restored.length} file(s) back as they were before it${left}`;
}

// ---------------------------------------------------------------- changes to an existing project

/** Folders that writing `paths` would create, deepest first. */
function missingDirs(root: string, paths: string[]): string[] {
  const missing = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); dir !== '.' && !missing.has(dir); dir = dirname(dir)) {
      if (inspect(root, dir, 'refuse') !== 'absent') break;
      missing.add(dir);
    }
  }
  return [...missing].sort((a, b) => b.split('/').length - a.split('/').length);
}

export interface ApplyOptions {
  /**
   * The files the change was planned from, as they were read (null: absent). The lock is taken
   * only to write, so that a run with nothing to write leaves no trace; a file that differs by
   * then (another run got there first) stops the change before anything is written.
   */
  plannedFrom?: ReadonlyMap<string, string | null>;
}

/**
 * Applies file changes to an existing project, all or nothing, holding the project's lock (taken
 * here unless the caller holds it). Files not named in `ops` are never touched. Returns what was
 * put back of an earlier interrupted change, if anything.
 */
export async function applyChanges(root: string, ops: readonly FileOp[], options: ApplyOptions = {}): Promise<RecoveryReport | null> {
  // Only the generator's paths, whatever a record names (and so the journal passes recovery's checks).
  for (const op of ops) {
    if (!writablePath(op.path)) {
      throw new UsageError(`${printable(op.path)} is not a path create-k8s-app writes; refusing to ${op.content === undefined ? 'delete' : 'write'} it`, 'a record in .create-k8s-app/ names it: restore the records from version control');
    }
  }
  const lock = lockProject(root, 'write');
  try {
    const recovered = recoverInterrupted(root);
    for (const [path, content] of options.plannedFrom ?? []) {
      if (recovered || (readProjectFile(root, path)?.content ?? null) !== content) {
        throw new Failure(`${printable(recovered ? root : join(root, path), Infinity)} changed while create-k8s-app was reading it; nothing was written`, 'run the command again');
      }
    }
    if (ops.length > 0) await change(root, ops);
    return recovered;
  } finally {
    lock.release();
  }
}

async function change(root: string, ops: readonly FileOp[]): Promise<void> {
  // Links and folders where files belong are refused before anything is written.
  checkWritable(root, ops.map((op) => op.path));
  const dirs = missingDirs(root, ops.filter((op) => op.content !== undefined).map((op) => op.path));
  const guard = signalGuard();
  const checkpoint = signalCheckpoints(guard);
  const journal: Journal = { format: 2, entries: [], dirs };
  let journaled = false;
  let committed = false;
  try {
    for (const sub of ['backup', 'new']) {
      rmSync(join(root, STATE_DIR, sub), { recursive: true, force: true });
      makeProjectDirs(root, `${STATE_DIR}/${sub}`);
    }
    // Originals and new contents are all on disk before the journal names them.
    for (const [i, op] of ops.entries()) {
      const original = readProjectBytes(root, op.path);
      if (original !== null) writeFresh(join(root, backupOf(i)), original.bytes, original.mode);
      if (op.content !== undefined) writeFresh(join(root, newOf(i)), op.content, op.mode ?? original?.mode ?? 0o644);
      journal.entries.push({ path: op.path, before: original && sha256Hex(original.bytes), after: op.content === undefined ? null : sha256Hex(op.content) });
      await checkpoint();
    }
    writeJournal(root, journal);
    journaled = true;
    for (const dir of [...dirs].reverse()) mkdirSync(join(root, dir));
    for (const [i, op] of ops.entries()) {
      if (op.content === undefined) rmSync(join(root, op.path), { force: true });
      else renameSync(join(root, newOf(i)), join(root, op.path));
      await checkpoint();
    }
    guard.throwIfCaught();
    // The commit point: from here on the change stands.
    unlinkSync(join(root, JOURNAL_FILE));
    committed = true;
  } catch (error) {
    try {
      if (journaled) {
        undo(root, journal);
        unlinkSync(join(root, JOURNAL_FILE));
      }
      removeDirsIfEmpty(root, dirs);
    } catch (undoError) {
      // The journal stays, and the next run puts back what this one could not.
      throw asKnown(undoError, root);
    }
    throw asKnown(error, root);
  } finally {
    guard.off();
    if (committed) removeEmptyDirs(root, ops.filter((op) => op.content === undefined).map((op) => dirname(op.path)));
  }
  if (guard.caught) throw interruptedAfterCommit();
}

/** Deleting generated files can leave their folders empty (e.g. templates/tests). */
function removeEmptyDirs(root: string, dirs: string[]): void {
  for (const dir of [...new Set(dirs)].sort().reverse()) {
    for (let current = dir; current !== '.' && current !== ''; current = dirname(current)) {
      try {
        if (inspect(root, current) !== 'dir') break;
        rmdirSync(join(root, current));
      } catch {
        break;
      }
    }
  }
}
