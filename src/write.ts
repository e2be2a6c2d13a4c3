// The only module that writes a project. Two shapes, both all-or-nothing:
// - a new project is written whole into a hidden staging directory beside the target and moved
//   into place with one rename: a crash leaves the target absent, never half-written;
// - changes to an existing project go through a journal in .create-k8s-app/: originals are
//   saved first, then each file is replaced by rename; a run that finds an unfinished journal
//   puts the originals back before doing anything else.
import {
  chmodSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Failure, UsageError } from './errors.js';

/**
 * Keeps this run's temporary names apart from another's (the pid is in them too). Not node:crypto:
 * nothing here is secret, and loading it is a noticeable share of a whole generation.
 */
const randomToken = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');

const STAGING_MARK = '.create-k8s-app-staging-';
const JOURNAL_DIR = '.create-k8s-app/journal';
const JOURNAL_FILE = `${JOURNAL_DIR}/journal.json`;

export interface FileOp {
  path: string;
  /** absent: delete the file */
  content?: string;
  /** file mode to keep when replacing (e.g. an executable script) */
  mode?: number;
}

interface JournalEntry {
  path: string;
  temp: string | null;
  /** where the original was saved; null when the path did not exist */
  backup: string | null;
}

/**
 * Test seam: a pause between file steps so tests can interrupt a write in the middle. It blocks,
 * as slow synchronous I/O would: a signal that arrives meanwhile waits for the next checkpoint.
 */
