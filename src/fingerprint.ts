// Which templates made a project: the first 12 hex digits of a SHA-256 over the template set's
// paths and bytes, recorded next to the version. A build that calls itself the same version but
// carries other templates is then told apart, and an upgrade can say so.
//
// The published bundle has the built-in set's fingerprint compiled in (__TEMPLATES_FINGERPRINT__,
// computed by the build with fingerprintDir over the same folder), so a run neither reads the
// templates nor loads node:crypto; from the sources it is computed once from templates/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TEMPLATES_DIR } from './paths.js';

declare const __TEMPLATES_FINGERPRINT__: string | undefined;

export const FINGERPRINT = /^[0-9a-f]{12}$/;

/** Fingerprint of (path, bytes) pairs; paths use '/' and the order given does not matter. */
export function fingerprintFiles(files: Iterable<readonly [string, Uint8Array]>): string {
  // Loaded here, not at the top: the bundle never calls this, and loading it costs a generation.
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha256');
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, bytes] of sorted) {
    // Lengths delimit each entry, so no two different sets hash the same stream.
    hash.update(`${Buffer.byteLength(path)}:${path}\n${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Fingerprint of a template directory: every `.hbs` file below it (the files load-templates.ts
 * compiles; not imported from there, which would load the template compiler).
 */
export function fingerprintDir(dir: string): string {
  const files: [string, Uint8Array][] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.hbs')) files.push([relative(dir, full).split(sep).join('/'), readFileSync(full)]);
    }
  };
  walk(dir);
  return fingerprintFiles(files);
}

let builtin: string | undefined;

/** Fingerprint of the built-in template set. */
export function builtinFingerprint(): string {
  builtin ??= typeof __TEMPLATES_FINGERPRINT__ === 'string' ? __TEMPLATES_FINGERPRINT__ : fingerprintDir(TEMPLATES_DIR);
  return builtin;
}
