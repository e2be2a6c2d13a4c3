/** Bad input or usage: exit 2. The message is one line; the hint, if any, says how to fix it. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** A failure that is not the user's input (I/O, helm lint): exit 1. */
export class Failure extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** The lines an error the CLI knows is reported in: `error: …`, and `hint: …` when it has one. */
export function errorLines(known: { message: string; hint?: string }): string[] {
  return [`error: ${known.message}`, ...(known.hint ? [`hint: ${known.hint}`] : [])];
}

/** A prompt ended by Ctrl-C or Escape (@inquirer's error names; told apart without loading it). */
export const isPromptExit = (error: unknown): boolean => ['ExitPromptError', 'AbortPromptError'].includes((error as Error)?.name);

/** The user pressed Ctrl-C: exit 130, nothing written. */
export class Interrupted extends Error {
  readonly exitCode = 130;
  constructor() {
    super('interrupted; nothing was written');
  }
}
