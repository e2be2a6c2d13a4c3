// Duplicate keys in a parsed YAML document, found in one pass. The yaml library's own
// `uniqueKeys` check compares every key with every earlier one: a 1 MiB file of 200,000 keys
// takes a minute that way, and a few milliseconds with a set per mapping.
import { CST, isMap, isScalar, Lexer, visit, type Document, type LineCounter } from 'yaml';

export interface DuplicateKey {
  key: string;
  /** 1-based line of the second occurrence */
  line: number;
}

export function findDuplicateKey(doc: Document, lineCounter: LineCounter): DuplicateKey | null {
  let found: DuplicateKey | null = null;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        // Scalars compare by value, as the library's check does (1 and "1" are different keys).
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const start = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0;
          found = { key: String(key), line: lineCounter.linePos(start).line };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Whether the text holds more than `max` mapping entries and list items, counted by the yaml
 * library's lexer, which stops there. Building the document of a 1 MiB file of 200,000 keys takes
 * the parser a second or more; an answers file has a few dozen entries, so one with thousands is
 * refused before it is parsed.
 */
export function moreEntriesThan(text: string, max: number): boolean {
  let entries = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if ((type === 'map-value-ind' || type === 'seq-item-ind' || type === 'comma') && ++entries > max) return true;
  }
  return false;
}