function testPause(): void {
  const ms = Number(process.env.CREATE_K8S_APP_TEST_PAUSE_MS ?? 0);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The writes are synchronous, so a Ctrl-C (or SIGTERM) that arrives during them is only noted;
 * its handler, which undoes the write, runs when the event loop next turns. A turn is cheap but
 * often runs a garbage collection V8 has queued too (a few milliseconds, a tenth of a whole
 * generation), so the loop is turned only once writing has taken a while, as on a slow disk.
 * On a fast one the write is a few milliseconds, and an interrupt during it comes too late to
 * stop it: the result is complete, never half-written.
 */
function signalCheckpoints(everyMs = 20): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < everyMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

export function describeIoError(error: unknown, where: string): Failure {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOSPC' ? 'the disk is full'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'the filesystem is read-only'
    : code === 'EDQUOT' ? 'the disk quota is exceeded'
    : (error as Error)?.message ?? String(error);
  return new Failure(`cannot write ${where}: ${reason}; nothing was changed`);
}

const exists = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging directories that a crashed run of ours left beside the target. */
function removeStaleStaging(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  const prefix = `.${name}${STAGING_MARK}`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (!pidAlive(pid)) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Each write is synchronous on purpose: a project is a few dozen small files in a staging folder
 * nobody else sees, and the thread-pool round trip of an async call costs more than the write.
 */
async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const checkpoint = signalCheckpoints();
  const dirs = new Set<string>();
  for (const path of files.keys()) dirs.add(dirname(join(root, path)));
  for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
  for (const [path, content] of files) {
    writeFileSync(join(root, path), content);
    testPause();
    await checkpoint();
  }
}

/** Writes a whole new project at `target` (absent or an empty directory). */
export async function writeNewProject(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  removeStaleStaging(parent, name);
  const staging = join(parent, `.${name}${STAGING_MARK}${process.pid}-${randomToken()}`);
  // Folders above the target that this run makes (`create-k8s-app apps/new/demo`) go again on failure.
  const parents = missingDirs('', [staging]);
  const cleanup = () => {
    rmSync(staging, { recursive: true, force: true });
    removeDirsIfEmpty('', parents);
  };
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    makeDirs('', parents);
    mkdirSync(staging);
    await writeTree(staging, files);
    // rename(2) replaces an empty directory atomically; a non-empty one makes it fail.
    renameSync(staging, target);
  } catch (error) {
    cleanup();
    throw describeIoError(error, target);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

interface Journal {
  entries: JournalEntry[];
  /** folders the change creates: "as before" means without them, so undoing removes them (when empty) */
  createdDirs: string[];
}

function readJournal(root: string): Journal | null {
  let journal: Journal;
  try {
    const parsed = JSON.parse(readFileSync(join(root, JOURNAL_FILE), 'utf8')) as Journal | JournalEntry[];
    // Journals of earlier versions were the bare list of entries.
    journal = Array.isArray(parsed) ? { entries: parsed, createdDirs: [] } : parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A journal cut off while being written means no file was replaced yet.
    if (error instanceof SyntaxError) return { entries: [], createdDirs: [] };
    throw error;
  }
  const why = journalProblem(journal);
  if (why) {
    throw new UsageError(`${JOURNAL_FILE} was not written by create-k8s-app: ${why}; nothing was changed`, `if no run is in progress, delete ${JOURNAL_DIR} and run again`);
  }
  return journal;
}

/** A relative path that stays inside the project. */
const insideProject = (path: unknown): path is string =>
  typeof path === 'string' && path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.includes('\0') &&
  path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');

/**
 * The journal is found inside the project, so it is input like any other: every entry must name
 * a path inside the project, and the temp and backup names this module makes for it.
 */
function journalProblem(journal: Journal): string | null {
  if (typeof journal !== 'object' || journal === null || !Array.isArray(journal.entries)) return 'not a list of entries';
  if (!Array.isArray(journal.createdDirs ?? [])) return 'createdDirs is not a list';
  for (const dir of journal.createdDirs ?? []) if (!insideProject(dir)) return `${JSON.stringify(dir)} is not a folder inside the project`;
  for (const [i, entry] of journal.entries.entries()) {
    if (typeof entry !== 'object' || entry === null) return `entry ${i} is not an object`;
    const { path, temp, backup } = entry;
    if (!insideProject(path) || path.startsWith(`${JOURNAL_DIR}/`)) return `${JSON.stringify(path)} is not a path inside the project`;
    if (temp !== null && (typeof temp !== 'string' || !/^\.[0-9a-f]{8}\.tmp$/.test(temp.slice(path.length)) || !temp.startsWith(path)))
      return `${JSON.stringify(temp)} is not a temporary name for ${path}`;
    if (backup !== null && backup !== `${JOURNAL_DIR}/${i}`) return `${JSON.stringify(backup)} is not the backup of entry ${i}`;
  }
  return null;
}

/** Written beside and renamed over, so a reader finds the previous journal or the next, never half of one. */
function writeJournal(root: string, journal: Journal): void {
  const file = join(root, JOURNAL_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(journal));
  renameSync(`${file}.tmp`, file);
}

/** Folders that writing `paths` would create, deepest first. */
function missingDirs(root: string, paths: string[]): string[] {
  const missing = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); dir !== '.' && dir !== '' && !missing.has(dir); dir = dirname(dir)) {
      if (exists(join(root, dir))) break;
      missing.add(dir);
    }
  }
  return [...missing].sort((a, b) => b.split('/').length - a.split('/').length);
}

/**
 * Makes folders one level at a time, shallowest first: a recursive mkdir on a read-only or full
 * filesystem can report ENOENT instead of the cause, and the user needs the cause.
 */
