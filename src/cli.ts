// main(argv, io): parse, dispatch, and turn every error into one line and an exit code.
import { parseArgv } from './args.js';
import { errorLines, Interrupted, isPromptExit } from './errors.js';
import { helpText, upgradeHelpText } from './help.js';
import { processIo, type Io } from './io.js';
import { VERSION } from './version.js';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    const command = argv[0] === 'upgrade' || argv[0] === 'presets' ? argv[0] : 'create';
    const rest = command === 'create' ? argv : argv.slice(1);
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

function report(error: unknown, io: Io): number {
  if (process.env.DEBUG?.split(',').includes('create-k8s-app')) io.err(String((error as Error)?.stack ?? error));
  if (isPromptExit(error)) error = new Interrupted();
  const known = error as { exitCode?: number; message: string; hint?: string };
  if (typeof known?.exitCode === 'number') {
    for (const line of errorLines(known)) io.err(line);
    return known.exitCode;
  }
  io.err(`error: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`);
  io.err('hint: this is a bug in create-k8s-app; run with DEBUG=create-k8s-app for details and report it');
  return 1;
}
