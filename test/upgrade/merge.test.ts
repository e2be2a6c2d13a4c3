import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeText, upgradeLabels } from '../../src/upgrade/merge.js';
import { findConflictMarkers, hasConflictMarkers } from '../../src/upgrade/markers.js';
import { changeDiff, unifiedDiff } from '../../src/upgrade/diff.js';
import { BASE_FILE, isGeneratedPath, parseBase, serializeBase } from '../../src/upgrade/base.js';

const labels = upgradeLabels('0.1.0', '0.2.0');
const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('mergeText', () => {
  it('keeps a user edit and a template change on different lines', () => {
    const base = lines('a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5');
    const yours = lines('a: 1', 'b: 20', 'c: 3', 'd: 4', 'e: 5');
    const next = lines('a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 50');
    expect(mergeText(base, yours, next, labels)).toEqual({
      text: lines('a: 1', 'b: 20', 'c: 3', 'd: 4', 'e: 50'),
      conflicts: 0,
    });
  });

  it('writes a diff3 conflict block with the base section and labels on same-line changes', () => {
    const base = lines('replicas: 1', 'port: 80');
    const yours = lines('replicas: 3', 'port: 80');
    const next = lines('replicas: 2', 'port: 80');
    const { text, conflicts } = mergeText(base, yours, next, labels);
    expect(conflicts).toBe(1);
    expect(text).toBe(
      lines(
        '<<<<<<< yours (on disk)',
        'replicas: 3',
        '||||||| base (create-k8s-app 0.1.0)',
        'replicas: 1',
        '=======',
        'replicas: 2',
        '>>>>>>> new (create-k8s-app 0.2.0)',
        'port: 80',
      ),
    );
    expect(hasConflictMarkers(text)).toBe(true);
  });

  it('conflicts on adjacent changes, like git with diff3 style', () => {
    const r = mergeText(lines('a', 'b'), lines('# mine', 'A', 'b'), lines('A', 'b'), labels);
    expect(r.conflicts).toBe(1);
  });

  it('counts each conflicting region', () => {
    const base = lines('a', 'x', 'x', 'x', 'b');
    const { conflicts } = mergeText(base, lines('A', 'x', 'x', 'x', 'B'), lines('1', 'x', 'x', 'x', '2'), labels);
    expect(conflicts).toBe(2);
  });

  it('treats the same change on both sides as no conflict', () => {
    const base = lines('image: app:1', 'port: 80');
    const both = lines('image: app:2', 'port: 80');
    expect(mergeText(base, both, both, labels)).toEqual({ text: both, conflicts: 0 });
    // Same change plus unrelated, non-adjacent edits on each side.
    const base2 = lines('a: 1', '-', 'image: app:1', '-', 'port: 80');
    const yours = lines('a: 2', '-', 'image: app:2', '-', 'port: 80');
    const next = lines('a: 1', '-', 'image: app:2', '-', 'port: 8080');
    expect(mergeText(base2, yours, next, labels)).toEqual({
      text: lines('a: 2', '-', 'image: app:2', '-', 'port: 8080'),
      conflicts: 0,
    });
  });

  it('splits on lines, not on whitespace', () => {
    const base = lines('a b c', 'd', 'e f');
    const r = mergeText(base, lines('a b c', 'd', 'e  f'), lines('a  b c', 'd', 'e f'), labels);
    expect(r).toEqual({ text: lines('a  b c', 'd', 'e  f'), conflicts: 0 });
  });

  it('merges a CRLF file on LF lines and writes CRLF back', () => {
    const base = lines('a', 'b', 'c', 'd');
    const yours = 'A\r\nb\r\nc\r\nd\r\n';
    const next = lines('a', 'b', 'c', 'D');
    expect(mergeText(base, yours, next, labels)).toEqual({ text: 'A\r\nb\r\nc\r\nD\r\n', conflicts: 0 });
  });

  it('writes conflict markers in CRLF too', () => {
    const { text } = mergeText(lines('a'), 'b\r\n', lines('c'), labels);
    expect(text.split('\r\n')).toHaveLength(8);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('preserves a missing final newline when the template did not change the end', () => {
    const base = lines('a', 'b', 'c', 'd');
    const yours = 'a\nb\nc\nd'; // e.g. an editor that strips the final newline
    const next = lines('A', 'b', 'c', 'd');
    expect(mergeText(base, yours, next, labels).text).toBe('A\nb\nc\nd');
    // ...also for a user edit of the last line.
    expect(mergeText(base, 'a\nb\nc\nD', next, labels).text).toBe('A\nb\nc\nD');
    // ...and with CRLF.
    expect(mergeText(base, 'a\r\nb\r\nc\r\nd', next, labels).text).toBe('A\r\nb\r\nc\r\nd');
  });

  it('takes the template ending when the template changed the end of the file', () => {
    const base = lines('a', 'b', 'c');
    expect(mergeText(base, 'X\nb\nc', lines('a', 'b', 'c', 'd'), labels).text).toBe(lines('X', 'b', 'c', 'd'));
    expect(mergeText(base, 'X\nb\nc', lines('a', 'b'), labels).text).toBe(lines('X', 'b'));
  });

  it('is the identity on one-sided changes (property)', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'a: 1', ''), { maxLength: 8 })
      .chain((ls) => fc.constantFrom(ls.join('\n'), ls.join('\n') + '\n'));
    fc.assert(
      fc.property(text, text, (base, other) => {
        expect(mergeText(base, base, other, labels)).toEqual({ text: other, conflicts: 0 });
        expect(mergeText(base, other, base, labels)).toEqual({ text: other, conflicts: 0 });
        expect(mergeText(base, other, other, labels)).toEqual({ text: other, conflicts: 0 });
      }),
    );
  });
});

