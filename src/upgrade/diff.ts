import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { FileChange } from './plan.js';

/**
 * Git-style unified diff (`--- a/<path>`, `+++ b/<path>`); null means the file is absent.
 * Empty string when nothing changes.
 */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  if (before === after) return '';
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before ?? '', after ?? '', undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** The diff a planned change would apply to the file on disk. */
export function changeDiff(change: FileChange): string {
  const before = change.before ?? null;
  if (change.status === 'delete') return unifiedDiff(change.path, before, null);
  return change.content === undefined ? '' : unifiedDiff(change.path, before, change.content);
}
