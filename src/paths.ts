import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module that has package.json (src/ and dist/chunks/ alike). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('create-k8s-app: cannot find its package folder');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const PRESETS_DIR = join(PACKAGE_ROOT, 'presets');
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
