// main(argv, io): parse, dispatch, and turn every error into one line and an exit code.
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

export function processIo(): Io {
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  return {
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ci,
    makeAsk: async () => (await import('./prompts.js')).makeAsk(),
  };
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const command = argv[0] === 'upgrade' || argv[0] === 'presets' ? argv[0] : 'create';
    const args = parseArgv(command === 'create' ? argv : argv.slice(1));
    if (args.version) {
      io.out(VERSION);
      return 0;
    }
    if (args.help) {
      io.out(command === 'upgrade' ? upgradeHelpText() : helpText());
      return 0;
    }
    if (command === 'presets') {
      const { listPresets } = await import('./preset.js');
      const presets = listPresets();
      const width = Math.max(...presets.map((p) => p.name.length)) + 2;
      for (const p of presets) io.out(`${p.name.padEnd(width)}${p.description}`);
      return 0;
    }
    if (command === 'upgrade') {
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
