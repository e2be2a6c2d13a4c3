// SHA-256 for the few places that need one. node:crypto is loaded on the first call, not at
// start: loading it costs about as much as rendering a chart, and most runs never hash anything.
import type { Hash } from 'node:crypto';

export function sha256(): Hash {
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return createHash('sha256');
}

export const sha256Hex = (data: string | Uint8Array): string => sha256().update(data).digest('hex');
