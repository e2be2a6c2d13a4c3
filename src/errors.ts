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

/** The user pressed Ctrl-C: exit 130, nothing written. */
export class Interrupted extends Error {
  readonly exitCode = 130;
  constructor() {
    super('interrupted; nothing was written');
  }
}
