import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmBinaries, helmVersion, runHelm, type HelmBinary, type HelmName } from './helm.js';

const CHART_YAML = `apiVersion: v2
name: tiny
description: A tiny chart proving the extracted Helm binaries work
type: application
version: 0.1.0
appVersion: "1.0.0"
icon: https://example.com/icon.png
`;
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
`;

let binaries: HelmBinary[];
let chartDir: string;

beforeAll(async () => {
  binaries = await helmBinaries();
  chartDir = await mkdtemp(path.join(tmpdir(), 'tiny-chart-'));
  await mkdir(path.join(chartDir, 'templates'));
  await writeFile(path.join(chartDir, 'Chart.yaml'), CHART_YAML);
  await writeFile(path.join(chartDir, 'values.yaml'), 'greeting: hello\n');
  await writeFile(path.join(chartDir, 'templates', 'configmap.yaml'), CONFIGMAP);
}, 120_000);

afterAll(async () => {
  if (chartDir) await rm(chartDir, { recursive: true, force: true });
});

describe('helmBinaries', () => {
  it('provides Helm 3 and Helm 4 unless overridden', () => {
    const names = binaries.map((b) => b.name);
    if (process.env.HELM_BIN) expect(names).toHaveLength(1);
    else expect(names).toEqual(['helm3', 'helm4']);
  });

  it('returns the cached binaries on a second call', async () => {
    expect(await helmBinaries()).toEqual(binaries);
  });

  it.for<HelmName>(['helm3', 'helm4'])('%s runs version, lint --strict and template', { timeout: 60_000 }, async (name, { skip }) => {
    const helm = binaries.find((b) => b.name === name);
    // Only HELM_BIN (one binary of the user's choosing) may leave a major out, and then the
    // test says so as skipped rather than passing with nothing checked.
    if (!helm && process.env.HELM_BIN) skip(`HELM_BIN is ${binaries[0]?.name}`);
    if (!helm) throw new Error(`no ${name} among the test binaries (${binaries.map((b) => b.name).join(', ') || 'none'})`);
    const version = await helmVersion(helm.bin);
    expect(version).toMatch(name === 'helm3' ? /^v3\./ : /^v4\./);

    const lint = await runHelm(helm.bin, ['lint', '--strict', chartDir]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);

    const tpl = await runHelm(helm.bin, ['template', 'demo', chartDir, '--set', 'greeting=hi there']);
    expect(tpl.code, tpl.stderr).toBe(0);
    expect(tpl.stdout).toContain('name: demo-config');
    expect(tpl.stdout).toContain('greeting: "hi there"');
  });

  it('reports a failing command without throwing', async () => {
    const res = await runHelm(binaries[0].bin, ['template', 'demo', path.join(chartDir, 'missing')]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).not.toBe('');
    const spawnFail = await runHelm(path.join(chartDir, 'no-such-helm'), ['version']);
    expect(spawnFail.code).toBe(127);
  });
});
