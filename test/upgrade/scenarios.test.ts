// The issue-4 upgrade scenarios, each played on a real project on disk: generated with the
// "0.0.9" templates built by test/support/older-release.ts (its list says what differs), edited the
// way a team would, then upgraded to the current templates as 0.1.0 — in process through
// upgradeProject, and through the built CLI for exit codes and output.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs, { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { checkObjects, formatFindings } from '../support/checks/index.js';
import { builtinFingerprint, fingerprintFiles } from '../../src/fingerprint.js';
import { loadTemplates } from '../../src/load-templates.js';
import { withMetadata } from '../../src/metadata.js';
import { render } from '../../src/render.js';
import type { Answers } from '../../src/types.js';
import { upgradeProject, type UpgradeOptions, type UpgradeResult } from '../../src/upgrade/command.js';
import { buildView } from '../../src/view.js';
import { CHART_VALUES, type Value, type ValuesModel } from '../../src/values/model.js';
import { recoverInterrupted, writeNewProject } from '../../src/write.js';
import { helmBinaries, runHelm, type HelmBinary } from '../support/helm.js';
import { OLDER_RELEASE_EDITS, OLDER_RELEASE_VALUES, olderReleaseTemplates } from '../support/older-release.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'bin/create-k8s-app.js');
const OLD = '0.0.9';
const NEW = '0.1.0';
const OLD_TEMPLATES = olderReleaseTemplates(join(REPO, 'templates'));
const NEW_TEMPLATES = loadTemplates(join(REPO, 'templates'));
// The older release's fingerprint stands for its template set: today's with its edits.
const OLD_FP = fingerprintFiles([['older-release.json', Buffer.from(JSON.stringify(OLDER_RELEASE_EDITS))]]);
const NEW_FP = builtinFingerprint();

const ANSWERS = '.create-k8s-app.yaml';
const JOURNAL = '.create-k8s-app/run/journal.json';
const VALUES = 'chart/values.yaml';
const DEPLOYMENT = 'chart/templates/deployment.yaml';
const HPA = 'chart/templates/hpa.yaml';
const OLD_PDB = 'chart/templates/poddisruptionbudget.yaml';
const PDB = 'chart/templates/pdb.yaml';
const HELMIGNORE = 'chart/.helmignore';
const HELM_TEST = 'chart/templates/tests/test-connection.yaml';

type Flags = Partial<Answers>;
type Files = Record<string, string>;

// ---------------------------------------------------------------- generation

function answersFor(flags: Flags): Promise<Answers> {
  return resolveAnswers({ flags: { name: 'demo', ...flags }, preset: null, facts: { originUrl: null, repoPath: null }, ask: null, yes: true });
}


/**
 * 0.0.9's output. render() knows only today's file list, so the file-set differences of the
 * fixture are applied here: a template of today's set that the fixture lacks produces no file,
 * and a fixture template today's set lacks is rendered beside the rest.
 */
function renderOld(answers: Answers): Map<string, string> {
  const ABSENT = '\u0000absent in 0.0.9\u0000';
  const known = new Set(NEW_TEMPLATES.keys());
  const templates = new Map(OLD_TEMPLATES);
  for (const name of known) if (!templates.has(name)) templates.set(name, () => ABSENT);
  const files = render(answers, templates, OLD, OLDER_RELEASE_VALUES);
  for (const [path, text] of files) if (text.includes(ABSENT)) files.delete(path);
  const view = buildView(answers, OLD);
  for (const [name, template] of OLD_TEMPLATES) {
    if (known.has(name) || name.startsWith('chart/values')) continue;
    const text = template(view);
    if (text.trim() !== '') files.set(name, text.replace(/\n*$/, '\n'));
  }
  return files;
}

async function generated(flags: Flags, version: string): Promise<Map<string, string>> {
  const answers = await answersFor(flags);
  const files = version === OLD ? renderOld(answers) : render(answers, NEW_TEMPLATES, NEW);
  return withMetadata(files, answers, version, version === OLD ? OLD_FP : NEW_FP);
}

/** What a fresh generation with today's templates writes: the target of every clean upgrade. */
async function fresh(flags: Flags = {}): Promise<Files> {
  return Object.fromEntries(await generated(flags, NEW));
}

const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ck8s-upgrade-'));
  temps.push(dir);
  return dir;
}

async function project(flags: Flags = {}, version = OLD, root?: string): Promise<string> {
  root ??= join(await tempDir(), 'demo');
  await writeNewProject(root, await generated(flags, version));
  return root;
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

// ---------------------------------------------------------------- disk helpers

const read = (root: string, path: string) => readFile(join(root, path), 'utf8');
const write = (root: string, path: string, text: string) => writeFile(join(root, path), text);
const exists = (root: string, path: string) => existsSync(join(root, path));
const modeOf = async (root: string, path: string) => (await stat(join(root, path))).mode & 0o777;

async function edit(root: string, path: string, from: string, to: string): Promise<void> {
  const text = await read(root, path);
  expect(text, `${path} should contain ${JSON.stringify(from)}`).toContain(from);
  await write(root, path, text.replace(from, to));
}

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    out.push(entry.isDirectory() ? `${path}/` : path);
    if (entry.isDirectory()) out.push(...(await walk(root, path)));
  }
  return out.sort();
}

/** Every file's text. */
async function files(root: string): Promise<Files> {
  const out: Files = {};
  for (const path of await walk(root)) if (!path.endsWith('/')) out[path] = await read(root, path);
  return out;
}

/** Every directory, and every file's bytes and mode; with `mtimes`, also when each was last written. */
async function snapshot(root: string, mtimes = false): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of await walk(root)) {
    const st = await stat(join(root, path));
    // The records' folder is where a check of the merge stages its copy of the chart (in
    // .create-k8s-app/run/, removed again): its own mtime moves, nothing in it does.
    const when = mtimes && path !== '.create-k8s-app/' ? ` ${st.mtimeMs}` : '';
    out[path] = path.endsWith('/')
      ? `dir${when}`
      : `${(st.mode & 0o7777).toString(8)}${when} ${(await readFile(join(root, path))).toString('base64')}`;
  }
  return out;
}

// ---------------------------------------------------------------- running upgrades

function upgrade(root: string, options: Partial<UpgradeOptions> = {}): Promise<UpgradeResult> {
  return upgradeProject(root, { set: [], restore: [], check: false, dryRun: false, templates: NEW_TEMPLATES, version: NEW, ...options });
}

const check = (root: string) => upgrade(root, { check: true });

/** A clean upgrade: exit 0, and the project still passes what a fresh generation passes (scenario 12). */
async function cleanUpgrade(root: string, options: Partial<UpgradeOptions> = {}): Promise<UpgradeResult> {
  const result = await upgrade(root, options);
  expect(result.code, result.lines.join('\n')).toBe(0);
  await expectPassesChecks(root);
  return result;
}

/** The report line for one path, e.g. `  update       chart/values.yaml`. */
function statusOf(result: UpgradeResult, path: string): string | undefined {
  for (const line of result.lines) {
    const m = /^ {2}(\S+) +(\S+)/.exec(line);
    if (m && m[2] === path) return m[1];
  }
  return undefined;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** DEBUG only where a test asks for it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEBUG;
  return { ...env, ...extra };
}

/** Makes the Nth rename of a file into the project fail, as a broken disk would, while `task` runs. */
async function withFailingRename<T>(n: number, task: () => Promise<T>): Promise<T> {
  const original = fs.renameSync;
  let count = 0;
  fs.renameSync = (from, to) => {
    if (String(from).includes('/.create-k8s-app/run/new/') && ++count === n) {
      throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}'`), { code: 'EIO' });
    }
    return original(from, to);
  };
  syncBuiltinESMExports();
  try {
    return await task();
  } finally {
    fs.renameSync = original;
    syncBuiltinESMExports();
  }
}

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------- scenario 12: the checks of a fresh generation

