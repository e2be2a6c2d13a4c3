// --cluster <env>=<url>: a map answer given by a repeatable flag, a preset's `clusters:` mapping or
// `upgrade --set clusters.<env>=<url>`, validated, recorded and read back.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../src/answers.js';
import { parseArgv, type CreateArgs } from '../src/args.js';
import { IN_CLUSTER } from '../src/clusters.js';
import { helpText, upgradeHelpText } from '../src/help.js';
import { withMetadata } from '../src/metadata.js';
import type { Partial_ } from '../src/options.js';
import { parseAnswers } from '../src/preset.js';
import { parseRecorded, serializeAnswers } from '../src/recorded.js';
import { render } from '../src/render.js';
import { upgradeProject } from '../src/upgrade/command.js';
import { writeNewProject } from '../src/write.js';
import { builtin } from './support/project.js';

const flags = (...argv: string[]) => (parseArgv('create', ['demo', ...argv]) as CreateArgs).answers;
const resolve = (given: Partial_, preset: Partial_ | null = null) =>
  resolveAnswers({ flags: { name: 'demo', ...given }, preset, facts: { originUrl: null, repoPath: null }, ask: null, yes: true });
const usage = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

const PROD = 'https://prod.k8s.example.com:6443';

describe('--cluster', () => {
  it('is repeatable, fills the other environments with the cluster Argo CD runs in, in --envs order', async () => {
    const given = flags('--cluster', `prod=${PROD}`, '--cluster=dev=https://dev.k8s.example.com', '--envs', 'dev,staging,prod');
    expect(given.clusters).toEqual({ prod: PROD, dev: 'https://dev.k8s.example.com' });
    const answers = await resolve(given);
    expect(Object.entries(answers.clusters)).toEqual([['dev', 'https://dev.k8s.example.com'], ['staging', IN_CLUSTER], ['prod', PROD]]);
    expect((await resolve({})).clusters).toEqual({ staging: IN_CLUSTER, prod: IN_CLUSTER });
  });

  it.each([
    ['prod', 'expected <env>=<value>'],
    ['prod=http://prod.example.com', 'is not an https:// URL'],
    ['prod=prod.example.com', 'is not an https:// URL'],
    ['prod=https://user:secret@prod.example.com', 'holds credentials'],
    ['prod=https://token@prod.example.com', 'holds credentials'],
    ['prod=https://prod.example.com/', 'ends in "/"'],
    ['prod=https://prod.example.com?x=1', 'query or fragment'],
    ['prod=https://[::1]:6443', 'IPv6'],
    ['prod=https://', 'is not https://<host>'],
    ['prod=https://-x.example.com', 'is not https://<host>'],
    ['prod=https://*.example.com', 'is not https://<host>'],
    ['prod=https://prod.example.com:70000', 'port outside'],
    ['prod=https://prod.example.com/a/../b', "'..' path segment"],
    ['=https://prod.example.com', 'names no environment'],
  ])('refuses %j', async (value, message) => {
    const text = await usage(() => flags('--cluster', value));
    expect(text).toMatch(/^--cluster: /);
    expect(text).toContain(message);
    expect(text).not.toContain('secret');
  });

  it('accepts a port and a proxy path (Rancher)', () => {
    expect(flags('--cluster', 'prod=https://rancher.example.com/k8s/clusters/c-m-1').clusters).toEqual({ prod: 'https://rancher.example.com/k8s/clusters/c-m-1' });
    expect(flags('--cluster', `prod=${PROD}`).clusters).toEqual({ prod: PROD });
  });

  it('refuses the same environment twice and an environment --envs does not list, naming both options', async () => {
    expect(await usage(() => flags('--cluster', `prod=${PROD}`, '--cluster', `prod=${PROD}`))).toContain('prod is given twice');
    expect(await usage(() => resolve(flags('--envs', 'staging,prod', '--cluster', `qa=${PROD}`)))).toBe(
      '--cluster qa=… names an environment that --envs does not list (staging, prod)',
    );
  });

  it('is documented in --help as a flag never asked, and in upgrade --help', () => {
    expect(helpText()).toMatch(/--cluster <env>=<url> +the API server an environment deploys to, repeatable.*never asked/);
    expect(upgradeHelpText()).toContain('clusters.prod=https://prod.k8s.example.com');
  });
});

