// Preloaded into the CLI by tests (`node --import <this file> bin/create-k8s-app.cjs …`) to make
// the file system slow or failing from the outside, the way a slow disk or a broken one would:
// the CLI itself has no test switches. Configured by the test through the environment:
//   SLOW_FS_PAUSE_MS   block this long after each renameSync and writeFileSync (a slow disk)
//   SLOW_FS_ONLY       only calls whose first path contains this string are slowed and logged
//   SLOW_FS_CALLS      which calls: "renameSync", "writeFileSync" or both (the default)
//   SLOW_FS_LOG        append "<call> <path>" to this file after each slowed call
//   SLOW_FS_FAIL_RENAME  fail the Nth slowed renameSync (1-based) with EIO
//   SLOW_FS_GATE       after each slowed call, wait for as long as this file exists (a stalled disk
//                      the test releases by deleting it)
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const pauseMs = Number(process.env.SLOW_FS_PAUSE_MS ?? 0);
const only = process.env.SLOW_FS_ONLY ?? '';
const log = process.env.SLOW_FS_LOG;
const calls = (process.env.SLOW_FS_CALLS || 'renameSync,writeFileSync').split(',');
const failRename = Number(process.env.SLOW_FS_FAIL_RENAME ?? 0);
const gate = process.env.SLOW_FS_GATE;
const existsSync = fs.existsSync;
const appendFileSync = fs.appendFileSync;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let renames = 0;

function wrap(name) {
  const original = fs[name];
  fs[name] = function (path, ...rest) {
    const watched = String(path).includes(only);
    if (watched && name === 'renameSync' && ++renames === failRename) {
      throw Object.assign(new Error(`EIO: i/o error, rename '${path}'`), { code: 'EIO', errno: -5, syscall: 'rename' });
    }
    const result = original.call(this, path, ...rest);
    if (watched) {
      if (log) appendFileSync(log, `${name} ${path}\n`);
      if (pauseMs > 0) Atomics.wait(sleeper, 0, 0, pauseMs);
      while (gate && existsSync(gate)) Atomics.wait(sleeper, 0, 0, 10);
    }
    return result;
  };
}

for (const name of calls) wrap(name);
syncBuiltinESMExports();
