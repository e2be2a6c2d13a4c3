// Links inside a project are untrusted: where a generated file or folder belongs (chart/,
// chart/templates/, .create-k8s-app/, a generated file), a link is refused with exit 2 naming it,
// never followed — for writing (`--force`, `upgrade`) and for reading (`upgrade --check`,
// `--dry-run`), so nothing outside is changed and nothing it points to is printed or copied.
// A link above the project root is the user's own business and works.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { tempRoot } from '../support/project.js';
import { generatedProject } from './support.js';
import { snapshot } from './processes.js';

const root = tempRoot('ck8s-links-');
afterAll(() => root.cleanup());

const SECRET = 'GITHUB_TOKEN=ghp_secret_value_that_must_not_leak\n';

/** A generated project, an older-looking state of it (so upgrade has work to do), and a folder outside. */
function setup(): { cwd: string; project: string; outside: string } {
  const { cwd, project } = generatedProject(root);
  // --set changes make upgrade write into chart/, chart/templates/ and .create-k8s-app/.
  const outside = join(cwd, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.env'), SECRET);
  return { cwd, project, outside };
}

/** Moves `rel` out of the project and leaves a link to it in its place. */
function replaceWithLink(project: string, outside: string, rel: string): string {
  const moved = join(outside, rel.replaceAll('/', '_'));
  renameSync(join(project, rel), moved);
  symlinkSync(moved, join(project, rel));
  return moved;
}

const UPGRADE = ['upgrade', '--set', 'strategy=canary', 'demo'];
const FORCE = ['demo', '--yes', '--force', '--no-lint', '--strategy', 'canary'];
const READ_ONLY = [['upgrade', '--check', 'demo'], ['upgrade', '--dry-run', 'demo']];

function expectLinkRefused(r: CliResult, rel: string): void {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toBe(`error: ${rel} is a symbolic link; create-k8s-app does not follow links inside a project`);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines).toHaveLength(2);
}

describe('a folder of the project that is a link to one outside', () => {
  for (const rel of ['chart', 'chart/templates', '.create-k8s-app']) {
    for (const command of [UPGRADE, FORCE, ...READ_ONLY]) {
      it(`${rel}: \`${command.join(' ')}\` refuses it and changes nothing there or here`, () => {
        const { cwd, project, outside } = setup();
        replaceWithLink(project, outside, rel);
        const before = { outside: snapshot(outside), project: snapshot(project) };
        expectLinkRefused(runCli(command, { cwd }), rel);
        expect(snapshot(outside)).toEqual(before.outside);
        expect(snapshot(project)).toEqual(before.project);
      });
    }
  }
});

describe('a generated file that is a link', () => {
  for (const command of [UPGRADE, FORCE, ...READ_ONLY]) {
    it(`to a secret outside: \`${command.join(' ')}\` refuses it, never prints or copies it`, () => {
      const { cwd, project, outside } = setup();
      const rel = 'chart/values-prod.yaml';
      rmSync(join(project, rel));
      symlinkSync(join(outside, 'secret.env'), join(project, rel));
      const before = { outside: snapshot(outside), project: snapshot(project) };
      const r = runCli(command, { cwd });
      expectLinkRefused(r, rel);
      expect(r.stdout + r.stderr).not.toContain('ghp_secret');
      expect(snapshot(outside)).toEqual(before.outside);
      expect(snapshot(project)).toEqual(before.project);
    });
  }

  it('to /proc/self/environ: `upgrade --dry-run` does not print the environment', () => {
    const { cwd, project } = setup();
    const rel = 'chart/values-prod.yaml';
    rmSync(join(project, rel));
    symlinkSync('/proc/self/environ', join(project, rel));
    const r = runCli(['upgrade', '--dry-run', 'demo'], { cwd, env: { GITHUB_TOKEN: 'ghp_environ_secret' } });
    expectLinkRefused(r, rel);
    expect(r.stdout + r.stderr).not.toContain('ghp_environ_secret');
    const u = runCli(UPGRADE, { cwd, env: { GITHUB_TOKEN: 'ghp_environ_secret' } });
    expectLinkRefused(u, rel);
    for (const [path, entry] of Object.entries(snapshot(project))) {
      if (!entry.startsWith('link ') && !path.endsWith('/')) expect(Buffer.from(entry.split(' ')[1] ?? '', 'base64').toString(), path).not.toContain('ghp_environ_secret');
    }
  });

  it('a record that is a link (.create-k8s-app.yaml) is refused, not read', () => {
    const { cwd, project, outside } = setup();
    replaceWithLink(project, outside, '.create-k8s-app.yaml');
    for (const command of [UPGRADE, ...READ_ONLY]) expectLinkRefused(runCli(command, { cwd }), '.create-k8s-app.yaml');
  });

  it('a FIFO where a generated file belongs is refused, not waited on', () => {
    const { cwd, project } = setup();
    rmSync(join(project, 'chart', 'values-prod.yaml'));
    execFileSync('mkfifo', [join(project, 'chart', 'values-prod.yaml')]);
    const r = runCli(['upgrade', '--check', 'demo'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: chart/values-prod.yaml is not a regular file or folder, where create-k8s-app keeps a file');
  });
});

describe('a folder where a generated file belongs', () => {
  it('is refused with one line naming it (not EISDIR), for writing and for reading', () => {
    const { cwd, project } = setup();
    rmSync(join(project, 'chart', 'values-prod.yaml'));
    mkdirSync(join(project, 'chart', 'values-prod.yaml'));
    const before = snapshot(project);
    for (const command of [UPGRADE, FORCE, ...READ_ONLY]) {
      const r = runCli(command, { cwd });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: chart\/values-prod\.yaml is a folder, where create-k8s-app (keeps|writes) a file$/);
      expect(r.stderr).not.toMatch(/EISDIR|this is a bug/);
    }
    expect(snapshot(project)).toEqual(before);
  });
});

describe('a link above the project root', () => {
  it('is the user\'s business: upgrade through it works', () => {
    const { cwd, project } = setup();
    const real = join(cwd, 'real');
    cpSync(project, real, { recursive: true });
    rmSync(project, { recursive: true });
    symlinkSync(real, project);
    const r = runCli(UPGRADE, { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(real, 'chart', 'templates', 'rollout.yaml'), 'utf8')).toContain('kind: Rollout');
  });
});
