// The only module that writes a project. Two shapes, both all-or-nothing:
// - a new project is written whole into a hidden staging directory beside the target and moved
//   into place with one rename: a crash leaves the target absent, never half-written;
// - changes to an existing project go through a journal in .create-k8s-app/: originals are
//   saved first, then each file is replaced by rename; a run that finds an unfinished journal
//   puts the originals back before doing anything else.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Failure } from './errors.js';

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

/** Test seam: a pause between file steps so tests can interrupt a write in the middle. */
async function testPause(): Promise<void> {
  const ms = Number(process.env.CREATE_K8S_APP_TEST_PAUSE_MS ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
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

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging directories that a crashed run of ours left beside the target. */
async function removeStaleStaging(parent: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(parent);
  } catch {
    return;
  }
  const prefix = `.${name}${STAGING_MARK}`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (!pidAlive(pid)) await fs.rm(join(parent, entry), { recursive: true, force: true });
  }
}

async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const dirs = new Set<string>();
  for (const path of files.keys()) dirs.add(dirname(join(root, path)));
  for (const dir of [...dirs].sort()) await fs.mkdir(dir, { recursive: true });
  for (const [path, content] of files) {
    await fs.writeFile(join(root, path), content);
    await testPause();
  }
}

/** Writes a whole new project at `target` (absent or an empty directory). */
export async function writeNewProject(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  await removeStaleStaging(parent, name);
  const staging = join(parent, `.${name}${STAGING_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
  const cleanup = () => fs.rm(staging, { recursive: true, force: true });
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(staging);
    await writeTree(staging, files);
    // rename(2) replaces an empty directory atomically; a non-empty one makes it fail.
    await fs.rename(staging, target);
  } catch (error) {
    await cleanup();
    throw describeIoError(error, target);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function readJournal(root: string): Promise<JournalEntry[] | null> {
  try {
    return JSON.parse(await fs.readFile(join(root, JOURNAL_FILE), 'utf8')) as JournalEntry[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A journal cut off while being written means no file was replaced yet.
    if (error instanceof SyntaxError) return [];
    throw error;
  }
}

/** Puts back what an interrupted change left half-done. Returns whether there was anything. */
export async function recoverInterrupted(root: string): Promise<boolean> {
  const entries = await readJournal(root);
  if (entries === null) return false;
  for (const entry of entries) {
    const dest = join(root, entry.path);
    if (entry.temp) await fs.rm(join(root, entry.temp), { force: true });
    if (entry.backup) {
      const backup = join(root, entry.backup);
      if (await exists(backup)) {
        await fs.mkdir(dirname(dest), { recursive: true });
        await fs.rename(backup, dest);
      }
    } else {
      await fs.rm(dest, { force: true });
    }
  }
  await fs.rm(join(root, JOURNAL_DIR), { recursive: true, force: true });
  return true;
}

/**
 * Applies file changes to an existing project, all or nothing. Files not named in `ops` are
 * never touched.
 */
export async function applyChanges(root: string, ops: readonly FileOp[]): Promise<void> {
  await recoverInterrupted(root);
  if (ops.length === 0) return;
  const journalDir = join(root, JOURNAL_DIR);
  const token = randomBytes(4).toString('hex');
  const entries: JournalEntry[] = [];
  const createdDirs: string[] = [];
  let committed = false;
  const rollback = async () => {
    if (!committed) await recoverInterrupted(root);
  };
  const onSignal = () => {
    void rollback().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await fs.mkdir(journalDir, { recursive: true });
    for (const op of ops) {
      entries.push({ path: op.path, temp: op.content === undefined ? null : `${op.path}.${token}.tmp`, backup: null });
    }
    // Backups first, recorded before any original is moved.
    for (const [i, op] of ops.entries()) {
      const dest = join(root, op.path);
      if (await exists(dest)) {
        const backup = `${JOURNAL_DIR}/${i}`;
        await fs.copyFile(dest, join(root, backup), constants.COPYFILE_FICLONE);
        entries[i].backup = backup;
      }
    }
    await fs.writeFile(join(root, JOURNAL_FILE), JSON.stringify(entries));
    for (const [i, op] of ops.entries()) {
      const temp = entries[i].temp;
      if (temp === null) continue;
      const dir = dirname(join(root, op.path));
      if (!(await exists(dir))) {
        await fs.mkdir(dir, { recursive: true });
        createdDirs.push(dir);
      }
      const mode = op.mode ?? (entries[i].backup ? (await fs.stat(join(root, op.path))).mode & 0o7777 : 0o644);
      await fs.writeFile(join(root, temp), op.content!, { mode });
      await fs.chmod(join(root, temp), mode);
    }
    for (const [i, op] of ops.entries()) {
      const temp = entries[i].temp;
      if (temp === null) await fs.rm(join(root, op.path), { force: true });
      else await fs.rename(join(root, temp), join(root, op.path));
      await testPause();
      maybeFailForTest(i);
    }
    committed = true;
    await fs.rm(journalDir, { recursive: true, force: true });
    await removeEmptyDirs(root, ops.filter((op) => op.content === undefined).map((op) => dirname(op.path)));
  } catch (error) {
    await rollback();
    for (const dir of createdDirs.reverse()) await fs.rmdir(dir).catch(() => undefined);
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
async function removeEmptyDirs(root: string, dirs: string[]): Promise<void> {
  for (const dir of [...new Set(dirs)].sort().reverse()) {
    let current = dir;
    while (current !== '.' && current !== '') {
      try {
        await fs.rmdir(join(root, current));
      } catch {
        break;
      }
      current = dirname(current);
    }
  }
}
