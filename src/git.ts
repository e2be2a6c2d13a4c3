// Whether a run that writes into an existing project would overwrite uncommitted work: asks git
// for the status of exactly the files it would write. Git only reads here: the index is not
// refreshed (--no-optional-locks), and nothing a repository's configuration names is run as a
// program: its fsmonitor hook is switched off, and so is every clean/smudge filter driver it
// defines (`git status` runs a clean filter on any file whose stat data does not match the index,
// as after an unpacked archive or a touch; a `.gitattributes` line in the tree picks the driver).
// Submodules are not looked into: their configuration is theirs, and no generated file is in one.
import { execFile } from 'node:child_process';
import { UsageError } from './errors.js';
import { enclosingRepository } from './facts.js';
import { printable } from './validate.js';

const ALLOW_DIRTY = 'pass --allow-dirty to write anyway';

interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the spawn error (git not installed, ...) */
  error?: NodeJS.ErrnoException;
}

/** Settings that keep git from running anything a repository's configuration names. */
const SAFE = ['-c', 'core.fsmonitor=false', '--no-optional-locks'];

function git(cwd: string, args: string[]): Promise<GitRun> {
  return new Promise((done) => {
    execFile(
      'git',
      [...SAFE, ...args],
      // No pager, no prompt for credentials, no locale-dependent quoting surprises.
      { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        const spawnError = error && typeof (error as NodeJS.ErrnoException).code === 'string' ? (error as NodeJS.ErrnoException) : undefined;
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, ...(spawnError && { error: spawnError }) });
      },
    );
  });
}

/**
 * Paths among `paths` (relative to `root`) that hold uncommitted changes: modified, staged,
 * deleted or untracked. Empty outside a git repository. Throws a UsageError (exit 2) when git
 * cannot tell: not installed, "dubious ownership", a broken repository.
 */
export async function uncommittedChanges(root: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0 || enclosingRepository(root) === null) return [];
  const filters = await git(root, ['config', '-z', '--get-regexp', '^filter\\.']);
  const run = filters.error ? filters : await git(root, [
    ...filterOverrides(filters.stdout),
    // `:(literal)` so that a generated name is never read as a glob or a magic pathspec.
    'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=all', '--', ...paths.map((p) => `:(literal)${p}`),
  ]);
  if (run.error) {
    const why = run.error.code === 'ENOENT' ? 'git is not installed' : `git could not run (${run.error.code})`;
    throw new UsageError(`cannot tell whether ${printable(root, Infinity)} has uncommitted changes: ${why}`, ALLOW_DIRTY);
  }
  if (run.code !== 0) {
    const first = run.stderr.split('\n').find((line) => line.trim() !== '') ?? `git status exited with ${run.code}`;
    const why = /dubious ownership/.test(run.stderr) ? 'git refuses the repository (dubious ownership: it belongs to another user)' : printable(first.replace(/^(fatal|error): /, ''), 200);
    throw new UsageError(`cannot tell whether ${printable(root, Infinity)} has uncommitted changes: ${why}`, ALLOW_DIRTY);
  }
  // -z: entries are `XY path\0`, a rename or copy adds `orig\0` after it.
  const dirty: string[] = [];
  const fields = run.stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (entry.length < 4) continue;
    dirty.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return dirty.sort();
}

/**
 * `-c` settings that blank out every filter driver named in `git config -z --get-regexp` output
 * (`key\nvalue\0` entries): with no clean, smudge or process command a driver does nothing, and
 * a required one makes git fail, which is reported as git being unable to tell.
 */
export function filterOverrides(listing: string): string[] {
  const names = new Set<string>();
  for (const entry of listing.split('\0')) {
    const key = /^filter\.(.+)\.[^.]+$/.exec(entry.split('\n')[0])?.[1];
    if (key !== undefined) names.add(key);
  }
  return [...names].flatMap((name) => ['clean', 'smudge', 'process'].flatMap((what) => ['-c', `filter.${name}.${what}=`]));
}

/** Refuses (exit 2) when any of `paths` has uncommitted changes. */
export async function refuseUncommitted(root: string, paths: readonly string[]): Promise<void> {
  const dirty = await uncommittedChanges(root, paths);
  if (dirty.length === 0) return;
  const shown = dirty.slice(0, 5).map((p) => printable(p)).join(', ') + (dirty.length > 5 ? ` and ${dirty.length - 5} more` : '');
  throw new UsageError(
    `uncommitted changes to files this run would write: ${shown}`,
    'commit or stash them first, or pass --allow-dirty to write anyway',
  );
}
