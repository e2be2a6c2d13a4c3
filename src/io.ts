// What a command may do to the world outside its arguments: the working directory, two output
// streams, and, when there is a terminal, questions. Tests pass their own.
import { isatty } from 'node:tty';
import type { Ask } from './answers.js';

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
    out: lines(process.stdout),
    err: lines(process.stderr),
    interactive: !ci && isatty(0) && isatty(1),
    makeAsk: async () => (await import('./prompts.js')).makeAsk(),
  };
}

/** Writes whole lines; once the reader has gone (`| head`), nobody is left to tell. */
function lines(stream: NodeJS.WriteStream): (line: string) => void {
  let gone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    gone = true;
  });
  return (line) => {
    if (!gone) stream.write(`${line}\n`);
  };
}
