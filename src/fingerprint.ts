// Which templates made a project: the first 12 hex digits of a SHA-256 over the template set's
// paths and bytes, recorded next to the version. A build that calls itself the same version but
// carries other templates is then told apart, and an upgrade can say so.
//
// The published bundle has the built-in set's fingerprint compiled in (__TEMPLATES_FINGERPRINT__,
// computed by the build with fingerprintSources), so a run neither reads the sources nor hashes
// them; from the sources it is computed once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';
import { sha256 } from './sha256.js';
import { byCodeUnit } from './order.js';

declare const __TEMPLATES_FINGERPRINT__: string | undefined;

export const FINGERPRINT = /^[0-9a-f]{12}$/;

/** Fingerprint of (path, bytes) pairs; paths use '/' and the order given does not matter. */
export function fingerprintFiles(files: Iterable<readonly [string, Uint8Array]>): string {
  const hash = sha256();
  const sorted = [...files].sort(([a], [b]) => byCodeUnit(a, b));
  for (const [path, bytes] of sorted) {
    // Lengths delimit each entry, so no two different sets hash the same stream.
    hash.update(`${Buffer.byteLength(path)}:${path}\n${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * What decides the files a generation writes, besides the answers: the templates, and the tables
 * they are filled from (the values model, the KEDA trigger and traffic router rows). Paths are
 * relative to the package root.
 */
const SOURCES = ['templates', 'src/values', 'src/keda-triggers.ts', 'src/traffic.ts'];

/** Fingerprint of the template set below `root`: every file of SOURCES, by path and bytes. */
export function fingerprintSources(root: string): string {
  const files: [string, Uint8Array][] = [];
  const add = (path: string) => {
    const full = join(root, path);
    if (statSync(full).isDirectory()) for (const entry of readdirSync(full).sort()) add(`${path}/${entry}`);
    else files.push([path, readFileSync(full)]);
  };
  for (const source of SOURCES) add(source);
  return fingerprintFiles(files);
}

let builtin: string | undefined;

/** Fingerprint of the built-in template set. */
export function builtinFingerprint(): string {
  builtin ??= typeof __TEMPLATES_FINGERPRINT__ === 'string' ? __TEMPLATES_FINGERPRINT__ : fingerprintSources(PACKAGE_ROOT);
  return builtin;
}
