// Files and names a user or a cloned project hands over, treated as hostile input: presets and
// answers files that are not regular files or are too big, strings that would restyle or reorder
// the terminal, and each case that used to end in "this is a bug" with a clear line instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_MAX_BYTES } from '../../src/input-file.js';
import { parseAnswers } from '../../src/preset.js';
import { checkRepoUrl, printable } from '../../src/validate.js';
import { CLI, runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { expectCleanRejection, generatedProject } from './support.js';

const root = tempRoot('ck8s-limits-');
afterAll(() => root.cleanup());

/** One `error:` line, at most one `hint:`, nothing raw, no stack, the given exit code. */
function expectOneLine(r: { code: number; stderr: string }, code: number, mentions: string | RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines[0], r.stderr).toMatch(/^error: \S/);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1], r.stderr).toMatch(/^hint: /);
  expect(r.stderr).not.toMatch(/this is a bug|\n\s+at |[\u0000-\u0009\u000b-\u001f]/);
  if (typeof mentions === 'string') expect(lines[0]).toContain(mentions);
  else expect(lines[0]).toMatch(mentions);
}

/** The built CLI with a deadline: a run that blocks fails the test instead of hanging it. */
function runTimed(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; stderr: string; stdout: string; ms: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CI: 'true', HELM_BIN: '', ...env }, encoding: 'utf8', timeout: 20_000 });
  expect(r.signal, `${args.join(' ')} did not finish`).toBeNull();
  return { code: r.status ?? 1, stderr: r.stderr, stdout: r.stdout, ms: performance.now() - start };
}