let helms: HelmBinary[];

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
  helms = await helmBinaries();
});

// Many upgrades here end in the very same bytes; helm is the slow part, so each chart is checked once.
const passed = new Set<string>();

/**
 * `helm lint --strict` of the chart alone and with each environment's values, then the
 * rendered objects of each environment through the same checks as generation.
 */
async function expectPassesChecks(root: string): Promise<void> {
  const { answers } = parse(await read(root, ANSWERS)) as { answers: Answers };
  const chart = join(root, 'chart');
  const valueFiles = (await readdir(chart)).filter((f) => /^values-.+\.yaml$/.test(f)).sort();
  expect(valueFiles).toEqual(answers.envs.map((e) => `values-${e}.yaml`).sort());
  const key = createHash('sha256').update(JSON.stringify([answers.name, answers.security, await snapshot(chart)])).digest('hex');
  if (passed.has(key)) return;
  const runs: Promise<void>[] = [];
  for (const { name: helm, bin } of helms) {
    for (const values of [null, ...valueFiles]) {
      const extra = values ? ['-f', join(chart, values)] : [];
      runs.push(
        runHelm(bin, ['lint', '--strict', chart, ...extra]).then((r) => {
          expect(r.code, `${helm} lint --strict ${values ?? '(defaults)'}\n${r.stdout}${r.stderr}`).toBe(0);
        }),
      );
      if (!values) continue;
      const env = values.slice('values-'.length, -'.yaml'.length);
      runs.push(
        runHelm(bin, ['template', answers.name, chart, '-f', join(chart, values), '--namespace', `${answers.name}-${env}`,
          '--api-versions', 'monitoring.coreos.com/v1']).then((r) => {
          expect(r.code, `${helm} template ${env}\n${r.stderr}`).toBe(0);
          const objects = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o !== null);
          expect(objects.length).toBeGreaterThan(3);
          const findings = checkObjects(objects, { security: answers.security });
          expect(findings, `${helm} ${env}:\n${formatFindings(findings)}`).toEqual([]);
        }),
      );
    }
  }
  await Promise.all(runs);
  passed.add(key);
}

describe('12. the checks of a fresh generation', () => {
  it('hold for a fresh 0.1.0 project, so they mean something after an upgrade', async () => {
    await expectPassesChecks(await project({}, NEW));
  });
});

// ---------------------------------------------------------------- scenarios 1–11

describe('the 0.0.9 fixture', () => {
  it('differs from 0.1.0 in the ways its README lists, so the scenarios test real changes', async () => {
    const [old, now] = [Object.fromEntries(await generated({}, OLD)), await fresh()];
    expect(Object.keys(old).filter((p) => !(p in now))).toEqual([OLD_PDB]);
    expect(Object.keys(now).filter((p) => !(p in old)).sort()).toEqual([HELMIGNORE, PDB]);
    expect(old[OLD_PDB]).toBe(now[PDB]);
    expect(old[VALUES]).toContain('\nrevisionHistoryLimit: 10\n');
    expect(now[VALUES]).toContain('\nrevisionHistoryLimit: 5\n');
    expect(old[DEPLOYMENT]).not.toBe(now[DEPLOYMENT]);
    expect(parse(old[ANSWERS]!).version).toBe(OLD);
  });
});

describe('1. no edits, new templates', () => {
  it('replaces the files with the new output, then --check exits 0', async () => {
    const root = await project();
    expect((await check(root)).code).toBe(1);
    const result = await cleanUpgrade(root);
    expect(result.lines[0]).toBe(`upgraded to create-k8s-app ${NEW}`);
    expect(statusOf(result, DEPLOYMENT)).toBe('update');
    expect(statusOf(result, HELMIGNORE)).toBe('create');
    expect(statusOf(result, PDB)).toBe('create');
    expect(statusOf(result, OLD_PDB)).toBe('delete');
    // Byte for byte what 0.1.0 generates today: records included, the renamed file gone.
    expect(await files(root)).toEqual(await fresh());
    expect(await check(root)).toEqual({ code: 0, lines: [`up to date with create-k8s-app ${NEW}`] });
  });
});

describe('2. a user edit where the template did not change', () => {
  it('keeps the edit and applies the template change', async () => {
    const root = await project();
    await edit(root, VALUES, '    cpu: 500m\n    memory: 256Mi', '    cpu: 500m\n    memory: 1Gi');
    await edit(root, VALUES, 'podAnnotations: {}', 'podAnnotations:\n  team: payments');
    const result = await cleanUpgrade(root);
    expect(statusOf(result, VALUES)).toBe('merged');
    const expected = (await fresh())[VALUES]!
      .replace('    cpu: 500m\n    memory: 256Mi', '    cpu: 500m\n    memory: 1Gi')
      .replace('podAnnotations: {}', 'podAnnotations:\n  team: payments');
    expect(await read(root, VALUES)).toBe(expected);
    expect(expected).toContain('## @param logLevel Log level passed to the app as LOG_LEVEL');
    expect((await check(root)).code).toBe(0);
    // The merge is done: a second upgrade keeps the file as it is.
    expect((await upgrade(root)).lines[0]).toBe('up to date; nothing to do');
    expect(await read(root, VALUES)).toBe(expected);
  });
});

