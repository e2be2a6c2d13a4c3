// Loads the CLI's bundles (dist/*.cjs) and runs it. Most of a generation beyond Node's own start
// is V8 compiling the bundles, so they go through a code cache: V8's compiled code for each
// bundle, saved after the first run and handed back to V8 on the next ones. Node 22.1+ has one
// built in (module.enableCompileCache), used when present; on Node 20 this module keeps its own.
//
// What is in the cache runs as code, and V8 checks little of it: that it is for a source of the
// same length, and (release builds) not whether its bytes are intact, so a damaged entry can
// crash it or worse. So an entry is named after the bundle file's identity (size, inode, times:
// any change to the file changes its ctime), holds its data twice, used only when both copies
// agree, and is read only when it is a regular file of the user's, not a link, in a folder of
// the user's that nobody else can write to. Anything else, and any error, means compiling as if
// there were no cache.
// Two copies rather than a checksum: node:crypto, node:zlib and node:v8 (for V8's own checksum
// flag) each load Node's streams, several milliseconds on every run; comparing two copies takes
// a tenth of one and catches the same accidents (a torn write, a damaged block).
// NODE_COMPILE_CACHE=<dir> puts it elsewhere and NODE_DISABLE_COMPILE_CACHE=1 turns it off, as
// they do for Node's own cache.
import {
  type Stats,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

type Exports = Record<string, unknown>;
type Load = (name: string) => Exports;

/** Where the cache lives for this Node, or null when it is turned off or there is no home. */
export function cacheDirFor(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  let base = env.NODE_COMPILE_CACHE;
  if (!base) {
    let home: string;
    try {
      home = homedir();
    } catch {
      // no HOME and a uid without a passwd entry, as in some containers
      return null;
    }
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

/**
 * The user's, and writable by nobody else. Windows has no uid or mode bits to go by; the cache
 * folder there is in the user's own profile.
 */
function isPrivate(stat: Stats): boolean {
  if (process.platform === 'win32' || !process.getuid) return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

function isPrivateDir(dir: string): boolean {
  try {
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    return stat !== undefined && stat.isDirectory() && isPrivate(stat);
  } catch {
    return false;
  }
}

/** Makes the folder (0700) if need be; whether it can be trusted. */
function preparePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(dir);
}

/**
 * The file's `size` bytes in one read. readFileSync(fd) would not trust the size and read in
 * chunks it then joins, which for these files costs more than the read.
 */
function readWhole(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const read = readSync(fd, bytes, done, size - done, done);
    if (read === 0) break;
    done += read;
  }
  return bytes.subarray(0, done);
}

/** An entry's V8 data, or undefined when it is missing, not the user's own file, or damaged. */
function readEntry(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || !isPrivate(stat) || stat.size === 0 || stat.size % 2 !== 0) return undefined;
    const bytes = readWhole(fd, stat.size);
    const data = bytes.subarray(0, bytes.length / 2);
    return data.equals(bytes.subarray(bytes.length / 2)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The bundle's source, and the name of its entry: any change to the file gives another. */
function readBundle(filename: string, name: string): { source: string; file: string } {
  const fd = openSync(filename, 'r');
  try {
    const { size, ino, mtimeMs, ctimeMs } = fstatSync(fd);
    const id = [size, ino, Math.round(mtimeMs * 1000), Math.round(ctimeMs * 1000)].map((n) => n.toString(36)).join('-');
    return { source: readWhole(fd, size).toString('utf8'), file: `${name}-${id}.bin` };
  } finally {
    closeSync(fd);
  }
}

function writeEntry(dir: string, name: string, file: string, data: Buffer): void {
  if (!preparePrivateDir(dir)) return;
  // A fresh name, made exclusively (never through a link someone left), then renamed over the
  // entry: a run in parallel reads the old entry or the new one, never half of one.
  const temp = join(dir, `.${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, Buffer.concat([data, data]), { mode: 0o600, flag: 'wx' });
    renameSync(temp, join(dir, file));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
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
  /** the bundles compiled afresh, whose data `save` writes */
  misses: string[];
}

/**
 * A loader for the bundles in `dist`, each run once, through the code cache in `cacheDir`. A
 * bundle's `require('./x.cjs')` loads bundle x the same way; anything else goes to Node.
 */
export function cachedLoader(dist: string, cacheDir: string): CachedLoader {
  const modules = new Map<string, nodeModule>();
  const toSave: { name: string; file: string; script: Script }[] = [];
  const hits: string[] = [];
  const misses: string[] = [];
  const trusted = isPrivateDir(cacheDir);

  const load: Load = (name) => {
    const known = modules.get(name);
    // mod.exports, not the object it started as: a bundle replaces module.exports as it runs.
    if (known) return known.exports as Exports;
    const filename = join(dist, `${name}.cjs`);
    const { source, file } = readBundle(filename, name);
    const cachedData = trusted ? readEntry(join(cacheDir, file)) : undefined;
    const script = new Script(nodeModule.wrap(source), { filename, cachedData });
    if (cachedData && !script.cachedDataRejected) {
      hits.push(name);
    } else {
      misses.push(name);
      toSave.push({ name, file, script });
    }

    const mod = new nodeModule.Module(filename);
    mod.filename = filename;
    const nodeRequire = nodeModule.createRequire(filename);
    const require = Object.assign(
      (id: string) => (/^\.\/[\w-]+\.cjs$/.test(id) ? load(id.slice(2, -4)) : nodeRequire(id)),
      nodeRequire,
    );
    modules.set(name, mod);
    try {
      (script.runInThisContext() as Function).call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
    } catch (error) {
      // as Node does: a bundle that threw is not loaded, and the next require runs it again
      modules.delete(name);
      throw error;
    }
    mod.loaded = true;
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
  return { load, save, hits, misses };
}

/** Plain require: Node's own compile cache, where there is one, covers these. */
function plainLoader(dist: string): Load {
  const require = nodeModule.createRequire(join(dist, 'boot.cjs'));
  return (name) => require(`./${name}.cjs`) as Exports;
}

// Node 22.1+ only, so not in Node 20's types.
const nodeCompileCache = nodeModule as {
  enableCompileCache?: (dir?: string) => unknown;
  flushCompileCache?: () => void;
};

/** The bin's whole job: load the CLI from `dist` and run it with this process's arguments. */
export function start(dist: string): void {
  const cacheDir = cacheDirFor(process.env);
  const debug = process.env.DEBUG?.split(',').includes('create-k8s-app');
  let load: Load;
  if (nodeCompileCache.enableCompileCache) {
    // The same folder, and the same rule about whose it is, for Node's cache.
    if (cacheDir && preparePrivateDir(cacheDir)) nodeCompileCache.enableCompileCache(cacheDir);
    load = plainLoader(dist);
  } else if (cacheDir) {
    const cached = cachedLoader(dist, cacheDir);
    // At exit rather than after loading: the data then holds every function the run compiled,
    // not only the code at the bundles' top level.
    process.once('exit', () => {
      cached.save();
      if (debug) process.stderr.write(`code cache ${cacheDir}: used for ${cached.hits.join(', ') || 'none'}; saved for ${cached.misses.join(', ') || 'none'}\n`);
    });
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
    if (cli.outputFlushed()) {
      nodeCompileCache.flushCompileCache?.();
      process.exit();
    }
  });
}
