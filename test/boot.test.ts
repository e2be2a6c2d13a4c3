// The bundle loader and its code cache (src/boot.ts): cached code is used only when it is for
// exactly these bytes, intact, and the user's own; anything else means compiling as if there
// were no cache, with the same result.
// Each run is a process of its own, loading the built dist/boot.cjs: within one process V8 keeps
// compiled scripts in memory and would never look at the cache on disk.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDirFor } from '../src/boot.js';
import { runCli } from './support/cli.js';
import { tempRoot } from './support/project.js';

const root = tempRoot('ck8s-boot-');
afterAll(() => root.cleanup());

let count = 0;
function fresh(): { dist: string; cache: string } {
  const dir = join(root.dir, `case-${count++}`);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  return { dist: join(dir, 'dist'), cache: join(dir, 'cache', 'code-cache') };
}

function bundle(dist: string, name: string, code: string): void {
  writeFileSync(join(dist, `${name}.cjs`), code);
}

const BOOT = join(import.meta.dirname, '..', 'dist', 'boot.cjs');

/** One run as the bin does it, in a process of its own: load the entry bundle, save at exit. */
function run(dist: string, cache: string): { exports: unknown; hits: string[] } {
  const script = `
    const loader = require(${JSON.stringify(BOOT)}).cachedLoader(${JSON.stringify(dist)}, ${JSON.stringify(cache)});
    const exports = loader.load('main');
    process.once('exit', () => { loader.save(); console.log(JSON.stringify({ exports, hits: loader.hits })); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const entries = (cache: string) => (existsSync(cache) ? readdirSync(cache).sort() : []);

describe('cacheDirFor', () => {
  it('follows the platform, NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE', () => {
    const tail = `code-cache-${process.version}-${process.arch}`;
    expect(cacheDirFor({ NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: '/x' })).toBeNull();
    expect(cacheDirFor({ NODE_COMPILE_CACHE: '/x' })).toBe(join('/x', tail));
    expect(cacheDirFor({ XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe(join('/xdg', 'create-k8s-app', tail));
    // A relative XDG_CACHE_HOME is invalid by the spec, and would put the cache in the cwd.
    expect(cacheDirFor({ XDG_CACHE_HOME: 'rel' }, 'linux')).toMatch(/\.cache[/\\]create-k8s-app[/\\]code-cache-/);
    expect(cacheDirFor({}, 'darwin')).toMatch(/Library[/\\]Caches[/\\]create-k8s-app[/\\]code-cache-/);
    expect(cacheDirFor({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toContain('create-k8s-app');
  });
});

describe('cachedLoader', () => {
  it('saves each bundle after the first run, private to the user, and uses it on the next', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', "const dep = require('./dep.cjs'); module.exports = { value: dep.twice(21), sep: require('node:path').sep };");
    bundle(dist, 'dep', 'exports.twice = (n) => n * 2;');

    const first = run(dist, cache);
    expect(first.exports).toEqual({ value: 42, sep });
    expect(first.hits).toEqual([]);
    expect(entries(cache)).toHaveLength(2);
    if (process.platform !== 'win32') {
      expect(statSync(cache).mode & 0o777).toBe(0o700);
      for (const entry of entries(cache)) expect(statSync(join(cache, entry)).mode & 0o777).toBe(0o600);
    }

    const second = run(dist, cache);
    expect(second.exports).toEqual({ value: 42, sep });
    expect(second.hits.sort()).toEqual(['dep', 'main']);
  });

  it('loads a bundle required twice once', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', "module.exports = require('./counter.cjs') === require('./counter.cjs') && require('./counter.cjs').n;");
    bundle(dist, 'counter', 'globalThis.count = (globalThis.count ?? 0) + 1; exports.n = globalThis.count;');
    expect(run(dist, cache).exports).toBe(1);
  });

  it('never runs cached code for other bytes, even of the same length', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', 'module.exports = "one";');
    expect(run(dist, cache).exports).toBe('one');
    // Same length: V8's own check of cached data looks at the length of the source only.
    bundle(dist, 'main', 'module.exports = "two";');
    const next = run(dist, cache);
    expect(next.exports).toBe('two');
    expect(next.hits).toEqual([]);
    // The entry for the old bytes is gone, the new one is there.
    expect(entries(cache)).toHaveLength(1);
    expect(run(dist, cache).hits).toEqual(['main']);
  });

  // V8 release builds do not check the integrity of cached data: damaged data can crash them.
  it.each([
    ['replaced', (data: Buffer) => Buffer.from('not V8 code cache data')],
    ['with bytes changed a quarter in', (data: Buffer) => Buffer.concat([data.subarray(0, data.length >> 2), Buffer.alloc(8, 0xa5), data.subarray((data.length >> 2) + 8)])],
    ['with bytes changed three quarters in', (data: Buffer) => Buffer.concat([data.subarray(0, (data.length * 3) >> 2), Buffer.alloc(8, 0xa5), data.subarray(((data.length * 3) >> 2) + 8)])],
    ['cut short', (data: Buffer) => data.subarray(0, data.length - 100)],
  ])('compiles afresh when an entry is %s, and replaces it', (_how, damage) => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', 'const f = (n) => n + 1; module.exports = [1, 2, 3].map(f).concat(Array.from({ length: 40 }, (_, i) => f(i)).slice(-1));');
    run(dist, cache);
    const [entry] = entries(cache);
    const good = readFileSync(join(cache, entry));
    writeFileSync(join(cache, entry), damage(good));
    const damaged = run(dist, cache);
    expect(damaged.exports).toEqual([2, 3, 4, 40]);
    expect(damaged.hits).toEqual([]);
    expect(readFileSync(join(cache, entry)).equals(damage(good))).toBe(false);
    expect(run(dist, cache).hits).toEqual(['main']);
  });

  it.skipIf(process.platform === 'win32')('does not follow an entry that is a link', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', 'module.exports = "ok";');
    run(dist, cache);
    const [entry] = entries(cache);
    copyFileSync(join(cache, entry), join(cache, '..', 'elsewhere'));
    rmSync(join(cache, entry));
    symlinkSync(join(cache, '..', 'elsewhere'), join(cache, entry));
    const linked = run(dist, cache);
    expect(linked.exports).toBe('ok');
    expect(linked.hits).toEqual([]);
  });

  it('hands out module.exports as the bundle left it, also within a cycle', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', "module.exports = { x: 1 }; module.exports.fromB = require('./b.cjs').seen;");
    bundle(dist, 'b', "exports.seen = require('./main.cjs').x;");
    expect(run(dist, cache).exports).toEqual({ x: 1, fromB: 1 });
  });

  it('runs a bundle that threw again on the next require, as Node does', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', "let first; try { require('./flaky.cjs'); } catch (e) { first = e.message; } module.exports = [first, require('./flaky.cjs').n];");
    bundle(dist, 'flaky', "globalThis.tries = (globalThis.tries ?? 0) + 1; if (globalThis.tries === 1) throw new Error('first'); exports.n = globalThis.tries;");
    expect(run(dist, cache).exports).toEqual(['first', 2]);
  });

  it.skipIf(process.platform === 'win32')('neither reads nor writes a folder that others can write to', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', 'module.exports = "ok";');
    run(dist, cache);
    const [entry] = entries(cache);
    const before = readFileSync(join(cache, entry));
    chmodSync(cache, 0o777);
    const shared = run(dist, cache);
    expect(shared.exports).toBe('ok');
    expect(shared.hits).toEqual([]);
    expect(readFileSync(join(cache, entry))).toEqual(before);
    chmodSync(cache, 0o700);
    expect(run(dist, cache).hits).toEqual(['main']);
  });

  it('runs without a cache when the folder cannot be made', () => {
    const { dist } = fresh();
    bundle(dist, 'main', 'module.exports = "ok";');
    const blocker = join(dist, 'a-file');
    writeFileSync(blocker, '');
    expect(run(dist, join(blocker, 'cache')).exports).toBe('ok');
  });
});

describe('the CLI through its code cache', () => {
  it('generates the same project with a cold cache, a warm one and none', () => {
    const cache = join(root.dir, 'cli-cache');
    const args = ['app', '--type', 'api', '--strategy', 'canary', '--envs', 'staging,prod', '--yes', '--no-lint'];
    const runs = ['cold', 'warm', 'off'].map((name) => {
      const cwd = join(root.dir, `cli-${name}`);
      mkdirSync(cwd);
      const env = { DEBUG: 'create-k8s-app', ...(name === 'off' ? { NODE_DISABLE_COMPILE_CACHE: '1' } : { NODE_COMPILE_CACHE: cache }) };
      const r = runCli(args, { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      return { stderr: r.stderr, base: readFileSync(join(cwd, 'app', '.create-k8s-app', 'base.json'), 'utf8') };
    });
    expect(runs[1].base).toBe(runs[0].base);
    expect(runs[2].base).toBe(runs[0].base);
    // Node 22.1+ keeps its own cache there instead of ours.
    if (!('enableCompileCache' in (process.getBuiltinModule('node:module') as object))) {
      expect(runs[0].stderr).toContain('used for none; saved for cli, create');
      expect(runs[1].stderr).toContain('used for cli, create; saved for none');
      expect(runs[2].stderr).not.toContain('code cache');
      const [dir] = readdirSync(cache);
      expect(readdirSync(join(cache, dir)).map((e) => e.replace(/-.*/, '')).sort()).toEqual(['cli', 'create']);
    }
  });
});
