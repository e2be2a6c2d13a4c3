// The published package, as users get it: `npm pack`, install the tarball into an empty project,
// run the bin through npm. Templates and presets must be inside the tarball (the bundle carries
// the templates precompiled; presets are files), and nothing of the source tree may be.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRoot } from '../support/project.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const SIZE_LIMIT = 400_000; // npm's kB: the stricter reading of "400 KB"
const GENERATED = [
  'chart/Chart.yaml',
  'chart/values-staging.yaml',
  'chart/values-prod.yaml',
  'argocd/applicationset.yaml',
  'chart/templates/rollout.yaml',
];

const root = tempRoot('ck8s-pack-');
afterAll(() => root.cleanup());

// Whatever `npm test` put in the environment (npm_config_*, npm_lifecycle_*) is not the user's.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_(config|lifecycle|package)_/i.test(key)),
);
Object.assign(env, { CI: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });

async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${e.stderr || e.stdout || e.message}`);
  }
}

interface Packed {
  filename: string;
  size: number;
  files: { path: string }[];
}

let tarball: string;
let packed: Packed;

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) first');
  const out = join(root.dir, 'tarball');
  mkdirSync(out);
  const { stdout } = await npm(['pack', '--json', '--pack-destination', out], REPO);
  // npm prints lifecycle script output before the JSON when there is any.
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Packed[])[0];
  tarball = join(out, packed.filename);
});

/** An empty project with the tarball installed; offline first, as the dependencies are in npm's cache. */
async function installed(name: string): Promise<string> {
  const dir = join(root.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true })}\n`);
  try {
    await npm(['install', '--offline', '--no-audit', '--no-fund', tarball], dir);
  } catch {
    await npm(['install', '--no-audit', '--no-fund', tarball], dir);
  }
  return dir;
}

describe('the packed tarball', () => {
  it(`is at most ${SIZE_LIMIT / 1000} kB and holds only what the CLI runs`, () => {
    expect(statSync(tarball).size).toBe(packed.size);
    expect(packed.size).toBeLessThanOrEqual(SIZE_LIMIT);
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => /^(src|test|templates|scripts)\//.test(p) || p.endsWith('.ts') || p.endsWith('.map'))).toEqual([]);
    expect(paths).toContain('bin/create-k8s-app.js');
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('presets/web-app.yaml');
  });

  it('installed into a project, runs through npm exec: preset, templates, upgrade', async () => {
    const project = await installed('consumer');
    const { stdout: presets } = await npm(['exec', '--', 'create-k8s-app', 'presets'], project);
    expect(presets).toMatch(/^web-app\s/m);

    await npm(['exec', '--', 'create-k8s-app', 'demo', '--preset', 'web-app', '--yes', '--no-lint'], project);
    for (const file of GENERATED) expect(existsSync(join(project, 'demo', file)), file).toBe(true);
    expect(readFileSync(join(project, 'demo', 'chart', 'Chart.yaml'), 'utf8')).toMatch(/^name: demo$/m);

    // The upgrade path renders the same precompiled templates: a fresh project is up to date.
    const { stdout: check } = await npm(['exec', '--', 'create-k8s-app', 'upgrade', '--check', 'demo'], project);
    expect(check).toContain('up to date');
  }, 300_000);

  it('runs as `npm exec --package=<tarball>`, the way `npm create` / npx fetch it', async () => {
    const dir = join(root.dir, 'npx');
    mkdirSync(dir);
    const args = ['--package', tarball, '--', 'create-k8s-app', 'demo', '--preset', 'web-app', '--yes', '--no-lint'];
    try {
      await npm(['exec', '--yes', '--offline', ...args], dir);
    } catch {
      await npm(['exec', '--yes', ...args], dir);
    }
    for (const file of GENERATED) expect(existsSync(join(dir, 'demo', file)), file).toBe(true);
  }, 300_000);
});

describe('from a fresh clone', () => {
  it('`npm pack` builds first, so the tarball has dist/', async () => {
    const clone = join(root.dir, 'clone');
    await run('git', ['clone', '-q', '--no-hardlinks', REPO, clone]);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    try {
      await npm(['ci', '--offline', '--no-audit', '--no-fund'], clone);
    } catch {
      await npm(['ci', '--no-audit', '--no-fund'], clone);
    }
    const out = join(root.dir, 'clone-tarball');
    mkdirSync(out);
    const { stdout } = await npm(['pack', '--json', '--pack-destination', out], clone);
    const files = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Packed[])[0].files.map((f) => f.path);
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('bin/create-k8s-app.js');
  }, 600_000);
});
