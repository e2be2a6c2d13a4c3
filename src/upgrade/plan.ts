import { readProjectFile } from '../project-fs.js';
import { mergeText, toLF, withEolOf, type MergeLabels } from './merge.js';

export type Status =
  | 'create' // new path, not on disk → write
  | 'update' // unedited on disk, template changed → write
  | 'merged' // edited on both sides, merged cleanly → write
  | 'conflict' // markers written; or edited but no longer generated (no content, file kept)
  | 'delete' // unedited, no longer generated → remove
  | 'kept' // edited on disk, nothing new from the template → leave
  | 'unchanged' // disk already matches → leave
  | 'kept-deleted' // user deleted a generated file → leave absent
  | 'restore'; // user deleted it, but asked for it back → write

export interface FileChange {
  path: string;
  status: Status;
  /** What to write; absent when nothing is written or the file is deleted. */
  content?: string;
  /** Content on disk, for diffs; absent when there is no file. */
  before?: string;
  /** Mode of the file on disk, passed through from the caller for the writer. */
  mode?: number;
  reason?: string;
}

export interface UpgradePlan {
  /** Every path the generator produced before or produces now, sorted. */
  changes: FileChange[];
  /** The entries of `changes` whose status is 'conflict'. */
  conflicts: FileChange[];
}

export interface PlanInput {
  /** Pristine output of the last generation. */
  base: Map<string, string>;
  /** Output of the generator now. */
  next: Map<string, string>;
  /** Content on disk for every path in base ∪ next; null if absent. */
  disk: Map<string, string | null>;
  labels: MergeLabels;
  /** Generated files the user deleted and wants back. */
  restore?: Set<string>;
  /** Modes of the files on disk, copied onto the plan entries. */
  modes?: Map<string, number>;
}

/** Line endings are the editor's business, not an edit: compare ignoring CRLF vs LF. */
const same = (x: string, y: string) => x === y || toLF(x) === toLF(y);

export function planUpgrade(input: PlanInput): UpgradePlan {
  const { base, next, disk, labels } = input;
  const paths = [...new Set([...base.keys(), ...next.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  const changes = paths.map((path): FileChange => {
    const b = base.get(path);
    const n = next.get(path);
    const c = disk.get(path);
    if (c === undefined) throw new Error(`planUpgrade: no disk state given for ${path}`);
    const entry = (status: Status, extra: Partial<FileChange> = {}): FileChange => {
      const mode = input.modes?.get(path);
      return {
        path,
        status,
        ...(c !== null && { before: c }),
        ...(c !== null && mode !== undefined && { mode }),
        ...extra,
      };
    };

    if (c === null) {
      if (n === undefined) return entry('unchanged', { reason: 'no longer generated and already absent' });
      if (b === undefined) return entry('create', { content: n });
      if (input.restore?.has(path)) return entry('restore', { content: n });
      return entry('kept-deleted', { reason: 'deleted on disk; stays deleted unless restored' });
    }
    if (n === undefined) {
      // b is defined here: the path came from base.
      if (same(c, b!)) return entry('delete', { reason: 'no longer generated' });
      return entry('conflict', { reason: 'edited but no longer generated; kept as is' });
    }
    if (same(c, n)) return entry('unchanged');
    if (b !== undefined && same(b, n)) return entry('kept', { reason: 'edited; the template did not change' });
    if (b !== undefined && same(c, b)) return entry('update', { content: withEolOf(n, c) });

    // A file the user created before the generator produced it merges against an empty base.
    const merged = mergeText(b ?? '', c, n, labels);
    if (merged.conflicts > 0) {
      const reason = b === undefined ? 'created on disk and now generated, with different content' : 'overlapping edits';
      return entry('conflict', { content: merged.text, reason: `${reason}; resolve the conflict markers` });
    }
    if (merged.text === c) return entry('kept', { reason: 'edited; already contains the template changes' });
    return entry('merged', { content: merged.text });
  });

  return { changes, conflicts: changes.filter((ch) => ch.status === 'conflict') };
}

/**
 * Reads the disk state `planUpgrade` needs: content (null if absent) and mode of each path.
 * Kept apart so the planner stays pure.
 */
export async function readDisk(
  root: string,
  paths: Iterable<string>,
): Promise<{ disk: Map<string, string | null>; modes: Map<string, number> }> {
  const disk = new Map<string, string | null>();
  const modes = new Map<string, number>();
  for (const path of paths) {
    // Never through a link: a generated file replaced by one must not be read, printed or copied.
    const read = readProjectFile(root, path);
    disk.set(path, read && read.content);
    if (read) modes.set(path, read.mode);
  }
  return { disk, modes };
}