describe('3. the user and the template changed the same line', () => {
  const BLOCK = [
    '<<<<<<< yours (on disk)',
    'revisionHistoryLimit: 3',
    `||||||| base (create-k8s-app ${OLD}, templates ${OLD_FP})`,
    'revisionHistoryLimit: 10',
    '=======',
    'revisionHistoryLimit: 5',
    `>>>>>>> new (create-k8s-app ${NEW}, templates ${NEW_FP})`,
  ].join('\n');

  it('writes conflict markers with the base section, exits 3, and loses nothing else', async () => {
    const root = await project();
    await edit(root, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    const result = await upgrade(root);
    expect(result.code).toBe(3);
    expect(result.lines[0]).toBe(`upgraded to create-k8s-app ${NEW} with 1 conflict(s)`);
    expect(statusOf(result, VALUES)).toBe('conflict');
    expect(result.lines.at(-1)).toMatch(/^ {2}chart\/values\.yaml: overlapping edits; resolve the conflict markers$/);

    const values = await read(root, VALUES);
    const expected = (await fresh())[VALUES]!
      .replace('revisionHistoryLimit: 5', BLOCK)
      .replace('    memory: 256Mi', '    memory: 1Gi');
    expect(values).toBe(expected);
    // Everything else is upgraded as if there were no conflict.
    const want = await fresh();
    for (const [path, text] of Object.entries(await files(root))) if (path !== VALUES) expect(text, path).toBe(want[path]);

    expect(await check(root)).toMatchObject({ code: 3, lines: [`unresolved conflict markers in ${VALUES}`, expect.stringMatching(/^hint: /)] });
    const marked = await snapshot(root, true);
    const again = await upgrade(root);
    expect(again.code).toBe(3);
    expect(await snapshot(root, true)).toEqual(marked);

    // Resolved by keeping their own value: the edit is now theirs, and the project is clean.
    await write(root, VALUES, values.replace(BLOCK, 'revisionHistoryLimit: 3'));
    expect((await check(root)).code).toBe(0);
    const resolved = await cleanUpgrade(root);
    expect(resolved.lines[0]).toBe('up to date; nothing to do');
    expect(await read(root, VALUES)).toContain('revisionHistoryLimit: 3\n');
  });

  it('is no conflict when both sides made the identical change', async () => {
    const root = await project();
    await edit(root, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 5');
    await cleanUpgrade(root);
    expect(await files(root)).toEqual(await fresh());
  });
});

describe('4. files the generator never produced', () => {
  const OWN = 'chart/templates/extra-configmap.yaml';
  const OWN_TEXT = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ include "demo.fullname" . }}-extra',
    '  labels:',
    '    {{- include "demo.labels" . | nindent 4 }}',
    'data:',
    '  feature-flags: "beta"',
    '',
  ].join('\n');

  it("leaves the user's own template untouched", async () => {
    const root = await project();
    await write(root, OWN, OWN_TEXT);
    await write(root, 'notes.md', '# ours\n');
    const before = await snapshot(root, true);
    const result = await cleanUpgrade(root);
    expect(result.lines.join('\n')).not.toContain(OWN);
    const after = await snapshot(root, true);
    expect(after[OWN]).toBe(before[OWN]);
    expect(after['notes.md']).toBe(before['notes.md']);
    const { [OWN]: own, 'notes.md': notes, ...generatedFiles } = await files(root);
    expect([own, notes]).toEqual([OWN_TEXT, '# ours\n']);
    expect(generatedFiles).toEqual(await fresh());
  });

  it('merges a file new in 0.1.0 that the user already wrote against an empty base', async () => {
    const want = (await fresh())[HELMIGNORE]!;
    // Identical to what 0.1.0 brings: nothing to do for that file.
    const same = await project();
    await write(same, HELMIGNORE, want);
    const result = await cleanUpgrade(same);
    expect(statusOf(result, HELMIGNORE)).toBeUndefined(); // unchanged files are not listed
    expect(await read(same, HELMIGNORE)).toBe(want);

    // Different: both sides added lines to nothing, so it is a conflict, not a silent overwrite.
    const own = await project();
    await write(own, HELMIGNORE, 'secrets/\n');
    const conflicted = await upgrade(own);
    expect(conflicted.code).toBe(3);
    expect(statusOf(conflicted, HELMIGNORE)).toBe('conflict');
    const text = await read(own, HELMIGNORE);
    expect(text.startsWith('<<<<<<< yours (on disk)\nsecrets/\n||||||| base')).toBe(true);
    expect(text).toContain(`=======\n${want}>>>>>>> new (create-k8s-app ${NEW}, templates ${NEW_FP})\n`);
  });
});

describe('5. a generated file the user deleted', () => {
  it('stays deleted and is reported; --restore brings it back', async () => {
    const root = await project();
    await rm(join(root, 'chart/templates/tests'), { recursive: true });
    const result = await cleanUpgrade(root);
    expect(result.lines).toContain(`  kept-deleted ${HELM_TEST} (you deleted it; --restore brings it back)`);
    expect(exists(root, HELM_TEST)).toBe(false);
    expect((await check(root)).code).toBe(0);

    // Still absent, and still reported, on the next upgrade.
    const again = await upgrade(root);
    expect(again.lines[0]).toBe('up to date; nothing to do');
    expect(statusOf(again, HELM_TEST)).toBe('kept-deleted');
    expect(exists(root, HELM_TEST)).toBe(false);

    await expect(upgrade(root, { restore: ['chart/templates/nope.yaml'] })).rejects.toMatchObject({ exitCode: 2 });
    const restored = await cleanUpgrade(root, { restore: [HELM_TEST] });
    expect(statusOf(restored, HELM_TEST)).toBe('restore');
    expect(await files(root)).toEqual(await fresh());
  });
});

describe('6. --set scaling=keda', () => {
  it('removes the unedited HPA template and adds the ScaledObject and its values', async () => {
    const root = await project();
    const result = await cleanUpgrade(root, { set: ['scaling=keda'] });
    expect(statusOf(result, HPA)).toBe('delete');
    expect(statusOf(result, 'chart/templates/scaledobject.yaml')).toBe('create');
    expect(exists(root, HPA)).toBe(false);
    const values = await read(root, VALUES);
    expect(values).toContain('\nkeda:\n');
    // Only the switch KEDA shares with the HPA is left under autoscaling: none of the HPA's settings.
    expect(parse(values).autoscaling).toEqual({ enabled: true });
    expect(await read(root, 'chart/values-prod.yaml')).toContain('\nkeda:\n');
    expect(parse(await read(root, ANSWERS)).answers).toMatchObject({ scaling: 'keda', 'keda-trigger': 'prometheus' });
    expect(await files(root)).toEqual(await fresh({ scaling: 'keda' }));
    expect((await check(root)).code).toBe(0);

    // And back: the recorded keda-trigger no longer applies, so it is dropped rather than rejected.
    const back = await cleanUpgrade(root, { set: ['scaling=hpa'] });
    expect(statusOf(back, HPA)).toBe('create');
    expect(await files(root)).toEqual(await fresh());
  });

  it('reports an edited HPA template as a conflict and keeps it until the user decides', async () => {
    const root = await project();
    await edit(root, HPA, 'spec:\n', 'spec:\n  # tuned by the platform team\n');
    const hpa = await read(root, HPA);
    const result = await upgrade(root, { set: ['scaling=keda'] });
    expect(result.code).toBe(3);
    expect(statusOf(result, HPA)).toBe('conflict');
    expect(result.lines).toContain(`  ${HPA}: edited but no longer generated; kept as is`);
    expect(result.lines.at(-1)).toMatch(/^hint: files no longer generated: delete them, or rename them/);
    expect(await read(root, HPA)).toBe(hpa);
    expect(exists(root, 'chart/templates/scaledobject.yaml')).toBe(true);

    // Two autoscalers are never silently accepted: CI and the next upgrade still see the conflict.
    expect(await check(root)).toEqual({
      code: 3,
      lines: [`edited files no longer generated: ${HPA}`, 'hint: delete them, or rename them to keep them as your own, then run upgrade again'],
    });
    const before = await snapshot(root, true);
    const again = await upgrade(root);
    expect(again.code).toBe(3);
    expect(again.lines[0]).toBe('nothing new to apply, but 1 conflict(s) remain');
    expect(statusOf(again, HPA)).toBe('conflict');
    expect(await snapshot(root, true)).toEqual(before);

    await rm(join(root, HPA));
    await cleanUpgrade(root);
    expect((await check(root)).code).toBe(0);
    expect(await files(root)).toEqual(await fresh({ scaling: 'keda' }));
  });

  it('takes the kept HPA template back, edit included, when scaling returns to hpa', async () => {
    const root = await project();
    await edit(root, HPA, 'spec:\n', 'spec:\n  # tuned by the platform team\n');
    const hpa = await read(root, HPA);
    expect((await upgrade(root, { set: ['scaling=keda'] })).code).toBe(3);
    const back = await cleanUpgrade(root, { set: ['scaling=hpa'] });
    expect(statusOf(back, HPA)).toBe('kept');
    expect(statusOf(back, 'chart/templates/scaledobject.yaml')).toBe('delete');
    expect(await read(root, HPA)).toBe(hpa);
    expect((await check(root)).code).toBe(0);
  });
});

