// A merge is checked before it is written. A clean line merge can still make a broken file: the
// user added a key where the template now adds the same key, and the file holds it twice, which
// Helm and kubectl take without a word (the last one wins). So every YAML file the upgrade would
// leave behind must parse with unique keys, the chart must render to YAML with unique keys, and,
// as after `create`, `helm lint --strict` must pass, alone and with each environment's values.
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { Failure, UsageError } from '../errors.js';
import { inspect, listProjectDir, makeProjectDirs, readProjectBytes } from '../project-fs.js';
import { pidAlive, randomToken, removeDirsIfEmpty, STATE_DIR } from '../write.js';
import { lintChart } from '../lint.js';
import { printable } from '../validate.js';
import { findDuplicateKey } from '../yaml-keys.js';

/** `chart/templates/` holds Go templates, not YAML; they are checked through what they render. */
const isPlainYaml = (path: string) => /\.ya?ml$/.test(path) && !path.startsWith('chart/templates/');

/** Problems in one YAML text, each "where: what" (one per document at most). */
export function yamlProblems(text: string, where: string): string[] {
  const lineCounter = new LineCounter();
  const problems: string[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false })) {
    const error = doc.errors[0];
    if (error) {
      problems.push(`${where}:${lineCounter.linePos(error.pos[0]).line}: does not parse as YAML (${printable(error.message.split('\n')[0], 120)})`);
      continue;
    }
    const duplicate = findDuplicateKey(doc, lineCounter);
    if (duplicate) problems.push(`${where}:${duplicate.line}: the key ${printable(duplicate.key)} appears twice in one mapping`);
  }
  return problems;
}

/**
 * Checks the files the generator owns, as the upgrade would leave them; a line number is one of
 * the merged text (which --dry-run shows as a diff), so it says so.
 */
export function staticProblems(files: ReadonlyMap<string, string | null>): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (text !== null && isPlainYaml(path)) problems.push(...yamlProblems(text, path).map((p) => p.replace(/^([^:]+:\d+):/, '$1 (as merged):')));
  }
  return problems;
}

export interface HelmCheck {
  helm: string;
  /** the project root on disk: the user's own files under chart/ are rendered too */
  root: string;
  /** generated paths and what they would hold (null: absent) */
  files: ReadonlyMap<string, string | null>;
  release: string;
  envs: readonly string[];
}

function run(bin: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(bin, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (typeof code === 'string') fail(new Failure(`cannot run helm (${printable(bin, Infinity)}): ${code}`, 'set HELM_BIN to a helm binary, or pass --no-lint'));
      else done({ code: error ? Number(code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The most the user's own files under chart/ may hold together to be checked with the merge. */
export const MAX_CHART_BYTES = 64 * 1024 * 1024;

const VERIFY_DIR = /^verify-(\d+)-[0-9a-f]{8}$/;

/** Removes what checks of runs that died (a SIGKILL) left in the state folder. */
function removeStale(root: string): void {
  for (const name of listProjectDir(root, STATE_DIR) ?? []) {
    const pid = VERIFY_DIR.exec(name)?.[1];
    if (pid === undefined || pidAlive(Number(pid))) continue;
    const path = join(root, STATE_DIR, name);
    // A link planted there is removed as a link, never followed.
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The chart as the upgrade would leave it, copied into a private folder of the project's state
 * folder (.create-k8s-app/run/, which git ignores): the project itself is not written before the
 * checks pass, and nothing is written outside it. The copy holds the generated files with their
 * new content and the user's own regular files under chart/. A link or a special file among
 * those is refused before helm runs: helm follows links out of a chart (a template linked to
 * /etc/passwd would be rendered, and its text could reach a CI log), and a FIFO would hang it.
 */
export function stageChart(root: string, files: ReadonlyMap<string, string | null>): { dir: string; cleanup: () => void } {
  const made = makeProjectDirs(root, STATE_DIR);
  removeStale(root);
  const name = `verify-${process.pid}-${randomToken()}`;
  const dir = join(root, STATE_DIR, name);
  mkdirSync(dir, { mode: 0o700 });
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    // The state folder and .create-k8s-app/ too, when this run made them and they are empty
    // (another run's lock or journal keeps them).
    removeDirsIfEmpty(root, made, true);
  };
  try {
    // Ignored by git even while another run removes the state folder's own .gitignore.
    writeFileSync(join(dir, '.gitignore'), '*\n', { flag: 'wx' });
    const put = (path: string, content: string | Buffer) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content, { flag: 'wx' });
    };
    let total = 0;
    const walk = (rel: string) => {
      for (const entry of listProjectDir(root, rel) ?? []) {
        const path = posix.join(rel, entry);
        if (files.has(path)) continue;
        const kind = inspect(root, path);
        if (kind === 'dir') walk(path);
        else if (kind === 'file') {
          const read = readProjectBytes(root, path);
          if (read === null) continue;
          total += read.bytes.length;
          if (total > MAX_CHART_BYTES) throw new UsageError(`chart/ holds more than ${MAX_CHART_BYTES} bytes of files; it is not a chart to check`, 'remove what does not belong to the chart, or pass --no-lint');
          put(path, read.bytes);
        }
      }
    };
    walk('chart');
    for (const [path, text] of files) if (text !== null && path.startsWith('chart/')) put(path, text);
  } catch (error) {
    cleanup();
    throw error;
  }
  return { dir, cleanup };
}

// Monitoring objects render only where the cluster has their API; render them too, so a key given
// twice in one of them is found as well.
const MONITORING_APIS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].flatMap((kind) => ['--api-versions', `monitoring.coreos.com/v1/${kind}`]);

/** Renders and lints the chart with each environment's values; returns the problems found. */
export async function helmProblems(check: HelmCheck): Promise<string[]> {
  const { dir, cleanup } = stageChart(check.root, check.files);
  try {
    const chart = join(dir, 'chart');
    const problems: string[] = [];
    for (const env of check.envs) {
      const valuesFile = `values-${env}.yaml`;
      const rendered = await run(check.helm, ['template', check.release, chart, '-f', join(chart, valuesFile), ...MONITORING_APIS], dir);
      if (rendered.code !== 0) {
        // Helm's message spans lines (the schema errors come below a heading): one line of them.
        const said = rendered.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^WARNING:/.test(l)).join(' ');
        problems.push(`chart (with ${valuesFile}): does not render: ${printable(said.replace(/^Error: /, '') || `helm template exited with ${rendered.code}`, 300)}`);
        continue;
      }
      // Each document names its template (`# Source: <chart>/templates/x.yaml`): report that file.
      for (const part of rendered.stdout.split(/^---\s*$/m)) {
        const source = /^# Source: [^/\n]+\/(.+)$/m.exec(part)?.[1];
        if (!source) continue;
        for (const problem of yamlProblems(part, `chart/${source}`)) {
          // The line is one of the rendered output, not of the template: leave it out.
          problems.push(`${problem.replace(/^([^:]+):\d+:/, '$1:')} (rendered with ${valuesFile})`);
        }
      }
    }
    if (problems.length === 0) {
      const lint = await lintChart(check.helm, chart, [...check.envs]);
      if (!lint.ok) {
        const found = lint.output.split('\n').filter((l) => /^\[(ERROR|WARNING)\]/.test(l.trim()));
        problems.push(...(found.length > 0 ? found : ['helm lint --strict failed']).map((l) => `chart: helm lint --strict: ${printable(l.trim(), 200)}`));
      }
    }
    return [...new Set(problems)];
  } finally {
    cleanup();
  }
}