describe('conflict markers', () => {
  it('detects only our labelled markers at line start', () => {
    expect(hasConflictMarkers('a: 1\n<<<<<<< yours (on disk)\n')).toBe(true);
    expect(hasConflictMarkers('a: 1\r\n||||||| base (create-k8s-app 0.1.0)\r\n')).toBe(true);
    expect(hasConflictMarkers('>>>>>>> new (create-k8s-app 0.2.0)')).toBe(true);
    expect(hasConflictMarkers('Title\n=======\n')).toBe(false);
    expect(hasConflictMarkers('<<<<<<< HEAD\n')).toBe(false);
    expect(hasConflictMarkers('  # <<<<<<< yours\n')).toBe(false);
  });

  it('lists the files that still hold markers, sorted', () => {
    const conflicted = mergeText('a\n', 'b\n', 'c\n', labels).text;
    const files = new Map<string, string | null>([
      ['z.yaml', conflicted],
      ['ok.yaml', 'a\n'],
      ['absent.yaml', null],
      ['a.yaml', conflicted],
    ]);
    expect(findConflictMarkers(files)).toEqual(['a.yaml', 'z.yaml']);
  });
});

describe('unifiedDiff', () => {
  it('is empty when nothing changes', () => {
    expect(unifiedDiff('x.yaml', 'a\n', 'a\n')).toBe('');
    expect(unifiedDiff('x.yaml', null, null)).toBe('');
  });

  it('uses a/ and b/ labels', () => {
    expect(unifiedDiff('chart/values.yaml', 'a: 1\n', 'a: 2\n')).toBe(
      ['--- a/chart/values.yaml', '+++ b/chart/values.yaml', '@@ -1,1 +1,1 @@', '-a: 1', '+a: 2', ''].join('\n'),
    );
  });

  it('shows creation and deletion', () => {
    expect(unifiedDiff('x', null, 'a\n')).toContain('@@ -0,0 +1,1 @@\n+a\n');
    expect(changeDiff({ path: 'x', status: 'delete', before: 'a\n' })).toContain('@@ -1,1 +0,0 @@\n-a\n');
    expect(changeDiff({ path: 'x', status: 'kept', before: 'a\n' })).toBe('');
  });
});

describe('base.json', () => {
  const files = new Map([
    ['chart/values.yaml', 'a: 1\n'],
    ['chart/Chart.yaml', 'name: x\nversion: 1'],
    ['chart/templates/_helpers.tpl', ''],
  ]);

  it('serializes deterministically with sorted keys, line arrays and a final newline', () => {
    const text = serializeBase(files);
    expect(text).toBe(serializeBase(new Map([...files].reverse())));
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['chart/Chart.yaml', 'chart/templates/_helpers.tpl', 'chart/values.yaml']);
    expect(text).toContain('  "chart/values.yaml": [\n    "a: 1",\n    ""\n  ]');
  });

  it('round-trips exactly', () => {
    expect(parseBase(serializeBase(files), BASE_FILE)).toEqual(files);
  });

  it('accepts plain string values', () => {
    expect(parseBase('{"chart/values.yaml": "x\\n"}', 'b.json')).toEqual(new Map([['chart/values.yaml', 'x\n']]));
  });

  it.each([
    ['{', /b\.json: not valid JSON/],
    ['[]', /b\.json: expected a JSON object/],
    ['null', /expected a JSON object/],
    ['{"README.md": 1}', /content of "README.md" must be/],
    ['{"README.md": ["x", 2]}', /content of "README.md" must be/],
    ['{"../etc/passwd": ""}', /"\.\.\/etc\/passwd" is not a path create-k8s-app generates/],
    ['{"/etc/passwd": ""}', /not a path create-k8s-app generates/],
    ['{"chart//values.yaml": ""}', /not a path create-k8s-app generates/],
    ['{"C:/x": ""}', /not a path create-k8s-app generates/],
    // A record is data, not instructions: it cannot name the repository's or the app's own files.
    ['{".git/HEAD": ""}', /"\.git\/HEAD" is not a path create-k8s-app generates/],
    ['{"src/main.go": ""}', /"src\/main\.go" is not a path create-k8s-app generates/],
    ['{"chart/templates/../../src/main.go": ""}', /not a path create-k8s-app generates/],
    ['{".create-k8s-app.yaml": ""}', /not a path create-k8s-app generates/],
    ['{"chart/.git/config": ""}', /not a path create-k8s-app generates/],
    ['{"chart/templates/x\\u001b[31m.yaml": ""}', /"chart\/templates\/x\\u001b\[31m\.yaml" is not/],
  ])('rejects %s', (text, message) => {
    expect(() => parseBase(text, 'b.json')).toThrow(message);
  });

  it('accepts every path the generator writes, and paths earlier versions wrote', () => {
    for (const path of ['README.md', 'argocd/applicationset.yaml', 'chart/values-prod.yaml', 'chart/values.schema.json',
      'chart/.helmignore', 'chart/templates/_pod.tpl', 'chart/templates/NOTES.txt', 'chart/templates/tests/test-connection.yaml',
      'chart/templates/poddisruptionbudget.yaml']) {
      expect(isGeneratedPath(path), path).toBe(true);
    }
  });
});