describe('7. --set envs', () => {
  it('adds a values file and an ApplicationSet element, and removing an env deletes its file', async () => {
    const root = await project();
    const added = await cleanUpgrade(root, { set: ['envs=staging,prod,dr'] });
    expect(statusOf(added, 'chart/values-dr.yaml')).toBe('create');
    expect(await read(root, 'chart/values-dr.yaml')).toContain('# Values for the dr environment.');
    const appSet = parse(await read(root, 'argocd/applicationset.yaml'));
    expect(appSet.spec.generators[0].list.elements.map((e: { env: string }) => e.env)).toEqual(['staging', 'prod', 'dr']);
    expect(appSet.spec.generators[0].list.elements[2]).toMatchObject({ env: 'dr', namespace: 'demo-dr' });
    expect(await files(root)).toEqual(await fresh({ envs: ['staging', 'prod', 'dr'] }));

    const removed = await cleanUpgrade(root, { set: ['envs=staging,prod'] });
    expect(statusOf(removed, 'chart/values-dr.yaml')).toBe('delete');
    expect(exists(root, 'chart/values-dr.yaml')).toBe(false);
    expect(await read(root, 'argocd/applicationset.yaml')).not.toContain('env: dr');
    expect(await files(root)).toEqual(await fresh());
  });

  it('keeps an edited values file of a removed env as a conflict', async () => {
    const root = await project({ envs: ['staging', 'prod', 'dr'] });
    await edit(root, 'chart/values-dr.yaml', 'logLevel: debug', 'logLevel: warn');
    const result = await upgrade(root, { set: ['envs=staging,prod'] });
    expect(result.code).toBe(3);
    expect(statusOf(result, 'chart/values-dr.yaml')).toBe('conflict');
    expect(await read(root, 'chart/values-dr.yaml')).toContain('logLevel: warn');
  });
});

