// Loads the CLI's bundles (dist/*.cjs) and runs it. Most of a generation beyond Node's own start
// is V8 compiling the bundles, so they go through a code cache: V8's compiled code for each
// bundle, saved after the first run and handed back to V8 on the next ones. Node 22.1+ has one
// built in (module.enableCompileCache), used when present; on Node 20 this module keeps its own.
//
// The cache is the user's own: a folder under the user's cache directory, made 0700 and used
// only when it is owned by the user and writable by nobody else, since what is in it runs as code.
// NODE_COMPILE_CACHE=<dir> puts it elsewhere and NODE_DISABLE_COMPILE_CACHE=1 turns it off, as
// they do for Node's own cache. Any problem with the cache means running without it.
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

type Exports = Record<string, unknown>;
type Load = (name: string) => Exports;

/** `// bundle <hash>`, the first line the build gives each bundle: its key in the cache. */
const HASH_LINE = /^\/\/ bundle ([0-9a-f]{16,64})\n/;

/** Where the cache lives for this Node, or null when it is turned off. */
export function cacheDirFor(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  let base = env.NODE_COMPILE_CACHE;
  if (!base) {
    const home = homedir();
    if (!home) return null;
    const root =
      platform === 'win32' ? (env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'))
      : platform === 'darwin' ? join(home, 'Library', 'Caches')
      : env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME
      : join(home, '.cache');
    base = join(root, 'create-k8s-app');
  }
  // V8 refuses data from another version or other flags anyway; a folder per Node keeps two
  // Node versions used by turns from overwriting each other's entries.
  return join(base, `code-cache-${process.version}-${process.arch}`);
}

/** Whether `dir` is a real folder of this user's that nobody else can write to. */
function isPrivateDir(dir: string): boolean {
  let stat;
  try {
    stat = lstatSync(dir, { throwIfNoEntry: false });
  } catch {
    return false;
  }
  if (!stat?.isDirectory()) return false;
  if (process.platform === 'win32' || !process.getuid) return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

function writeEntry(dir: string, name: string, file: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivateDir(dir)) return;
  // Written aside and renamed, so a run in parallel never reads half an entry.
  const temp = join(dir, `.${file}.${process.pid}.tmp`);
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, join(dir, file));
  // Entries for this bundle's earlier builds are dead weight from now on.
  for (const entry of readdirSync(dir)) {
    if (entry !== file && entry.startsWith(`${name}-`) && entry.endsWith('.bin')) rmSync(join(dir, entry), { force: true });
  }
}

export interface CachedLoader {
  load: Load;
  /** Saves what this run compiled; called as the process exits, when every function used has been. */
  save(): void;
  /** the bundles whose code came from the cache */
  hits: string[];
}

/**
 * A loader for the bundles in `dist`, each run once, through the code cache in `cacheDir`. A
 * bundle's `require('./x.cjs')` loads bundle x the same way; anything else goes to Node.
 */
export function cachedLoader(dist: string, cacheDir: string): CachedLoader {
  const loaded = new Map<string, Exports>();
  const toSave: { name: string; file: string; script: Script }[] = [];
  const hits: string[] = [];
  const trusted = isPrivateDir(cacheDir);

  const load: Load = (name) => {
    const done = loaded.get(name);
    if (done) return done;
    const filename = join(dist, `${name}.cjs`);
    const source = readFileSync(filename, 'utf8');
    const hash = HASH_LINE.exec(source)?.[1];
    const file = `${name}-${hash}.bin`;
    let cachedData: Buffer | undefined;
    if (hash && trusted) {
      try {
        cachedData = readFileSync(join(cacheDir, file));
      } catch {
        // not cached yet
      }
    }
    const script = new Script(nodeModule.wrap(source), { filename, cachedData });
    if (cachedData && !script.cachedDataRejected) hits.push(name);
    else if (hash) toSave.push({ name, file, script });

    const mod = new nodeModule.Module(filename);
    mod.filename = filename;
    const nodeRequire = nodeModule.createRequire(filename);
    const require = Object.assign(
      (id: string) => (/^\.\/[\w-]+\.cjs$/.test(id) ? load(id.slice(2, -4)) : nodeRequire(id)),
      nodeRequire,
    );
    loaded.set(name, mod.exports as Exports);
    (script.runInThisContext() as Function).call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
    mod.loaded = true;
    loaded.set(name, mod.exports as Exports);
    return mod.exports as Exports;
  };

  const save = () => {
    for (const { name, file, script } of toSave.splice(0)) {
      try {
        writeEntry(cacheDir, name, file, script.createCachedData());
      } catch {
        // a cache that cannot be written is a cache the next run does without
      }
    }
  };
  return { load, save, hits };
}

/** Plain require: Node's own compile cache, where there is one, covers these. */
function plainLoader(dist: string): Load {
  return (name) => nodeModule.createRequire(join(dist, 'boot.cjs'))(`./${name}.cjs`) as Exports;
}

/** The bin's whole job: load the CLI from `dist` and run it with this process's arguments. */
export function start(dist: string): void {
  const cacheDir = cacheDirFor(process.env);
  // Node 22.1+ only, so not in Node 20's types.
  const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
  let load: Load;
  if (enableCompileCache) {
    if (cacheDir) enableCompileCache();
    load = plainLoader(dist);
  } else if (cacheDir) {
    const cached = cachedLoader(dist, cacheDir);
    // At exit rather than after loading: the data then holds every function the run compiled,
    // not only the code at the bundles' top level.
    process.once('exit', cached.save);
    load = cached.load;
  } else {
    load = plainLoader(dist);
  }
  const cli = load('cli') as { main(argv: string[]): Promise<number>; outputFlushed(): boolean };
  void cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Done: leave now rather than when the event loop runs dry, which first runs whatever V8
    // has queued, such as a garbage collection of a heap about to be thrown away (~5 ms of a
    // generation). Not while output may still be queued in a stream.
    if (cli.outputFlushed()) process.exit();
  });
}