function makeDirs(root: string, dirs: readonly string[]): void {
  for (const dir of [...dirs].reverse()) {
    try {
      mkdirSync(join(root, dir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function removeDirsIfEmpty(root: string, dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(join(root, dir));
    } catch {
      // not empty, or gone: either way not ours to remove
    }
  }
}

/** Puts back what an interrupted change left half-done. Returns whether there was anything. */
export function recoverInterrupted(root: string): boolean {
  const journal = readJournal(root);
  if (journal === null) return false;
  for (const entry of journal.entries) {
    const dest = join(root, entry.path);
    if (entry.temp) rmSync(join(root, entry.temp), { force: true });
    if (entry.backup) {
      const backup = join(root, entry.backup);
      if (exists(backup)) {
        mkdirSync(dirname(dest), { recursive: true });
        renameSync(backup, dest);
      }
    } else {
      rmSync(dest, { force: true });
    }
  }
  rmSync(join(root, JOURNAL_DIR), { recursive: true, force: true });
  removeDirsIfEmpty(root, journal.createdDirs);
  return true;
}

/**
 * Applies file changes to an existing project, all or nothing. Files not named in `ops` are
 * never touched.
 */
export async function applyChanges(root: string, ops: readonly FileOp[]): Promise<void> {
  recoverInterrupted(root);
  if (ops.length === 0) return;
  const journalDir = join(root, JOURNAL_DIR);
  const token = randomToken();
  const entries: JournalEntry[] = [];
  let createdDirs: string[] = [];
  let committed = false;
  const rollback = () => {
    if (!committed) recoverInterrupted(root);
  };
  const onSignal = () => {
    rollback();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Started now, so that slow backups count towards turning the loop before any file is replaced.
  const checkpoint = signalCheckpoints();
  try {
    createdDirs = missingDirs(root, [JOURNAL_FILE, ...ops.filter((op) => op.content !== undefined).map((op) => op.path)]);
    const forJournal = createdDirs.filter((dir) => JOURNAL_DIR === dir || JOURNAL_DIR.startsWith(`${dir}/`));
    makeDirs(root, forJournal);
    // Recorded before any is made, so an interrupted run's folders can be found and removed.
    writeJournal(root, { entries: [], createdDirs });
    for (const op of ops) {
      entries.push({ path: op.path, temp: op.content === undefined ? null : `${op.path}.${token}.tmp`, backup: null });
    }
    // Backups first, recorded before any original is moved.
    for (const [i, op] of ops.entries()) {
      const dest = join(root, op.path);
      if (exists(dest)) {
        const backup = `${JOURNAL_DIR}/${i}`;
        copyFileSync(dest, join(root, backup), constants.COPYFILE_FICLONE);
        entries[i].backup = backup;
      }
    }
    writeJournal(root, { entries, createdDirs });
    makeDirs(root, createdDirs.filter((dir) => !forJournal.includes(dir)));
    for (const [i, op] of ops.entries()) {
      const temp = entries[i].temp;
      if (temp === null) continue;
      const mode = op.mode ?? (entries[i].backup ? statSync(join(root, op.path)).mode & 0o7777 : 0o644);
      writeFileSync(join(root, temp), op.content!, { mode });
      chmodSync(join(root, temp), mode);
    }
    await checkpoint();
    for (const [i, op] of ops.entries()) {
      const temp = entries[i].temp;
      if (temp === null) rmSync(join(root, op.path), { force: true });
      else renameSync(join(root, temp), join(root, op.path));
      testPause();
      maybeFailForTest(i);
      await checkpoint();
    }
    committed = true;
    rmSync(journalDir, { recursive: true, force: true });
    // .create-k8s-app/ may have been made only for the journal.
    removeDirsIfEmpty(root, createdDirs);
    removeEmptyDirs(root, ops.filter((op) => op.content === undefined).map((op) => dirname(op.path)));
  } catch (error) {
    rollback();
    // Also when it failed before the journal that names them was written.
    removeDirsIfEmpty(root, createdDirs);
    if (error instanceof Failure) throw error;
    throw describeIoError(error, root);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Test seam for "the writer fails midway": fail after the Nth rename. */
function maybeFailForTest(index: number): void {
  const n = process.env.CREATE_K8S_APP_TEST_FAIL_AFTER;
  if (n !== undefined && Number(n) === index) throw new Failure(`simulated failure after file ${index + 1}`);
}

/** Deleting generated files can leave their folders empty (e.g. templates/tests). */
function removeEmptyDirs(root: string, dirs: string[]): void {
  for (const dir of [...new Set(dirs)].sort().reverse()) {
    let current = dir;
    while (current !== '.' && current !== '') {
      try {
        rmdirSync(join(root, current));
      } catch {
        break;
      }
      current = dirname(current);
    }
  }
}
