// The bundle loader and its code cache (src/boot.ts): cached code is used only when it is for
// exactly these bytes and comes from a folder only this user can write; anything else means
// compiling as if there were no cache, with the same result.
// Each run is a process of its own, loading the built dist/boot.cjs: within one process V8 keeps
// compiled scripts in memory and would never look at the cache on disk.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

/** Writes a bundle as the build does: `// bundle <hash>` and then the code. */
function bundle(dist: string, name: string, code: string): void {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 32);
  writeFileSync(join(dist, `${name}.cjs`), `// bundle ${hash}\n${code}`);
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

  it('compiles afresh when an entry is damaged, and replaces it', () => {
    const { dist, cache } = fresh();
    bundle(dist, 'main', 'module.exports = [1, 2, 3].map((n) => n + 1);');
    run(dist, cache);
    const [entry] = entries(cache);
    writeFileSync(join(cache, entry), Buffer.from('not V8 code cache data'));
    const damaged = run(dist, cache);
    expect(damaged.exports).toEqual([2, 3, 4]);
    expect(damaged.hits).toEqual([]);
    expect(readFileSync(join(cache, entry)).toString()).not.toBe('not V8 code cache data');
    expect(run(dist, cache).hits).toEqual(['main']);
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
    const outputs = ['cold', 'warm', 'off'].map((name) => {
      const cwd = join(root.dir, `cli-${name}`);
      mkdirSync(cwd);
      const env = name === 'off' ? { NODE_DISABLE_COMPILE_CACHE: '1' } : { NODE_COMPILE_CACHE: cache };
      const r = runCli(args, { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(join(cwd, 'app', '.create-k8s-app', 'base.json'), 'utf8');
    });
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    const [dir] = readdirSync(cache);
    // Node 22.1+ keeps its own cache there instead of ours.
    if (!('enableCompileCache' in (process.getBuiltinModule('node:module') as object))) {
      expect(readdirSync(join(cache, dir)).map((e) => e.replace(/-[0-9a-f]+\.bin$/, '')).sort()).toEqual(['cli', 'create']);
    }
  });
});
