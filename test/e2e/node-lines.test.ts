// The built CLI on every Node line users run: the same commands on the Node running the tests and
// on Node 22, 24 and 26 (from the npm registry, see support/node-lines.ts) give the same exit
// codes, the same output and byte-identical project trees.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { NODE_LINES, nodeBinary } from '../support/node-lines.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-node-lines-');
afterAll(() => root.cleanup());

/** A handful of runs that reach every part of the CLI: help, errors, generation, upgrade. */
const RUNS: { args: string[]; in?: string }[] = [
  { args: ['--help'] },
  { args: ['--version'] },
  { args: ['bad', '--type', 'nope', '--yes'] },
  { args: ['web', '--yes', '--no-lint'] },
  { args: ['web', '--yes', '--no-lint'] }, // now not empty: exit 2 with a hint
  {
    args: ['worker', '--type', 'worker', '--strategy', 'canary', '--security', 'baseline', '--envs', 'dev,qa,prod',
      '--secret-keys', 'DB_URL,API_TOKEN', '--secrets', 'sealed', '--yes', '--no-lint'],
  },
  {
    args: ['grpc', '--type', 'grpc', '--scaling', 'keda', '--keda-trigger', 'prometheus', '--strategy', 'canary',
      '--traffic', 'gateway-api', '--host', '*.apps.example.com', '--no-monitoring', '--yes', '--no-lint'],
  },
  { args: ['upgrade', '--check'], in: 'web' },
];

interface Outcome {
  runs: { args: string[]; code: number; stdout: string; stderr: string }[];
  tree: Record<string, { mode: string; text: string }>;
}

function tree(dir: string): Outcome['tree'] {
  const out: Outcome['tree'] = {};
  for (const p of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(dir, p);
    const st = statSync(full);
    out[p] = { mode: (st.mode & 0o777).toString(8), text: st.isFile() ? readFileSync(full, 'latin1') : '(dir)' };
  }
  return out;
}

function play(label: string, node: string): Outcome {
  const cwd = join(root.dir, label);
  mkdirSync(cwd);
  const runs = RUNS.map(({ args, in: sub }) => {
    const r = runCli(args, { cwd: sub ? join(cwd, sub) : cwd, node });
    // Paths in messages are absolute; each Node works in its own folder.
    const norm = (s: string) => s.split(cwd).join('<cwd>');
    return { args, code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) };
  });
  return { runs, tree: tree(cwd) };
}

const outcomes = new Map<string, Outcome>();
const binaries = new Map<string, string>();

beforeAll(async () => {
  // Fetch every line first (in parallel, cached after the first run), so a registry failure
  // names its line before any CLI runs.
  const nodes = await Promise.all(NODE_LINES.map((line) => nodeBinary(line)));
  outcomes.set('this', play('this', process.execPath));
  NODE_LINES.forEach((line, i) => {
    binaries.set(line, nodes[i]!);
    outcomes.set(line, play(`node${line}`, nodes[i]!));
  });
}, 600_000);

describe('the CLI on the Node running the tests', () => {
  it('does what the runs expect, so the comparison below compares something', () => {
    const { runs, tree: t } = outcomes.get('this')!;
    expect(runs.map((r) => r.code)).toEqual([0, 0, 2, 0, 2, 0, 0, 0]);
    expect(runs[0]!.stdout).toContain('Usage:');
    expect(runs[2]!.stderr).toMatch(/^error: .*nope/);
    expect(runs[4]!.stderr).toContain('hint: ');
    expect(runs[7]!.stdout).toContain('up to date');
    for (const project of ['web', 'worker', 'grpc']) expect(t[join(project, 'chart', 'Chart.yaml')]?.text).toContain(`name: ${project}`);
    expect(Object.keys(t).filter((p) => p.endsWith('.yaml')).length).toBeGreaterThan(40);
  });
});

describe.each(NODE_LINES)('the CLI on Node %s', (line) => {
  it('is that line', () => {
    expect(execFileSync(binaries.get(line)!, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${line}\\.`));
  });

  it('gives the same exit codes, stdout and stderr', () => {
    expect(outcomes.get(line)!.runs).toEqual(outcomes.get('this')!.runs);
  });

  it('writes byte-identical trees, file modes included', () => {
    const [mine, theirs] = [outcomes.get('this')!.tree, outcomes.get(line)!.tree];
    expect(Object.keys(theirs)).toEqual(Object.keys(mine));
    for (const p of Object.keys(mine)) expect(theirs[p], p).toEqual(mine[p]);
  });
});