describe('8. --dry-run', () => {
  it('writes nothing and prints each status and a unified diff', async () => {
    const root = await project();
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    await edit(root, HPA, 'spec:\n', 'spec:\n  # tuned\n');
    await rm(join(root, HELM_TEST));
    const before = await snapshot(root, true);
    const result = await upgrade(root, { dryRun: true, set: ['scaling=keda'] });
    expect(await snapshot(root, true)).toEqual(before);
    // Exits as --check would: the edited HPA template is a conflict.
    expect(result.code).toBe(3);
    expect(result.lines[0]).toMatch(/^dry run: \d+ file\(s\) would change, with 1 conflict\(s\)$/);
    expect(statusOf(result, DEPLOYMENT)).toBe('update');
    expect(statusOf(result, VALUES)).toBe('merged');
    expect(statusOf(result, HPA)).toBe('conflict');
    expect(statusOf(result, HELMIGNORE)).toBe('create');
    expect(statusOf(result, OLD_PDB)).toBe('delete');
    expect(statusOf(result, HELM_TEST)).toBe('kept-deleted');
    expect(statusOf(result, 'chart/templates/serviceaccount.yaml')).toBe('unchanged');
    const out = result.lines.join('\n');
    expect(out).toContain(`--- a/${DEPLOYMENT}\n+++ b/${DEPLOYMENT}\n@@ -`);
    expect(out).toContain('\n-      # Never fewer ready pods than desired during an update.\n+      # Zero downtime: start new pods before any old pod stops.\n');
    expect(out).toContain(`--- a/${OLD_PDB}\n+++ b/${OLD_PDB}\n`);
    expect(out).toContain('\n-## @param logLevel Log level of the app\n+## @param logLevel Log level passed to the app as LOG_LEVEL\n');
    // The user's own edit is context or untouched, never removed.
    expect(out).not.toContain('-    memory: 1Gi');

    expect((await check(root)).code).toBe(1);
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('escapes what a terminal would act on in the file contents it prints', async () => {
    const root = await project();
    // A line a pull request put next to one the upgrade changes: shown as context of the diff.
    const planted = '# \u001b[2J\u001b[31merror: fake\u0007 \u202eevil\u009b';
    await edit(root, VALUES, 'config: {}\n', `config: {}\n${planted}\n`);
    const result = await upgrade(root, { dryRun: true });
    expect(result.code).toBe(1);
    const out = result.lines.join('\n');
    expect(out).toContain('\n # \\u001b[2J\\u001b[31merror: fake\\u0007 \\u202eevil\\u009b');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('says when nothing would change', async () => {
    const root = await project({}, NEW);
    const before = await snapshot(root, true);
    const result = await upgrade(root, { dryRun: true });
    expect(result.code).toBe(0);
    const [first, ...rest] = result.lines;
    expect(first).toBe('dry run: up to date, nothing would change');
    expect(rest.length).toBeGreaterThan(10);
    for (const line of rest) expect(line).toMatch(/^ {2}unchanged {4}\S+$/);
    expect(await snapshot(root, true)).toEqual(before);
  });
});

describe('9. upgrading twice', () => {
  it('makes the second run a no-op', async () => {
    const root = await project();
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    await cleanUpgrade(root);
    const before = await snapshot(root, true);
    const second = await upgrade(root);
    // Only the user's edit is mentioned, as kept.
    expect(second).toEqual({ code: 0, lines: ['up to date; nothing to do', `  kept         ${VALUES}`] });
    expect(await snapshot(root, true)).toEqual(before);
  });
});

describe('10. an interrupted upgrade', () => {
  it('leaves the project as it was when the writer fails midway, and can be run again', async () => {
    const root = await project();
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    await chmod(join(root, DEPLOYMENT), 0o755);
    const before = await snapshot(root);
    await withFailingRename(3, () => expect(upgrade(root)).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('EIO') }));
    expect(await snapshot(root)).toEqual(before);
    await cleanUpgrade(root);
    expect(await read(root, VALUES)).toContain('    memory: 1Gi\n');
    expect(await read(root, ANSWERS)).toContain(`version: ${NEW}\n`);
  });

  it('finishes, after a SIGKILL mid-rename, exactly like an uninterrupted upgrade', async () => {
    const killed = await project();
    const reference = await project();
    for (const root of [killed, reference]) await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    const before = await snapshot(killed);

    // Each rename into place is slowed from outside, by a module preloaded into the CLI.
    const child = spawn(process.execPath, ['--import', new URL('../security/slow-fs.mjs', import.meta.url).href, CLI, 'upgrade', '--yes'], {
      cwd: killed,
      env: cleanEnv({ SLOW_FS_PAUSE_MS: '300', SLOW_FS_ONLY: '/.create-k8s-app/run/new/', SLOW_FS_CALLS: 'renameSync' }),
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // .helmignore, new in 0.1.0, is among the first files renamed into place; the records come
    // last, several 300 ms pauses later, so a kill right after it lands leaves the upgrade half done.
    const deadline = Date.now() + 30_000;
    while (!exists(killed, HELMIGNORE) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(exists(killed, HELMIGNORE)).toBe(true);
    expect(exists(killed, JOURNAL)).toBe(true);
    expect(await read(killed, ANSWERS)).toContain(`version: ${OLD}\n`);

    // Read-only runs report the half-done state and leave it alone; recovery puts back exactly what was there.
    await expect(upgrade(killed, { check: true })).rejects.toMatchObject({ exitCode: 1, hint: expect.stringContaining('run create-k8s-app upgrade') });
    expect(exists(killed, JOURNAL)).toBe(true);
    const copy = join(await tempDir(), 'copy');
    await cp(killed, copy, { recursive: true });
    expect(recoverInterrupted(copy)).toMatchObject({ leftAsFound: [] });
    expect(await snapshot(copy)).toEqual(before);

    // The next real run recovers the same way by itself, says so, then upgrades.
    const result = await cli(['upgrade'], killed);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^upgraded to create-k8s-app 0\.1\.0\nan earlier run was interrupted while writing: put \d+ file\(s\) back as they were before it\n/);
    expect(exists(killed, '.create-k8s-app/run')).toBe(false);

    await cleanUpgrade(reference);
    expect(await snapshot(killed)).toEqual(await snapshot(reference));
    await expectPassesChecks(killed);
  });
});

describe('11. line endings, final newline and file mode', () => {
  it('are preserved through an upgrade that changes those files', async () => {
    const root = await project();
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    await write(root, DEPLOYMENT, crlf(await read(root, DEPLOYMENT)));
    await chmod(join(root, DEPLOYMENT), 0o755);
    // An editor that strips the final newline, plus a real edit.
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    await write(root, VALUES, (await read(root, VALUES)).replace(/\n$/, ''));
    // CRLF in a file that also merges a user edit with a template change.
    await write(root, 'chart/README.md', crlf(await read(root, 'chart/README.md')).replace('\r\n', '\r\nEdited by us.\r\n'));

    const result = await cleanUpgrade(root);
    expect(statusOf(result, DEPLOYMENT)).toBe('update');
    expect(statusOf(result, VALUES)).toBe('merged');
    expect(statusOf(result, 'chart/README.md')).toBe('merged');
    const want = await fresh();
    expect(await read(root, DEPLOYMENT)).toBe(crlf(want[DEPLOYMENT]!));
    expect(await modeOf(root, DEPLOYMENT)).toBe(0o755);
    expect(await read(root, VALUES)).toBe(want[VALUES]!.replace('    memory: 256Mi', '    memory: 1Gi').replace(/\n$/, ''));
    expect(await modeOf(root, VALUES)).toBe(0o644);
    expect(await read(root, 'chart/README.md')).toBe(crlf(want['chart/README.md']!).replace('\r\n', '\r\nEdited by us.\r\n'));
    expect((await upgrade(root)).lines[0]).toBe('up to date; nothing to do');
  });
});

// ---------------------------------------------------------------- the built CLI

describe('the built CLI', () => {
  it('--check exits 0, 1 or 3 and changes nothing', async () => {
    const upToDate = await project({}, NEW);
    const old = await project();
    const marked = await project();
    await edit(marked, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    expect((await upgrade(marked)).code).toBe(3);

    const before = await Promise.all([upToDate, old, marked].map((r) => snapshot(r, true)));
    const zero = await cli(['upgrade', '--check'], upToDate);
    expect(zero).toEqual({ code: 0, stdout: `up to date with create-k8s-app ${NEW}\n`, stderr: '' });
    const one = await cli(['upgrade', '--check'], old);
    expect(one.code).toBe(1);
    expect(one.stdout).toBe(`an upgrade to create-k8s-app ${NEW} would change files; run create-k8s-app upgrade\n`);
    const three = await cli(['upgrade', '--check', marked], REPO);
    expect(three.code).toBe(3);
    expect(three.stderr).toMatch(new RegExp(`^unresolved conflict markers in ${VALUES}\nhint: `));
    expect(await Promise.all([upToDate, old, marked].map((r) => snapshot(r, true)))).toEqual(before);
  });

  it('--dry-run prints statuses and a diff and writes nothing', async () => {
    const root = await project();
    const before = await snapshot(root, true);
    const result = await cli(['upgrade', '--dry-run'], root);
    // A clean upgrade would change files: 1, as --check says.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dry run: \d+ file\(s\) would change\n/);
    expect(result.stdout).toMatch(new RegExp(`\n {2}update {7}${DEPLOYMENT}\n`));
    expect(result.stdout).toMatch(new RegExp(`\n {2}delete {7}${OLD_PDB}\n`));
    expect(result.stdout).toContain(`--- a/${DEPLOYMENT}\n+++ b/${DEPLOYMENT}\n`);
    expect(result.stdout).toContain('+      # Zero downtime: start new pods before any old pod stops.\n');
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('upgrades, restores and keeps a deleted file deleted', async () => {
    const root = await project();
    await rm(join(root, HELM_TEST));
    const result = await cli(['upgrade', '-y'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`upgraded to create-k8s-app ${NEW}\n`);
    expect(result.stdout).toContain(`  kept-deleted ${HELM_TEST} (you deleted it; --restore brings it back)\n`);
    const restored = await cli(['upgrade', '--restore', HELM_TEST], root);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await files(root)).toEqual(await fresh());
    await expectPassesChecks(root);
  });

  it('reports each directory and exits with the worst code (2 > 3 > 1 > 0)', async () => {
    const parent = await tempDir();
    // Short relative names, so the per-directory prefixes are predictable.
    const dirs = {
      ok: await project({}, NEW, join(parent, 'ok')),
      old: await project({}, OLD, join(parent, 'old')),
      marked: await project({}, OLD, join(parent, 'marked')),
      newer: await project({}, OLD, join(parent, 'newer')),
    };
    await edit(dirs.marked, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    expect((await upgrade(dirs.marked)).code).toBe(3);
    await edit(dirs.newer, ANSWERS, `version: ${OLD}`, 'version: 9.9.9');

    const run = (...names: string[]) => cli(['upgrade', '--check', ...names], parent);
    const all = await run('newer', 'ok', 'old', 'marked');
    expect(all.code).toBe(2);
    expect(all.stdout).toContain(`ok: up to date with create-k8s-app ${NEW}\n`);
    expect(all.stdout).toContain('old: an upgrade to create-k8s-app');
    expect(all.stderr).toContain(`marked: unresolved conflict markers in ${VALUES}\n`);
    expect(all.stderr).toContain(`newer: error: the project was generated by create-k8s-app 9.9.9, newer than this ${NEW}\n`);
    expect((await run('ok', 'marked', 'old')).code).toBe(3);
    expect((await run('marked', 'ok', 'old')).code).toBe(3);
    expect((await run('old', 'ok')).code).toBe(1);
    expect((await run('ok', 'ok')).code).toBe(0);
  });

  it('refuses a downgrade with exit 2 and writes nothing', async () => {
    const root = await project();
    await edit(root, ANSWERS, `version: ${OLD}`, 'version: 9.9.9');
    const before = await snapshot(root, true);
    const result = await cli(['upgrade', '--yes'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: the project was generated by create-k8s-app 9.9.9, newer than this ${NEW}\n` +
        'hint: run create-k8s-app@9.9.9 or newer; downgrades are refused\n',
    );
    expect(result.stdout).toBe('');
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('refuses with exit 3 while conflict markers remain, and rejects a bad --set with exit 2', async () => {
    const root = await project();
    await edit(root, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    const first = await cli(['upgrade'], root);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain(`upgraded to create-k8s-app ${NEW} with 1 conflict(s)\n`);
    const before = await snapshot(root, true);
    const again = await cli(['upgrade', '--set', 'strategy=canary'], root);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(new RegExp(`^unresolved conflict markers in ${VALUES}\nhint: `));
    const bad = await cli(['upgrade', '--set', 'scaling=sideways'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --set scaling: "sideways" is not one of none, hpa, keda\n$/);
    expect(await snapshot(root, true)).toEqual(before);
  });
});

// ---------------------------------------------------------------- the project as untrusted input

/** Today's values model with `change` applied to its list of values: a values change to merge with. */
function valuesWith(change: (values: Value[]) => Value[]): ValuesModel {
  return { ...CHART_VALUES, values: change([...CHART_VALUES.values]) };
}

/** Today's templates with one template's output changed: a template change to merge with. */
function templatesWith(name: string, change: (text: string) => string): Map<string, (context: object) => string> {
  const templates = new Map(NEW_TEMPLATES);
  const original = NEW_TEMPLATES.get(name)!;
  templates.set(name, (context) => change(original(context)));
  return templates;
}

const oneErrorLine = (stderr: string) => {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines[0], stderr).toMatch(/^error: /);
  expect(lines.length, stderr).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/this is a bug|\n\s+at |\u001b/);
};

describe('13. --check and --dry-run tell a clean upgrade from a conflicting one', () => {
  it('exit 1 for a clean upgrade and 3 for one that would conflict, changing nothing', async () => {
    const clean = await project();
    await edit(clean, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    const conflicting = await project();
    await edit(conflicting, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    const before = await Promise.all([clean, conflicting].map((r) => snapshot(r, true)));

    expect(await check(clean)).toMatchObject({ code: 1 });
    const predicted = await check(conflicting);
    expect(predicted.code).toBe(3);
    expect(predicted.lines[0]).toBe(`an upgrade to create-k8s-app ${NEW} would conflict in 1 file(s); run create-k8s-app upgrade and resolve them`);
    expect(predicted.lines).toContain(`  ${VALUES}: overlapping edits; resolve the conflict markers`);

    const dryClean = await upgrade(clean, { dryRun: true });
    expect(dryClean.code).toBe(1);
    expect(statusOf(dryClean, VALUES)).toBe('merged');
    const dryConflict = await upgrade(conflicting, { dryRun: true });
    expect(dryConflict.code).toBe(3);
    expect(dryConflict.lines[0]).toMatch(/^dry run: \d+ file\(s\) would change, with 1 conflict\(s\)$/);
    expect(statusOf(dryConflict, VALUES)).toBe('conflict');
    expect(await Promise.all([clean, conflicting].map((r) => snapshot(r, true)))).toEqual(before);

    // And the upgrade does what they predicted.
    expect((await upgrade(clean)).code).toBe(0);
    expect((await upgrade(conflicting)).code).toBe(3);
  });

  it('the built CLI exits 1 and 3 the same way', async () => {
    const clean = await project();
    const conflicting = await project();
    await edit(conflicting, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: 3');
    expect((await cli(['upgrade', '--check'], clean)).code).toBe(1);
    expect((await cli(['upgrade', '--check'], conflicting)).code).toBe(3);
    expect((await cli(['upgrade', '--dry-run'], clean)).code).toBe(1);
    const dry = await cli(['upgrade', '--dry-run'], conflicting);
    expect(dry.code).toBe(3);
    expect(dry.stderr).toContain(`  ${VALUES}: overlapping edits; resolve the conflict markers\n`);
  });
});

describe('14. a merge is validated before it is written', () => {
  it('refuses a clean merge that gives values.yaml a duplicate readinessProbe key, naming file, line and key', async () => {
    const root = await project({}, NEW);
    // The user adds a key at the end; the new templates add the same key near the top.
    const edited = `${await read(root, VALUES)}readinessProbe:\n  periodSeconds: 3\n`;
    await write(root, VALUES, edited);
    const values = valuesWith((list) => {
      const at = list.findIndex((value) => value.key === 'fullnameOverride') + 1;
      list.splice(at, 0, { key: 'readinessProbe', type: 'object', default: {}, doc: 'Readiness probe settings' });
      return list;
    });
    const before = await snapshot(root, true);
    const dry = await upgrade(root, { values, dryRun: true });
    expect(dry.code).toBe(3);
    const result = await upgrade(root, { values });
    expect(result.code).toBe(3);
    expect(result.lines[0]).toBe('not upgraded (nothing written): the upgrade would leave a broken chart:');
    expect(result.lines[1]).toMatch(/^ {2}chart\/values\.yaml:\d+ \(as merged\): the key readinessProbe appears twice in one mapping$/);
    // The line of the second key in the merged text: the user's, one line further down.
    const line = Number(/:(\d+) /.exec(result.lines[1])![1]);
    const rendered = render(await answersFor({}), NEW_TEMPLATES, NEW, values).get(VALUES)!;
    const merged = `${rendered}readinessProbe:\n  periodSeconds: 3\n`.split('\n');
    expect(merged[line - 1]).toBe('readinessProbe:');
    expect(merged[line]).toBe('  periodSeconds: 3');
    expect(await snapshot(root, true)).toEqual(before);
    expect((await upgrade(root, { values, check: true })).code).toBe(3);
  });

  it('refuses a clean merge whose rendered pod has two readinessProbe keys (helm template), writing nothing', async () => {
    const root = await project({}, NEW);
    // The user adds a probe of their own to the container, not seeing the generated one below.
    await edit(root, 'chart/templates/_pod.tpl', '      image: {{ include "demo.image" . | quote }}\n',
      '      image: {{ include "demo.image" . | quote }}\n      readinessProbe:\n        exec:\n          command: [cat, /tmp/ready]\n');
    // The new templates change the same file elsewhere: a clean line merge.
    const templates = templatesWith('chart/templates/_pod.tpl', (text) => `${text}{{- /* pod spec of the next version */ -}}\n`);
    const before = await snapshot(root, true);
    const result = await upgrade(root, { templates, helm: helms[0].bin });
    expect(result.code, result.lines.join('\n')).toBe(3);
    expect(statusOf({ code: 0, lines: (await upgrade(root, { templates, dryRun: true, helm: null })).lines }, 'chart/templates/_pod.tpl')).toBe('merged');
    expect(result.lines).toContain('  chart/templates/deployment.yaml: the key readinessProbe appears twice in one mapping (rendered with values-prod.yaml)');
    expect(await snapshot(root, true)).toEqual(before);
    expect((await upgrade(root, { templates, helm: helms[0].bin, check: true })).lines[0]).toBe('the upgrade would leave a broken chart:');
    // Without the user's probe the same template change goes through, helm checks and all.
    const plain = await project({}, NEW);
    expect((await upgrade(plain, { templates, helm: helms[0].bin })).code).toBe(0);
  });

  it('refuses a merge after which the chart no longer renders (its values schema fails)', async () => {
    const root = await project();
    // A clean merge with the template's values.yaml change, but no longer a valid value.
    await edit(root, VALUES, 'revisionHistoryLimit: 10', 'revisionHistoryLimit: lots');
    const values = valuesWith((list) => list.map((value) => (value.key === 'revisionHistoryLimit' ? { ...value, default: 10 } : value)));
    const before = await snapshot(root, true);
    const result = await upgrade(root, { values, helm: helms[0].bin });
    expect(result.code, result.lines.join('\n')).toBe(3);
    expect(statusOf(await upgrade(root, { values, dryRun: true, helm: null }), VALUES)).toBe('merged');
    expect(result.lines.join('\n')).toMatch(/\n {2}chart \(with values-(prod|staging)\.yaml\): does not render: .*revisionHistoryLimit/);
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('refuses a merge that renders but fails helm lint --strict', async () => {
    const root = await project();
    // Renders, but lint --strict refuses the object name (a warning, an error under --strict).
    const configmap = 'chart/templates/configmap.yaml';
    await write(root, configmap, `${await read(root, configmap)}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Extra_Settings\n`);
    const before = await snapshot(root, true);
    const result = await upgrade(root, { helm: helms[0].bin });
    expect(result.code, result.lines.join('\n')).toBe(3);
    expect(result.lines.join('\n')).toMatch(/\n {2}chart: helm lint --strict: \[WARNING\] templates\/configmap\.yaml: object name does not conform .*Extra_Settings/);
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('renders the monitoring objects too, which only render where their API exists', async () => {
    const root = await project({}, NEW);
    const monitor = 'chart/templates/servicemonitor.yaml';
    await write(root, monitor, `${await read(root, monitor)}metadata:\n  name: mine\n`);
    const templates = templatesWith('chart/templates/_pod.tpl', (text) => `${text}{{- /* pod spec of the next version */ -}}\n`);
    const result = await upgrade(root, { templates, helm: helms[0].bin });
    expect(result.code, result.lines.join('\n')).toBe(3);
    expect(result.lines).toContain(`  ${monitor}: the key metadata appears twice in one mapping (rendered with values-prod.yaml)`);
  });
});

describe('14b. the merge is checked inside the project, on a chart that cannot reach outside it', () => {
  /** A helm that logs each call's arguments and working directory, then runs the real one. */
  async function loggingHelm(dir: string): Promise<{ bin: string; calls: () => Promise<string[]> }> {
    const log = join(dir, 'helm-calls.log');
    const bin = join(dir, 'helm');
    await writeFile(bin, `#!/bin/sh\necho "$PWD $*" >> '${log}'\nexec '${helms[0].bin}' "$@"\n`, { mode: 0o755 });
    return { bin, calls: async () => (existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n') : []) };
  }

  it('stages the merged chart in .create-k8s-app/run/, writes nothing to the temp folder, and removes it', async () => {
    const root = await project();
    const configmap = 'chart/templates/configmap.yaml';
    await write(root, configmap, `${await read(root, configmap)}# the team's note\n`);
    const helm = await loggingHelm(await tempDir());
    const temp = await tempDir();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      const checked = await upgrade(root, { helm: helm.bin, check: true });
      expect(checked.code, checked.lines.join('\n')).toBe(1);
      const result = await upgrade(root, { helm: helm.bin });
      expect(result.code, result.lines.join('\n')).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const calls = await helm.calls();
    expect(calls.length).toBeGreaterThan(0);
    const staged = `${root}/.create-k8s-app/run/verify-${process.pid}-`;
    // Every call names the staged chart, never the project's own chart/ or a folder outside.
    for (const call of calls) expect(call.split(' ').slice(2).some((arg) => arg.startsWith(staged)), call).toBe(true);
    for (const call of calls) expect(call).not.toContain(`${root}/chart`);
    expect(calls.some((call) => call.includes(` template demo ${staged}`))).toBe(true);
    expect(await readdir(temp)).toEqual([]);
    expect(existsSync(join(root, '.create-k8s-app/run'))).toBe(false);
  });

  it('refuses a link among the chart files before helm runs, naming it', async () => {
    const root = await project();
    const configmap = 'chart/templates/configmap.yaml';
    await write(root, configmap, `${await read(root, configmap)}# the team's note\n`);
    await symlink('/etc/passwd', join(root, 'chart/templates/passwd.yaml'));
    const helm = await loggingHelm(await tempDir());
    for (const check of [true, false]) {
      await expect(upgrade(root, { helm: helm.bin, check })).rejects.toMatchObject({
        exitCode: 2,
        message: 'chart/templates/passwd.yaml is a symbolic link; create-k8s-app does not follow links inside a project',
      });
    }
    expect(await helm.calls()).toEqual([]);
    expect(existsSync(join(root, '.create-k8s-app/run'))).toBe(false);
  });

  it('skips the helm checks with a note where the project cannot be written (a read-only checkout)', async () => {
    const root = await project();
    const configmap = 'chart/templates/configmap.yaml';
    await write(root, configmap, `${await read(root, configmap)}# the team's note\n`);
    const state = join(root, '.create-k8s-app');
    // Immutable: no new entry, not even for root (whom permissions would not stop).
    if (spawnSync('chattr', ['+i', state]).status !== 0) return;
    try {
      const result = await upgrade(root, { helm: helms[0].bin, check: true });
      expect(result.code, result.lines.join('\n')).toBe(1);
      expect(result.lines[0]).toBe('note: helm checks of the merge skipped: cannot write .create-k8s-app/run/ (EPERM)');
    } finally {
      spawnSync('chattr', ['-i', state]);
    }
  });

  it('removes what a killed check left, and only its own folders', async () => {
    const root = await project();
    const configmap = 'chart/templates/configmap.yaml';
    await write(root, configmap, `${await read(root, configmap)}# the team's note\n`);
    // pid 2^22+1 is above the kernel's pid_max default: no such process.
    const dead = join(root, '.create-k8s-app/run/verify-4194305-0badc0de');
    await mkdir(join(dead, 'chart'), { recursive: true });
    const outside = await tempDir();
    await symlink(outside, join(root, '.create-k8s-app/run/verify-4194306-0badc0de'));
    await writeFile(join(outside, 'keep'), 'mine\n');
    const result = await upgrade(root, { helm: helms[0].bin, check: true });
    expect(result.code, result.lines.join('\n')).toBe(1);
    expect(existsSync(dead)).toBe(false);
    expect(await readFile(join(outside, 'keep'), 'utf8')).toBe('mine\n');
  });
});

describe('15. records are data, not instructions', () => {
  it('never deletes a file of the user that a base of this same version lists with its content', async () => {
    const root = await project({}, NEW);
    const mine = 'chart/templates/mine.yaml';
    await write(root, mine, 'kind: ConfigMap\n');
    const base = JSON.parse(await read(root, '.create-k8s-app/base.json')) as Record<string, string[]>;
    base[mine] = ['kind: ConfigMap', ''];
    await write(root, '.create-k8s-app/base.json', JSON.stringify(base));
    const note = `note: left ${mine} in place: .create-k8s-app/base.json lists it, but create-k8s-app ${NEW} never generates it`;
    const dry = await upgrade(root, { dryRun: true });
    expect(dry.lines).toContain(note);
    expect(statusOf(dry, mine)).toBe('kept');
    const result = await upgrade(root, {});
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines).toContain(note);
    expect(await read(root, mine)).toBe('kind: ConfigMap\n');
    // The record no longer lists it: the next run has nothing to say about it.
    expect(JSON.parse(await read(root, '.create-k8s-app/base.json'))).not.toHaveProperty([mine]);
    expect((await check(root)).code).toBe(0);
  });

  it('refuses a base.json that lists .git/HEAD and src/main.go, and deletes neither', async () => {
    const root = await project();
    await mkdir(join(root, '.git'));
    await mkdir(join(root, 'src'));
    await write(root, '.git/HEAD', 'ref: refs/heads/main\n');
    await write(root, 'src/main.go', 'package main\n');
    const base = JSON.parse(await read(root, '.create-k8s-app/base.json')) as Record<string, string[]>;
    base['.git/HEAD'] = ['ref: refs/heads/main', ''];
    base['src/main.go'] = ['package main', ''];
    await write(root, '.create-k8s-app/base.json', JSON.stringify(base));
    const before = await snapshot(root, true);
    for (const args of [['upgrade', '-y'], ['upgrade', '--check'], ['upgrade', '--dry-run']]) {
      const result = await cli(args, root);
      expect(result.code, args.join(' ')).toBe(2);
      oneErrorLine(result.stderr);
      expect(result.stderr).toMatch(/^error: \.create-k8s-app\/base\.json: "(\.git\/HEAD|src\/main\.go)" is not a path create-k8s-app generates\n/);
    }
    expect(await snapshot(root, true)).toEqual(before);
  });

  it('refuses a recorded version that is not semver, shown escaped, in errors and never in markers', async () => {
    const root = await project();
    await edit(root, ANSWERS, `version: ${OLD}`, 'version: "0.0.9\\u001b[31m\\nerror: all good"');
    const before = await snapshot(root, true);
    const result = await cli(['upgrade'], root);
    expect(result.code).toBe(2);
    oneErrorLine(result.stderr);
    expect(result.stderr).toContain('error: .create-k8s-app.yaml: version "0.0.9\\u001b[31m\\nerror: all good" is not a semantic version (like 1.2.3)\n');
    expect(await snapshot(root, true)).toEqual(before);
    await edit(root, ANSWERS, 'version: "0.0.9\\u001b[31m\\nerror: all good"', `version: ${OLD}`);
    await edit(root, ANSWERS, `templates: ${OLD_FP}`, 'templates: "\\u202egnp.exe"');
    const bad = await cli(['upgrade', '--check'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: \.create-k8s-app\.yaml: templates "\\u202egnp\.exe" is not a template fingerprint/);
  });

  it('runs the recorded answers through the validators of the flags, naming the real line', async () => {
    const root = await project();
    const text = await read(root, ANSWERS);
    const line = text.split('\n').indexOf('  port: 8080') + 1;
    await edit(root, ANSWERS, '  port: 8080', '  port: 99999');
    const result = await cli(['upgrade', '--check'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: .create-k8s-app.yaml:${line}: port: port "99999" is not an integer from 1 to 65535\n`);
  });
});

describe('16. versions and template fingerprints', () => {
  it('refuses an older version over a newer one (exit 2), and --check says the same', async () => {
    const root = await project({}, NEW);
    const before = await snapshot(root);
    for (const options of [{}, { check: true }, { dryRun: true }]) {
      await expect(upgrade(root, { ...options, version: OLD, templates: OLD_TEMPLATES, fingerprint: OLD_FP })).rejects.toMatchObject({
        exitCode: 2,
        message: `the project was generated by create-k8s-app ${NEW}, newer than this ${OLD}`,
      });
    }
    // Semver precedence, not string order: 0.10.0 is newer than 0.9.0, a release newer than its rc.
    await edit(root, ANSWERS, `version: ${NEW}`, 'version: 0.10.0');
    await expect(upgrade(root, { version: '0.9.0' })).rejects.toMatchObject({ exitCode: 2 });
    await edit(root, ANSWERS, 'version: 0.10.0', `version: ${NEW}`);
    await expect(upgrade(root, { version: `${NEW}-rc.1` })).rejects.toMatchObject({ exitCode: 2 });
    expect(await snapshot(root)).toEqual(before);
  });

  it('proceeds with the same version and other templates, saying so in one line', async () => {
    const root = await project({}, NEW);
    await edit(root, ANSWERS, `templates: ${NEW_FP}`, 'templates: 0123456789ab');
    const result = await upgrade(root);
    expect(result.code).toBe(0);
    expect(result.lines[0]).toBe(`note: same version ${NEW}, other templates: the project's 0123456789ab, this build's ${NEW_FP}`);
    expect(result.lines.filter((l) => l.startsWith('note:'))).toHaveLength(1);
    expect(await read(root, ANSWERS)).toContain(`\ntemplates: ${NEW_FP}\n`);
    expect((await upgrade(root)).lines[0]).not.toMatch(/^note:/);
  });

  it('records the fingerprint of the templates that made the project', async () => {
    expect(OLD_FP).toMatch(/^[0-9a-f]{12}$/);
    expect(OLD_FP).not.toBe(NEW_FP);
    const root = await project();
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    expect((await upgrade(root)).code).toBe(0);
    expect(await read(root, ANSWERS)).toMatch(new RegExp(`^version: ${NEW.replace(/\./g, '\\.')}\ntemplates: ${NEW_FP}\nanswers:$`, 'm'));
  });
});

describe('17. a git tree with uncommitted changes', () => {
  const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv }, stdio: 'pipe' });
  async function committed(version = OLD): Promise<string> {
    const root = await project({}, version);
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'generated');
    return root;
  }

  it('refuses to write over uncommitted edits (exit 2, hint --allow-dirty), and --allow-dirty writes', async () => {
    const root = await committed();
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    const before = await snapshot(root, true);
    const refused = await cli(['upgrade', '-y'], root);
    expect(refused.code).toBe(2);
    oneErrorLine(refused.stderr);
    expect(refused.stderr).toBe(`error: uncommitted changes to files this run would write: ${VALUES}\nhint: commit or stash them first, or pass --allow-dirty to write anyway\n`);
    expect(await snapshot(root, true)).toEqual(before);
    // Reading is no writing: --check and --dry-run run on a dirty tree.
    expect((await cli(['upgrade', '--check'], root)).code).toBe(1);
    const allowed = await cli(['upgrade', '-y', '--allow-dirty'], root);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await read(root, VALUES)).toContain('    memory: 1Gi');
  });

  it('lets changes to files it does not write be, and writes once they are committed', async () => {
    const root = await committed();
    await mkdir(join(root, 'src'));
    await write(root, 'src/main.go', 'package main\n');
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    git(root, 'commit', '-qam', 'more memory');
    const result = await cli(['upgrade', '-y'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(await read(root, 'src/main.go')).toBe('package main\n');
  });

  it('counts a staged or an untracked file it would overwrite as uncommitted', async () => {
    const staged = await committed();
    await edit(staged, DEPLOYMENT, 'spec:\n', 'spec:\n  # staged\n');
    git(staged, 'add', DEPLOYMENT);
    expect((await cli(['upgrade', '-y'], staged)).stderr).toMatch(new RegExp(`^error: uncommitted changes to files this run would write: ${DEPLOYMENT}\n`));
    const untracked = await committed();
    await write(untracked, HELMIGNORE, 'secrets/\n');
    expect((await cli(['upgrade', '-y'], untracked)).stderr).toMatch(new RegExp(`^error: uncommitted changes to files this run would write: ${HELMIGNORE.replace('.', '\\.')}\n`));
  });

  it('exits 2 naming --allow-dirty when git is not installed', async () => {
    const root = await committed();
    const result = await cli(['upgrade', '-y'], root, { PATH: join(root, 'no-such-dir') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot tell whether .+ has uncommitted changes: git is not installed\nhint: pass --allow-dirty to write anyway\n$/);
    expect((await cli(['upgrade', '-y', '--allow-dirty'], root, { PATH: join(root, 'no-such-dir') })).code).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('exits 2 naming --allow-dirty when git refuses the repository (dubious ownership)', async () => {
    const root = await committed();
    execFileSync('chown', ['-R', '65534:65534', root]);
    const result = await cli(['upgrade', '-y'], root, { HOME: root, GIT_CONFIG_NOSYSTEM: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot tell whether .+ has uncommitted changes: git refuses the repository \(dubious ownership.*\nhint: pass --allow-dirty to write anyway\n$/);
  });

  it('runs git without the repository fsmonitor hook', async () => {
    const root = await committed();
    const marker = join(root, '..', 'fsmonitor-ran');
    await write(root, '../fsmonitor.sh', `#!/bin/sh\ntouch ${marker}\n`);
    await chmod(join(root, '../fsmonitor.sh'), 0o755);
    git(root, 'config', 'core.fsmonitor', join(root, '../fsmonitor.sh'));
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    expect((await cli(['upgrade', '-y'], root)).code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs no clean filter the repository configures, even on files whose stat data is stale', async () => {
    const root = await committed();
    const marker = join(root, '..', 'filter-ran');
    await write(root, '.gitattributes', '* filter=evil\n');
    git(root, 'add', '.gitattributes');
    git(root, 'commit', '-qm', 'attributes');
    git(root, 'config', 'filter.evil.clean', `touch ${marker}; cat`);
    git(root, 'config', 'filter.other.process', `touch ${marker}`);
    // As after unpacking an archive: every file's mtime differs from the index, so git re-reads them.
    const old = new Date('2001-01-01T00:00:00Z');
    for (const path of [VALUES, DEPLOYMENT]) await utimes(join(root, path), old, old);
    const result = await cli(['upgrade', '-y'], root);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('create --force refuses uncommitted changes to the files it would write', async () => {
    const root = await committed(NEW);
    await edit(root, VALUES, '    memory: 256Mi', '    memory: 1Gi');
    const result = await cli([root, '--name', 'demo', '--force', '--yes', '--no-lint'], REPO);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: uncommitted changes to files this run would write: ${VALUES}\nhint: commit or stash them first, or pass --allow-dirty to write anyway\n`);
    expect(await read(root, VALUES)).toContain('    memory: 1Gi');
  });
});
