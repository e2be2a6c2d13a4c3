// Secrets are references, never values: for each source the right object (or none) is rendered,
// the workload reads the Secret through envFrom, the README says where the values come from, and
// no generated or rendered file holds a value — not even the token of a git remote, which the
// generator does read (for the default repository URL).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { Answers } from '../../src/types.js';
import { runCli } from '../support/cli.js';
import { helmBinaries, runHelm, type HelmBinary } from '../support/helm.js';
import { MONITORING_APIS, tempRoot, verifyProject } from '../support/project.js';

const root = tempRoot('ck8s-secrets-');
afterAll(() => root.cleanup());

const KEYS = ['DB_URL', 'API_TOKEN'];
// Values a user might have exported in the shell that runs the generator.
const VALUES = { DB_URL: 'postgres://app:hunter2-s3cr3t@db.internal:5432/app', API_TOKEN: 'tok_live_9f8e7d6c5b4a39281706' };
const CLONE_URL = 'https://ci-bot:ghp_Zx81TokenInTheRemote@github.com/example/app.git';
const SECRET_FRAGMENTS = ['hunter2', 's3cr3t', 'tok_live', '9f8e7d6c5b4a', 'ghp_', 'TokenInTheRemote'];

let helms: HelmBinary[];
beforeAll(async () => {
  helms = await helmBinaries();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
}

type Obj = Record<string, any>;

async function renderAll(dir: string, answers: Answers): Promise<{ text: string; docs: Obj[] }[]> {
  const chart = join(dir, 'chart');
  return Promise.all(answers.envs.map(async (env) => {
    const r = await runHelm(helms[0].bin, ['template', answers.name, chart, '-f', join(chart, `values-${env}.yaml`), '--namespace', `${answers.name}-${env}`,
      ...MONITORING_APIS.flatMap((api) => ['--api-versions', api])]);
    expect(r.code, r.stderr).toBe(0);
    return { text: r.stdout, docs: parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((d) => d && typeof d === 'object') };
  }));
}

const SOURCES = [
  { source: 'external', kind: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', readme: /External Secrets Operator/ },
  { source: 'sealed', kind: 'SealedSecret', apiVersion: 'bitnami.com/v1alpha1', readme: /kubeseal/ },
  { source: 'existing', kind: null, apiVersion: null, readme: /kubectl create secret generic \S+-secrets -n \S+ --from-literal=/ },
] as const;

describe.each(SOURCES)('--secrets $source', ({ source, kind, apiVersion, readme }) => {
  const cwd = join(root.dir, source);
  const dir = join(cwd, 'app');
  let answers: Answers;

  beforeAll(() => {
    mkdirSync(cwd);
    const r = runCli(['app', '--yes', '--no-lint', '--secrets', source, '--secret-keys', KEYS.join(',')], { cwd, env: VALUES });
    expect(r.code, r.stderr).toBe(0);
    answers = parse(readFileSync(join(dir, '.create-k8s-app.yaml'), 'utf8')).answers;
    expect(answers).toMatchObject({ secrets: source, 'secret-keys': KEYS });
  });

  it('no generated file and no rendered manifest holds a secret value', async () => {
    // Generated inside a git clone whose origin carries a token, as CI clones often do: the
    // origin URL is the one secret the generator reads, as the default of --repo-url.
    const repo = join(root.dir, `${source}-clone`);
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, '.git', 'config'), `[remote "origin"]\n\turl = ${CLONE_URL}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
    const r = runCli(['app', '--yes', '--no-lint', '--secrets', source, '--secret-keys', KEYS.join(',')], { cwd: repo, env: VALUES });
    expect(r.code, r.stderr).toBe(0);
    const generated = join(repo, 'app');
    const recorded: Answers = parse(readFileSync(join(generated, '.create-k8s-app.yaml'), 'utf8')).answers;
    expect(recorded['repo-path']).toBe('app'); // the clone was seen
    const texts = filesUnder(generated).map((f) => ({ where: relative(generated, f), text: readFileSync(f, 'utf8') }));
    for (const r of await renderAll(generated, recorded)) texts.push({ where: 'helm template', text: r.text });
    for (const { where, text } of texts) {
      for (const fragment of SECRET_FRAGMENTS) expect(text, `${where} contains ${fragment}`).not.toContain(fragment);
    }
  });

  it(`renders ${kind ?? 'no secret object'} and no plain Secret, with key names only`, async () => {
    for (const { docs } of await renderAll(dir, answers)) {
      // The chart never carries a Secret of its own: its data would be the values.
      expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
      const secretKinds = docs.filter((d) => d.kind === 'ExternalSecret' || d.kind === 'SealedSecret');
      if (kind === null) {
        expect(secretKinds).toEqual([]);
        continue;
      }
      expect(secretKinds.map((d) => [d.kind, d.apiVersion])).toEqual([[kind, apiVersion]]);
      const [obj] = secretKinds;
      if (kind === 'ExternalSecret') {
        expect(obj.spec.data.map((d: Obj) => d.secretKey)).toEqual(KEYS);
        for (const d of obj.spec.data) expect(Object.keys(d.remoteRef).sort()).toEqual(['key', 'property']);
        expect(obj.spec.target.name).toBeTruthy();
      } else {
        // Helm ranges over a map in key order.
        expect(Object.keys(obj.spec.encryptedData)).toEqual([...KEYS].sort());
        for (const v of Object.values(obj.spec.encryptedData)) expect(v).toBe('REPLACE_WITH_KUBESEAL_OUTPUT');
      }
    }
  });

  it('the workload reads the Secret through envFrom', async () => {
    const values = parse(readFileSync(join(dir, 'chart', 'values.yaml'), 'utf8'));
    for (const { docs } of await renderAll(dir, answers)) {
      const workload = docs.find((d) => d.kind === 'Deployment' || d.kind === 'Rollout');
      const refs = (workload?.spec?.template?.spec?.containers?.[0]?.envFrom ?? []).map((e: Obj) => e.secretRef?.name).filter(Boolean);
      expect(refs).toHaveLength(1);
      const secretObject = docs.find((d) => d.kind === 'ExternalSecret' || d.kind === 'SealedSecret');
      const created = kind === 'ExternalSecret' ? secretObject?.spec?.target?.name : kind === 'SealedSecret' ? secretObject?.metadata?.name : values.secrets.existingSecret;
      expect(refs[0]).toBe(created);
    }
  });

  it('the generated README documents where the values come from', () => {
    const text = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(text).toMatch(readme);
    for (const key of KEYS) expect(text).toContain(`\`${key}\``);
    expect(text).toMatch(/\| Secrets \| /);
  });

  it('passes every check of the output standard on Helm 3 and 4', async () => {
    const { failures } = await verifyProject(dir, answers);
    expect(failures).toEqual([]);
  });
});