describe('preset files that are not small regular files', () => {
  it('refuses /dev/zero at once, without reading it', () => {
    const cwd = root.fresh('zero');
    const r = runTimed(['demo', '--preset', '/dev/zero', '--yes', '--no-lint'], cwd);
    expectCleanRejection(r, cwd, '/dev/zero is a character device, not a regular file');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const cwd = root.fresh('fifo');
    const fifo = join(root.dir, 'preset.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = runTimed(['demo', '--preset', fifo, '--yes', '--no-lint'], cwd);
    expectCleanRejection(r, cwd, 'is a named pipe, not a regular file');
  });

  it('refuses a directory', () => {
    const cwd = root.fresh('dir');
    const r = runCli(['demo', '--preset', root.dir, '--yes', '--no-lint'], { cwd });
    expectCleanRejection(r, cwd, 'is a directory, not a regular file');
  });

  it('refuses a file over 1 MiB before reading it, and takes one at the cap', () => {
    const cwd = root.fresh('big');
    const over = join(root.dir, 'over.yaml');
    writeFileSync(over, `type: web\n${'#'.repeat(INPUT_MAX_BYTES - 10)}\n`);
    const r = runCli(['demo', '--preset', over, '--yes', '--no-lint'], { cwd });
    expectCleanRejection(r, cwd, `is ${INPUT_MAX_BYTES + 1} bytes; at most ${INPUT_MAX_BYTES} allowed`);
    const at = join(root.dir, 'at.yaml');
    writeFileSync(at, `type: api\n${'#'.repeat(INPUT_MAX_BYTES - 11)}\n`);
    expect(readFileSync(at).length).toBe(INPUT_MAX_BYTES);
    const ok = runCli(['demo', '--preset', at, '--yes', '--no-lint'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses a 200,000-key file at the cap within a second, and still names a duplicate key', () => {
    let many = '';
    for (let i = 0; many.length < INPUT_MAX_BYTES - 20; i++) many += `k${i}: v\n`;
    const repeated = 'name: a\n'.repeat(Math.floor(INPUT_MAX_BYTES / 8));
    const listed = `secret-keys:\n${'  - A\n'.repeat(Math.floor((INPUT_MAX_BYTES - 20) / 6))}`;
    for (const text of [many, repeated, listed]) {
      expect(text.length).toBeLessThanOrEqual(INPUT_MAX_BYTES);
      // CPU time, not wall time: the machine running the tests may be busy with other work.
      const before = process.cpuUsage();
      expect(() => parseAnswers(text, 'p.yaml')).toThrow(/^p\.yaml: more than 1000 keys and list items; an answers file holds a few dozen$/);
      const used = process.cpuUsage(before);
      expect((used.user + used.system) / 1000).toBeLessThan(1000);
    }
    // Below the bound, duplicates are found by line, in linear time.
    expect(() => parseAnswers('type: web\nname: a\nname: b\n', 'p.yaml')).toThrow(/^p\.yaml:3: name: the key is given twice$/);
    const cwd = root.fresh('many');
    const file = join(root.dir, 'many.yaml');
    writeFileSync(file, many);
    const r = runTimed(['demo', '--preset', file, '--yes', '--no-lint'], cwd);
    expectCleanRejection(r, cwd, 'more than 1000 keys and list items');
  });
});

describe('the enclosing repository\'s config, read for the repo-url default', () => {
  it('is skipped, not read forever, when it is a link to /dev/zero or a FIFO', () => {
    for (const kind of ['zero', 'fifo']) {
      const repo = root.fresh(`git-${kind}`);
      mkdirSync(join(repo, '.git'));
      if (kind === 'zero') symlinkSync('/dev/zero', join(repo, '.git/config'));
      else execFileSync('mkfifo', [join(repo, '.git/config')]);
      const r = runTimed(['demo', '--yes', '--no-lint'], repo);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(repo, 'demo/.create-k8s-app.yaml'), 'utf8')).toContain('repo-url: https://git.example.com/platform/demo.git\n');
    }
  });
});

describe('echoed strings are escaped', () => {
  it('shows C0 controls, ESC, DEL, C1 and the bidi controls as escapes', () => {
    const bidi = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of [...bidi, '\u001b', '\n', '\r', '\u0007', '\u007f', '\u009b', '\u2028']) {
      const shown = printable(`a${c}b`);
      expect(shown, JSON.stringify(c)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`.replace('\\u000a', '\\n').replace('\\u000d', '\\r'));
    }
    expect(printable('plain-name é')).toBe('plain-name é');
  });

  it('prints a directory name with a newline, ESC and U+202E escaped, never as a fake error line', () => {
    const cwd = root.fresh('spoof');
    const name = 'x\n\u001b[31merror: \u202eoops';
    const r = runCli([name, '--name', 'demo', '--yes', '--no-lint'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('created x\\n\\u001b[31merror: \\u202eoops/ (31 files): web, rolling, scaling hpa, restricted, envs staging, prod'.replace('31 files', `${r.stdout.match(/\((\d+) files\)/)![1]} files`));
    expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
    const up = runCli(['upgrade', '--check', name, name], { cwd });
    expect(up.stdout).toContain('x\\n\\u001b[31merror: \\u202eoops: up to date');
    expect(up.stdout + up.stderr).not.toMatch(/[\u001b\u202e]/);
  });

  it('refuses a repo URL with credentials, redacted', () => {
    for (const url of ['https://ci:ghp_s3cret@github.com/acme/x.git', 'https://ghp_s3cret@github.com/acme/x.git', 'ssh://git:ghp_s3cret@github.com/acme/x.git']) {
      const message = checkRepoUrl(url)!;
      expect(message).toMatch(/holds credentials/);
      expect(message).not.toContain('s3cret');
      expect(message).toContain('***@github.com/acme/x.git');
    }
    const cwd = root.fresh('cred');
    const r = runCli(['demo', '--repo-url', 'https://ci:ghp_s3cret@github.com/acme/x.git', '--yes', '--no-lint'], { cwd });
    expectCleanRejection(r, cwd, '"https://***@github.com/acme/x.git" holds credentials');
    expect(r.stderr).not.toContain('s3cret');
  });
});

describe('each former "this is a bug" gives one line naming its cause', () => {
  const project = (prefix: string) => {
    const { cwd, project: dir } = generatedProject(root, prefix);
    return { cwd, dir };
  };

  it('upgrade of a file: exit 2, not a directory', () => {
    const { cwd } = project('file');
    writeFileSync(join(cwd, 'notes.txt'), 'x\n');
    for (const args of [['upgrade', 'notes.txt'], ['upgrade', '--check', 'notes.txt']]) {
      expectOneLine(runCli(args, { cwd }), 2, /notes\.txt is not a directory: upgrade takes the folder of a generated project$/);
    }
    expectOneLine(runCli(['upgrade', 'missing'], { cwd }), 2, /missing does not exist$/);
  });

  it('EISDIR: a folder where .create-k8s-app.yaml or base.json belongs is exit 2', () => {
    const { dir, cwd } = project('eisdir');
    rmSync(join(dir, '.create-k8s-app.yaml'));
    mkdirSync(join(dir, '.create-k8s-app.yaml'));
    expectOneLine(runCli(['upgrade', 'demo'], { cwd }), 2, 'error: .create-k8s-app.yaml is a directory, not a regular file');
    const other = project('eisdir-base');
    rmSync(join(other.dir, '.create-k8s-app/base.json'));
    mkdirSync(join(other.dir, '.create-k8s-app/base.json'));
    expectOneLine(runCli(['upgrade', '--check', 'demo'], { cwd: other.cwd }), 2, 'error: .create-k8s-app/base.json is a directory, not a regular file');
    const generated = project('eisdir-file');
    rmSync(join(generated.dir, 'chart/values.yaml'));
    mkdirSync(join(generated.dir, 'chart/values.yaml'));
    expectOneLine(runCli(['upgrade', 'demo'], { cwd: generated.cwd }), 2, 'error: chart/values.yaml is a folder, where create-k8s-app keeps a file');
  });

  it('answers files: a FIFO, a link, over the cap, too many keys', () => {
    const { dir, cwd } = project('answers');
    const answers = join(dir, '.create-k8s-app.yaml');
    const text = readFileSync(answers, 'utf8');
    rmSync(answers);
    execFileSync('mkfifo', [answers]);
    expectOneLine(runTimed(['upgrade', '--check', 'demo'], cwd), 2, 'error: .create-k8s-app.yaml is not a regular file or folder, where create-k8s-app keeps a file');
    rmSync(answers);
    writeFileSync(join(cwd, 'elsewhere.yaml'), text);
    symlinkSync(join(cwd, 'elsewhere.yaml'), answers);
    expectOneLine(runCli(['upgrade', '--check', 'demo'], { cwd }), 2, 'error: .create-k8s-app.yaml is a symbolic link; create-k8s-app does not follow links inside a project');
    rmSync(answers);
    writeFileSync(answers, `${text}${'#'.repeat(INPUT_MAX_BYTES)}\n`);
    expectOneLine(runCli(['upgrade', '--check', 'demo'], { cwd }), 2, /^error: \.create-k8s-app\.yaml is \d+ bytes; at most 1048576 allowed$/);
    // As many keys as fit under the cap: refused by their count, as in a preset, not compared pair by pair.
    let many = 'version: 0.1.0\nanswers:\n';
    for (let i = 0; many.length < INPUT_MAX_BYTES - 20; i++) many += `  k${i}: 1\n`;
    writeFileSync(answers, many);
    expectOneLine(runTimed(['upgrade', '--check', 'demo'], cwd), 2, 'error: .create-k8s-app.yaml: more than 1000 keys and list items; an answers file holds a few dozen');
    // The records' folder linked to one outside the project.
    writeFileSync(answers, text);
    renameSync(join(dir, '.create-k8s-app'), join(cwd, 'outside-records'));
    symlinkSync(join(cwd, 'outside-records'), join(dir, '.create-k8s-app'));
    expectOneLine(runCli(['upgrade', '--check', 'demo'], { cwd }), 2, 'error: .create-k8s-app is a symbolic link; create-k8s-app does not follow links inside a project');
  });

  it('a malformed journal left in the project: one line, and the project is not touched', () => {
    const { dir, cwd } = project('journal');
    mkdirSync(join(dir, '.create-k8s-app/run'), { recursive: true });
    writeFileSync(join(dir, '.create-k8s-app/run/journal.json'), '{"entries": 5}');
    const before = readdirSync(dir).sort();
    const r = runCli(['upgrade', 'demo'], { cwd });
    expect([1, 2]).toContain(r.code);
    expectOneLine(r, r.code, /journal|interrupted/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('--secrets sealed --secret-keys __proto__: exit 2 naming the key', () => {
    const cwd = root.fresh('proto');
    const r = runCli(['demo', '--secrets', 'sealed', '--secret-keys', '__proto__', '--yes', '--no-lint'], { cwd });
    expectCleanRejection(r, cwd, 'secret key "__proto__" is reserved');
  });

  it('a HELM_BIN that names no program: exit 2 naming HELM_BIN, nothing written', () => {
    const cwd = root.fresh('helmbin');
    const r = runCli(['demo', '--yes'], { cwd, env: { HELM_BIN: join(cwd, 'no-helm') } });
    expectCleanRejection(r, cwd, `HELM_BIN=${join(cwd, 'no-helm')} is not an executable file`);
    expect(existsSync(join(cwd, 'demo'))).toBe(false);
    const { cwd: up } = project('helmbin-up');
    writeFileSync(join(up, 'demo/chart/values.yaml'), `${readFileSync(join(up, 'demo/chart/values.yaml'), 'utf8')}# edited\n`);
    // An upgrade with nothing to merge needs no helm; this one has an edit but no template change.
    expect(runCli(['upgrade', 'demo'], { cwd: up, env: { HELM_BIN: 'no-such-helm' } }).code).toBe(0);
  });
});
