// The built CLI in a real terminal (tmux, on a server of its own): what a person sees first, the
// summary before writing, a Ctrl-C at a list, and the result line on a narrow terminal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const root = tempRoot('ck8s-tmux-');
const socket = join(root.dir, 'tmux.sock');
const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version;
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-S', socket, 'kill-server']);
  root.cleanup();
});

const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
let n = 0;

/** Starts the CLI in a detached session of the given size, outside CI; returns the session name and its directory. */
function start(args: string[], columns = 80) {
  const name = `s${n++}`;
  const cwd = join(root.dir, name);
  mkdirSync(cwd);
  // The shell stays after the CLI ends, so its last screen and exit code can be read.
  const command = `env -u CI -u HELM_BIN ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args.join(' ')}; echo "exit=$?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', '50', '-c', cwd, command);
  return { name, cwd };
}

/** The screen; with `joined`, lines the terminal wrapped are joined again (lines the CLI broke stay apart). */
const screenOf = (name: string, joined = false) => tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', name);

async function waitFor(name: string, pattern: RegExp, timeout = 20_000): Promise<string> {
  const until = Date.now() + timeout;
  for (;;) {
    const shown = screenOf(name);
    if (pattern.test(shown)) return shown;
    if (Date.now() > until) throw new Error(`${pattern} never showed; the screen:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!hasTmux)('at a terminal', () => {
  it('opens with the name and version, sums up the answers and asks before writing', async () => {
    const { name, cwd } = start(['demo', '--envs', 'prod', '--no-lint']);
    const first = await waitFor(name, /App type/);
    expect(first.split('\n')[0]).toBe(`create-k8s-app ${VERSION}`);
    // Enter takes each default, until the confirm.
    for (let i = 0; i < 12 && !/Write the project/.test(screenOf(name)); i++) {
      tmux('send-keys', '-t', name, 'Enter');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const summary = await waitFor(name, /Write the project to demo\/\?/);
    // Each question answered left one line with its answer.
    expect(summary).toMatch(/^✔ App type web$/m);
    expect(summary).toMatch(/^✔ Container image registry\.example\.com\/demo:0\.1\.0$/m);
    expect(summary).toMatch(/Your answers:/);
    expect(summary).toMatch(/^ {2}name +demo +\(directory name\)$/m);
    expect(summary).toMatch(/^ {2}envs +prod +\(flag\)$/m);
    expect(summary).toMatch(/^ {2}type +web +\(default\)$/m);
    expect(existsSync(join(cwd, 'demo'))).toBe(false);
    tmux('send-keys', '-t', name, 'Enter');
    const done = await waitFor(name, /exit=\d+/);
    expect(done).toContain('exit=0');
    expect(done).toContain('Next steps (demo/README.md has the details):');
    expect(existsSync(join(cwd, 'demo', 'chart', 'Chart.yaml'))).toBe(true);
  });

  it('Ctrl-C at a list shows the question as cancelled, not a choice never made, and writes nothing', async () => {
    const { name, cwd } = start(['demo', '--no-lint']);
    await waitFor(name, /App type/);
    tmux('send-keys', '-t', name, 'Down');
    tmux('send-keys', '-t', name, 'Down');
    await waitFor(name, /❯ grpc/);
    tmux('send-keys', '-t', name, 'C-c');
    const shown = await waitFor(name, /exit=\d+/);
    expect(shown).toContain('exit=130');
    expect(shown).toContain('error: interrupted; nothing was written');
    expect(shown).toMatch(/^✖ App type cancelled$/m);
    // The list is gone: no cursor left on any choice, moved or not.
    expect(shown).not.toContain('❯');
    expect(shown).not.toMatch(/App type (web|grpc)/);
    expect(existsSync(join(cwd, 'demo'))).toBe(false);
  });

  it('wraps the result line at words on a 60-column terminal', async () => {
    const { name } = start(['narrow-app', '--yes', '--no-lint'], 60);
    await waitFor(name, /exit=\d+/);
    const shown = screenOf(name, true);
    expect(shown).toContain('exit=0');
    const result = shown.slice(shown.indexOf('created narrow-app/'));
    const lines = result.split('\n').slice(0, 2);
    expect(lines[0].length).toBeLessThanOrEqual(60);
    // The line broke between words: each line ends and starts with a whole one.
    expect(`${lines[0]} ${lines[1].trim()}`).toMatch(/^created narrow-app\/ \(\d+ files\): web, rolling, scaling hpa, restricted, envs( staging,)?( prod)?/);
    // Prose is wrapped too; only commands, kept whole to be copied, may be wider.
    for (const line of shown.split('\n')) if (!line.includes('kubectl ')) expect(line.length, line).toBeLessThanOrEqual(60);
  });
});

it.runIf(!hasTmux)('terminal tests are skipped: tmux is not installed', () => {
  console.warn('skipped the terminal tests: tmux is not installed (apt-get install tmux)');
});
