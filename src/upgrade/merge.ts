import { diff3Merge, diffIndices } from 'node-diff3';

export interface MergeLabels {
  /** Describes the base, e.g. `create-k8s-app 0.1.0`; shown as `||||||| base (<base>)`. */
  base: string;
  /** Describes the new output, e.g. `create-k8s-app 0.2.0`; shown as `>>>>>>> new (<next>)`. */
  next: string;
}

export interface MergeResult {
  text: string;
  conflicts: number;
}

/** Marker prefixes; `markers.ts` detects leftovers by the same words. */
export const MARKER_YOURS = '<<<<<<< yours';
export const MARKER_BASE = '||||||| base';
export const MARKER_SEP = '=======';
export const MARKER_NEW = '>>>>>>> new';

/** `create-k8s-app <version>, templates <fingerprint>`, the fingerprint where one is known. */
export function upgradeLabels(fromVersion: string, toVersion: string, fromTemplates?: string, toTemplates?: string): MergeLabels {
  const label = (version: string, templates?: string) =>
    templates === undefined ? `create-k8s-app ${version}` : `create-k8s-app ${version}, templates ${templates}`;
  return { base: label(fromVersion, fromTemplates), next: label(toVersion, toTemplates) };
}

/** Lines without terminators, plus whether the text ended with a newline. */
interface Lines {
  lines: string[];
  finalNewline: boolean;
}

export function toLF(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Majority vote, so one stray LF in a CRLF file does not flip the whole file. */
export function usesCRLF(text: string): boolean {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const all = text.match(/\n/g)?.length ?? 0;
  return crlf > all - crlf;
}

/** Writes LF text in the line-ending style of `like` (the file on disk). */
export function withEolOf(text: string, like: string): string {
  return usesCRLF(like) ? toLF(text).replace(/\n/g, '\r\n') : text;
}

function split(text: string): Lines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = toLF(text).split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** Whether `changed` differs from `base` at the very end (last line, appended lines, or final newline). */
function touchesEnd(base: Lines, changed: Lines): boolean {
  if (base.finalNewline !== changed.finalNewline) return true;
  return diffIndices(base.lines, changed.lines).some(
    (h) => h.buffer1[0] + h.buffer1[1] === base.lines.length,
  );
}

/**
 * Three-way line merge of the file on disk (`yours`) with the new generator output (`next`),
 * both derived from `base`. Overlapping changes become diff3-style conflict blocks.
 * The result keeps the disk file's line endings; its final newline follows whichever side
 * last changed the end of the file, so a missing final newline on disk survives template
 * changes elsewhere.
 */
export function mergeText(base: string, yours: string, next: string, labels: MergeLabels): MergeResult {
  const o = split(base);
  const a = split(yours);
  const b = split(next);

  const out: string[] = [];
  let conflicts = 0;
  let endsInConflict = false;
  // Line arrays, not strings: node-diff3 would otherwise split on every whitespace.
  // excludeFalseConflicts folds identical changes on both sides into one clean change.
  for (const region of diff3Merge(a.lines, o.lines, b.lines, { excludeFalseConflicts: true })) {
    if (region.ok) {
      out.push(...region.ok);
      endsInConflict = false;
    } else if (region.conflict) {
      const c = region.conflict;
      conflicts++;
      out.push(
        `${MARKER_YOURS} (on disk)`, ...c.a,
        `${MARKER_BASE} (${labels.base})`, ...c.o,
        MARKER_SEP, ...c.b,
        `${MARKER_NEW} (${labels.next})`,
      );
      endsInConflict = true;
    }
  }

  if (out.length === 0) return { text: '', conflicts };
  const finalNewline = endsInConflict || (touchesEnd(o, b) ? b.finalNewline : a.finalNewline);
  const eol = usesCRLF(yours) ? '\r\n' : '\n';
  return { text: out.join(eol) + (finalNewline ? eol : ''), conflicts };
}
