import { MARKER_BASE, MARKER_NEW, MARKER_YOURS } from './merge.js';

const escape = (s: string) => s.replace(/[|]/g, '\\|');
// Only our own labelled markers: bare `=======` lines are common in Markdown and must not count.
const OUR_MARKERS = new RegExp(`^(?:${[MARKER_YOURS, MARKER_BASE, MARKER_NEW].map(escape).join('|')})`, 'm');

/** True if a previous `upgrade` left conflict markers in the text. */
export function hasConflictMarkers(text: string): boolean {
  return OUR_MARKERS.test(text);
}

/** Paths whose content still holds upgrade conflict markers, sorted; null (absent) entries are skipped. */
export function findConflictMarkers(files: ReadonlyMap<string, string | null>): string[] {
  return [...files].filter(([, text]) => text !== null && hasConflictMarkers(text)).map(([path]) => path).sort();
}
