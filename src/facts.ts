// What the defaults depend on outside the answers: the git repository holding the target.
// Read from .git/config directly: spawning git would cost more than the whole generation.
import { existsSync } from 'node:fs';
import { readInputFile } from './input-file.js';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Facts } from './options.js';
import { checkRepoPath, checkRepoUrl } from './validate.js';

/** The folder holding `.git` at or above `start`, or null outside any repository. */
export function enclosingRepository(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    // existsSync, not a statSync that throws: a thrown error costs a stack trace per level, per
    // project when upgrade checks a monorepo.
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function originUrl(gitRoot: string): string | null {
  let config: string;
  try {
    // Bounded, and only a regular file: a config that is a FIFO or a link to /dev/zero would
    // otherwise hang the run or fill its memory. Unreadable, it is no default.
    config = readInputFile(join(gitRoot, '.git', 'config'), { shown: '.git/config' });
  } catch {
    return null;
  }
  const section = /^\[remote "origin"\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(config);
  const url = section && /^\s*url\s*=\s*(.+?)\s*$/m.exec(section[1]);
  return url ? url[1] : null;
}

export function gatherFacts(target: string): Facts {
  const root = enclosingRepository(dirname(resolve(target)));
  if (!root) return { originUrl: null, repoPath: null };
  const path = relative(root, resolve(target)).split(sep).join('/') || '.';
  const url = originUrl(root);
  // A remote or path we could not deploy from is no default: fall back to the placeholders.
  return {
    originUrl: url && !checkRepoUrl(url) ? url : null,
    repoPath: checkRepoPath(path) ? null : path,
  };
}
