// The built CLI as a process the tests can slow down, signal and kill, and the byte-for-byte
// picture of a tree that "exactly as before" is compared with.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI } from '../support/cli.js';

export const SLOW_FS = pathToFileURL(join(import.meta.dirname, 'slow-fs.mjs')).href;

/** Every folder, file (bytes and mode) and link under `dir`. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(dir, full);
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = `dir ${mode}`;
        walk(full);
      } else out[rel] = `${mode} ${readFileSync(full).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Slow {
  /** pause after each renameSync / writeFileSync whose path contains `only` */
  pauseMs?: number;
  only?: string;
  calls?: 'renameSync' | 'writeFileSync';
  /** where the preload logs each slowed call */
  log?: string;
  /** fail the Nth slowed rename with EIO */
  failRename?: number;
  /** after each slowed call, wait while this file exists */
  gate?: string;
}

/** Starts the built CLI, with the file system slowed from the outside when asked. */
export function start(args: string[], cwd: string, slow: Slow = {}, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<Exit> } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: 'true', ...env };
  delete childEnv.HELM_BIN;
  const preload: string[] = [];
  if (slow.pauseMs || slow.log || slow.failRename || slow.gate) {
    preload.push('--import', SLOW_FS);
    childEnv.SLOW_FS_PAUSE_MS = String(slow.pauseMs ?? 0);
    childEnv.SLOW_FS_ONLY = slow.only ?? '';
    childEnv.SLOW_FS_CALLS = slow.calls ?? '';
    if (slow.log) childEnv.SLOW_FS_LOG = slow.log;
    if (slow.failRename) childEnv.SLOW_FS_FAIL_RENAME = String(slow.failRename);
    if (slow.gate) childEnv.SLOW_FS_GATE = slow.gate;
  }
  const child = spawn(process.execPath, [...preload, CLI, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  // 'close' comes after the kernel reaped the child: only then is its pid free, so the next run
  // sees a lock or staging directory of it as left by a process that is gone.
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lines the slow-fs preload logged so far. */
export function logged(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
