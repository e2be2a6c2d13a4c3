// main(argv, io): parse, dispatch, and turn every error into one line and an exit code.
import { writeSync } from 'node:fs';
import { parseArgv } from './args.js';
import type { Ask } from './answers.js';
import { Interrupted, UsageError } from './errors.js';
import { helpText, upgradeHelpText } from './help.js';
import { VERSION } from './version.js';

export interface Io {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** whether questions may be asked: a terminal on both ends and not CI */
  interactive: boolean;
  makeAsk(): Promise<Ask>;
}

/** Whether a line has gone out through process.stdout or process.stderr (see `writer`). */
let streamed = false;

/**
 * Whether everything printed has reached its file descriptor, so the process may exit at once:
 * not when a stream was used, since its writes can still be queued then.
 */
export const outputFlushed = (): boolean => !streamed;

/**
 * Prints whole lines straight to the file descriptor. process.stdout and process.stderr are
 * streams, and the first use of one loads Node's streams stack: about a tenth of a `--help` run,
 * for a CLI that prints a few lines and exits. The stream is still used on Windows (its console
 * wants UTF-16) and, from then on, once the descriptor would block (a non-blocking pipe whose
 * reader is behind).
 */
function writer(fd: 1 | 2, stream: () => NodeJS.WriteStream): (line: string) => void {
  let viaStream = process.platform === 'win32';
  const toStream = (bytes: Buffer) => {
    streamed = true;
    stream().write(bytes);
  };
  return (line) => {
    const bytes = Buffer.from(`${line}\n`);
    if (viaStream) {
      toStream(bytes);
      return;
    }
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The reader went away (`| head`): nobody is left to tell.
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw error;
      viaStream = true;
      toStream(bytes.subarray(done));
    }
  };
}

export function processIo(): Io {
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  return {
    cwd: process.cwd(),
    out: writer(1, () => process.stdout),
    err: writer(2, () => process.stderr),
    // Looked at only when a run could ask: process.stdin builds the stdin stream and loads the
    // tty and net modules, which a run with --yes has no use for.
    get interactive() {
      return !ci && Boolean(process.stdin.isTTY && process.stdout.isTTY);
    },
    makeAsk: async () => {
      // The prompts write to process.stdout themselves.
      streamed = true;
      return (await import('./prompts.js')).makeAsk();
    },
  };
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const command = argv[0] === 'upgrade' || argv[0] === 'presets' ? argv[0] : 'create';
    const rest = command === 'create' ? argv : argv.slice(1);
    // The plain `--help` needs no parser; node's loads a module of its own (a percent of the run).
    if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
      io.out(command === 'upgrade' ? upgradeHelpText() : helpText());
      return 0;
    }
    const args = parseArgv(command, rest);
    if (args.version) {
      io.out(VERSION);
      return 0;
    }
    if (args.help) {
      io.out(command === 'upgrade' ? upgradeHelpText() : helpText());
      return 0;
    }
    if (args.command === 'presets') {
      const { listPresets } = await import('./preset.js');
      const presets = listPresets();
      const width = Math.max(...presets.map((p) => p.name.length)) + 2;
      for (const p of presets) io.out(`${p.name.padEnd(width)}${p.description}`);
      return 0;
    }
    if (args.command === 'upgrade') {
      const { upgrade } = await import('./upgrade/command.js');
      return await upgrade(args, io);
    }
    const { create } = await import('./create.js');
    return await create(args, io);
  } catch (error) {
    return report(error, io);
  }
}

function isPromptExit(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

function report(error: unknown, io: Io): number {
  if (process.env.DEBUG?.split(',').includes('create-k8s-app')) io.err(String((error as Error)?.stack ?? error));
  if (isPromptExit(error)) error = new Interrupted();
  const known = error as { exitCode?: number; message: string; hint?: string };
  if (typeof known?.exitCode === 'number') {
    io.err(`error: ${known.message}`);
    if (known.hint) io.err(`hint: ${known.hint}`);
    return known.exitCode;
  }
  io.err(`error: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`);
  io.err('hint: this is a bug in create-k8s-app; run with DEBUG=create-k8s-app for details and report it');
  return error instanceof UsageError ? 2 : 1;
}
