// Reads a file the user or a project supplies (a preset, a recorded answers file, the recorded
// base) as input that may be hostile: only a regular file, of bounded size, checked before a
// byte is read. A FIFO would block the read forever and /dev/zero would fill memory.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { Failure, UsageError } from './errors.js';

/** The cap on preset and answers files. */
export const INPUT_MAX_BYTES = 1024 * 1024;

export interface ReadInputOptions {
  /** how the file is named in messages, already escaped */
  shown: string;
  maxBytes?: number;
  /** refuse a symbolic link instead of following it (files inside the project) */
  noFollow?: boolean;
  /** what a missing file means to the caller; by default an I/O failure */
  missing?: () => Error;
}

export function readInputFile(path: string, options: ReadInputOptions): string {
  const { shown, maxBytes = INPUT_MAX_BYTES } = options;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && options.missing) throw options.missing();
    if (code === 'ELOOP') throw new UsageError(`${shown} is a symbolic link; it must be a regular file`, 'replace the link with the file itself');
    if (code === 'ENOENT') throw new UsageError(`${shown} does not exist`);
    if (code === 'ENOTDIR') throw new UsageError(`${shown}: a folder in its path is a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new Failure(`cannot read ${shown}: permission denied`);
    throw new Failure(`cannot read ${shown}: ${code ?? (error as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${shown} is ${kindOf(st)}, not a regular file`, 'give the path of a YAML file');
    if (st.size > maxBytes) throw new UsageError(`${shown} is ${st.size} bytes; at most ${maxBytes} allowed`);
    // Read until the end, never past the cap: a file that grows after the check is still refused.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - length, 0), maxBytes - length) + 1);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new UsageError(`${shown} is larger than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
    const buffer = Buffer.concat(chunks, length);
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (typeof (error as { exitCode?: unknown }).exitCode === 'number') throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new Failure(`cannot read ${shown}: ${code ?? (error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