describe('clusters: in a preset and in .create-k8s-app.yaml', () => {
  it('a preset gives a mapping; a flag changes one entry and keeps the others', async () => {
    const { answers: preset } = parseAnswers(`envs: [staging, prod]\nclusters:\n  staging: https://staging.example.com\n  prod: ${PROD}\n`, 'p.yaml');
    expect(preset.clusters).toEqual({ staging: 'https://staging.example.com', prod: PROD });
    const answers = await resolve(flags('--cluster', 'prod=https://other.example.com'), preset);
    expect(answers.clusters).toEqual({ staging: 'https://staging.example.com', prod: 'https://other.example.com' });
  });

  it('a preset with a bad entry names the file, the line and the key', async () => {
    expect(() => parseAnswers('clusters:\n  prod: http://x.example.com\n', 'p.yaml')).toThrow(/^p\.yaml:1: clusters: cluster "http:\/\/x.example.com" of prod is not an https/);
    expect(() => parseAnswers('clusters: [https://x.example.com]\n', 'p.yaml')).toThrow(/p\.yaml:1: clusters: expected <env>=<value>/);
    expect(() => parseAnswers('clusters:\n  prod: 3\n', 'p.yaml')).toThrow(/prod: expected a string, got 3/);
    const { answers } = parseAnswers('envs: [prod]\nclusters:\n  qa: https://x.example.com\n', 'p.yaml');
    expect(await usage(() => resolve({}, answers))).toContain('--cluster qa=… names an environment that --envs does not list (prod)');
  });

  it('round-trips through .create-k8s-app.yaml', async () => {
    const answers = await resolve(flags('--envs', 'dev,prod', '--cluster', `prod=${PROD}`));
    const text = serializeAnswers(answers, '0.1.0', 'fp');
    expect(parse(text).answers.clusters).toEqual({ dev: IN_CLUSTER, prod: PROD });
    const recorded = await parseRecorded(text, '.create-k8s-app.yaml');
    expect(recorded.answers.clusters).toEqual({ dev: IN_CLUSTER, prod: PROD });
    expect(await resolve({}, recorded.answers)).toEqual(answers);
    await expect(parseRecorded(text.replace(PROD, 'http://prod.example.com'), '.create-k8s-app.yaml')).rejects.toThrow(/^\.create-k8s-app\.yaml:\d+: clusters: cluster .* is not an https/);
  });
});

describe('upgrade --set clusters.<env>=<url>', () => {
  const temps: string[] = [];
  afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
  const project = async (given: Partial_) => {
    const dir = await mkdtemp(join(tmpdir(), 'ck8s-clusters-'));
    temps.push(dir);
    const root = join(dir, 'demo');
    const answers = await resolve(given);
    await writeNewProject(root, withMetadata(render(answers, builtin(), '0.1.0'), answers, '0.1.0'));
    return root;
  };
  const run = (root: string, set: string[]) => upgradeProject(root, { set, restore: [], check: false, dryRun: false, version: '0.1.0', helm: null });
  const elements = async (root: string) =>
    parse(await readFile(join(root, 'argocd/applicationset.yaml'), 'utf8')).spec.generators[0].list.elements.map((e: { env: string; cluster: string }) => [e.env, e.cluster]);
  const destinations = async (root: string) => parse(await readFile(join(root, 'argocd/appproject.yaml'), 'utf8')).spec.destinations;

  it('changes one cluster in the record, the ApplicationSet and the AppProject', async () => {
    const root = await project({});
    const result = await run(root, [`clusters.prod=${PROD}`]);
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(await elements(root)).toEqual([['staging', IN_CLUSTER], ['prod', PROD]]);
    expect(await destinations(root)).toEqual([{ server: IN_CLUSTER, namespace: 'demo-staging' }, { server: PROD, namespace: 'demo-prod' }]);
    expect(parse(await readFile(join(root, '.create-k8s-app.yaml'), 'utf8')).answers.clusters).toEqual({ staging: IN_CLUSTER, prod: PROD });
  });

  it('drops the clusters of environments --set envs removes, and refuses one for an unlisted environment', async () => {
    const root = await project({ envs: ['staging', 'prod', 'dr'], clusters: { dr: 'https://dr.example.com', prod: PROD } });
    const result = await run(root, ['envs=staging,prod']);
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(await elements(root)).toEqual([['staging', IN_CLUSTER], ['prod', PROD]]);
    expect(await usage(() => run(root, ['clusters.qa=https://qa.example.com']))).toContain('--cluster qa=… names an environment that --envs does not list');
    expect(await usage(() => run(root, ['clusters=https://qa.example.com']))).toContain('clusters.<env>');
    expect(await usage(() => run(root, ['clusters.prod=http://qa.example.com']))).toMatch(/^--set clusters\.prod: cluster .* is not an https/);
  });
});
