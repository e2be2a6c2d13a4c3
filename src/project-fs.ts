// Reading, listing and making folders inside a project, which is untrusted input: a cloned
// repository can put a symbolic link where a generated file or folder belongs, and following it
// would read or write wherever it points (/proc/self/environ, ~/.ssh). Every path given here is
// relative to the project root, and no component below the root may be a link; a link above the
// root is the user's own business. Links are refused with exit 2, naming the path, never followed.
// Writing and deleting go through write.ts (applyChanges), which checks its paths with these.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { printable } from './validate.js';

/** What a generated file may not exceed when read back; generated files are a few KiB. */
export const MAX_PROJECT_FILE = 16 * 1024 * 1024;

/** A relative path that stays inside the project: no absolute path, `..`, `.` or empty segment. */
export function isProjectPath(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || /[\\\0]/.test(path) || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Files the generator writes outside chart/ and argocd/. */
const TOP_LEVEL = new Set(['README.md', '.gitignore', '.create-k8s-app.yaml', '.create-k8s-app/base.json']);

/**
 * Whether a path has the shape of one the generator writes: the records, the README, or a file
 * under chart/ or argocd/ with a plain name. What a record or journal found in the project names
 * must pass this before it is acted on, so no record can reach .git/, the user's sources or
 * anything else the generator never makes.
 */
export function isGeneratedShape(path: unknown): path is string {
  if (!isProjectPath(path)) return false;
  if (TOP_LEVEL.has(path)) return true;
  const segments = path.split('/');
  return (segments[0] === 'chart' || segments[0] === 'argocd') && segments.length >= 2 && segments.length <= 5 &&
    segments.every((seg) => /^\.?[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(seg) && seg !== '.git');
}

export class LinkRefused extends UsageError {
  constructor(readonly path: string) {
    super(
      `${printable(path, Infinity)} is a symbolic link; create-k8s-app does not follow links inside a project`,
      'replace it with the file or folder it points to (or remove it), then run again',
    );
  }
}

const notRegular = (path: string, what: string) =>
  new UsageError(`${printable(path, Infinity)} is ${what}, where create-k8s-app keeps a file`, 'move it out of the way, then run again');

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A file on the way (the "project" is a file): nothing is there.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

export type Kind = 'file' | 'dir' | 'absent';

/**
 * What `rel` is under `root`, checking every component from the root down: a link anywhere is
 * refused; a file where a folder belongs makes the rest absent for reading (`onFile: 'absent'`) or
 * is refused (`onFile: 'refuse'`, for writing). Anything other than a file or folder at the end
 * (a FIFO, a device, a socket) is refused: reading one can block or never end.
 */
export function inspect(root: string, rel: string, onFile: 'absent' | 'refuse' = 'absent'): Kind {
  if (!isProjectPath(rel)) throw new Error(`not a path inside the project: ${JSON.stringify(rel)}`);
  const segments = rel.split('/');
  let current = root;
  for (const [i, seg] of segments.entries()) {
    current = join(current, seg);
    const here = segments.slice(0, i + 1).join('/');
    const st = lstat(current);
    if (st === undefined) return 'absent';
    if (st.isSymbolicLink()) throw new LinkRefused(here);
    const last = i === segments.length - 1;
    if (last) {
      if (st.isFile()) return 'file';
      if (st.isDirectory()) return 'dir';
      throw notRegular(here, 'not a regular file or folder');
    }
    if (!st.isDirectory()) {
      if (onFile === 'absent') return 'absent';
      throw new UsageError(`${printable(here, Infinity)} is a file where create-k8s-app needs a folder`, 'move it out of the way, then run again');
    }
  }
  return 'dir';
}

/**
 * A file's bytes and mode, or null when it is absent. Opened without following a link and without
 * blocking, and checked to be a regular file on the open descriptor itself.
 */
export function readProjectBytes(root: string, rel: string, max = MAX_PROJECT_FILE): { bytes: Buffer; mode: number } | null {
  const kind = inspect(root, rel);
  if (kind === 'absent') return null;
  if (kind === 'dir') throw notRegular(rel, 'a folder');
  let fd: number;
  try {
    fd = openSync(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new LinkRefused(rel);
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(rel, 'not a regular file');
    if (st.size > max) throw new UsageError(`${printable(rel, Infinity)} is larger than ${max} bytes; it is not a file create-k8s-app wrote`);
    const bytes = Buffer.alloc(st.size);
    let done = 0;
    while (done < bytes.length) {
      const got = readSync(fd, bytes, done, bytes.length - done, done);
      if (got === 0) break;
      done += got;
    }
    return { bytes: bytes.subarray(0, done), mode: st.mode & 0o7777 };
  } finally {
    closeSync(fd);
  }
}

/** A file's text (UTF-8) and mode, or null when it is absent. */
export function readProjectFile(root: string, rel: string, max = MAX_PROJECT_FILE): { content: string; mode: number } | null {
  const read = readProjectBytes(root, rel, max);
  return read && { content: read.bytes.toString('utf8'), mode: read.mode };
}

/** The entries of a folder in the project, or null when it is absent. */
export function listProjectDir(root: string, rel: string): string[] | null {
  const kind = inspect(root, rel);
  if (kind === 'absent') return null;
  if (kind === 'file') throw new UsageError(`${printable(rel, Infinity)} is a file where create-k8s-app needs a folder`);
  return readdirSync(join(root, rel)).sort();
}

/**
 * Makes the folder `rel` and any missing above it, one level at a time, each checked not to be a
 * link. Returns the folders it made, deepest first, so a caller can remove them again.
 * (A recursive mkdir on a read-only or full filesystem can report ENOENT instead of the cause.)
 */
export function makeProjectDirs(root: string, rel: string): string[] {
  const made: string[] = [];
  const segments = rel.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const dir = segments.slice(0, i).join('/');
    const kind = inspect(root, dir, 'refuse');
    if (kind === 'dir') continue;
    if (kind === 'file') throw new UsageError(`${printable(dir, Infinity)} is a file where create-k8s-app needs a folder`, 'move it out of the way, then run again');
    try {
      mkdirSync(join(root, dir));
      made.unshift(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (inspect(root, dir, 'refuse') !== 'dir') throw new UsageError(`${printable(dir, Infinity)} appeared while create-k8s-app was making it`);
    }
  }
  return made;
}

/** Refuses a link or a non-file on the way to, or at, each path that is about to be written or deleted. */
export function checkWritable(root: string, paths: Iterable<string>): void {
  for (const path of paths) {
    if (inspect(root, path, 'refuse') === 'dir') throw new UsageError(`${printable(path, Infinity)} is a folder, where create-k8s-app writes a file`, 'move it out of the way, then run again');
  }
}
