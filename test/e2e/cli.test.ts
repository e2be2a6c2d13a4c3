// The command-line contract, through the built CLI: flags, presets, precedence, the no-terminal
// rules, rejected combinations and exit codes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FLAGS, parseArgv, type CreateArgs } from '../../src/args.js';
import { OPTIONS, RULES, flagOf } from '../../src/options.js';
import { helmBinaries } from '../support/helm.js';
import { CLI, runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-cli-');
afterAll(() => root.cleanup());
let cwd: string;
beforeEach(() => {
  cwd = root.fresh();
});

const recorded = (dir: string) => parse(readFileSync(join(cwd, dir, '.create-k8s-app.yaml'), 'utf8'));

function expectUsageError(r: { code: number; stderr: string }, ...words: string[]) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  for (const word of words) expect(r.stderr).toContain(word);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('help, version, presets', () => {
  it('--help lists every option of the option table', () => {
    const r = runCli(['--help'], { cwd });
    expect(r.code).toBe(0);
    for (const option of OPTIONS) expect(r.stdout).toContain(`--${option.kind === 'bool' ? '[no-]' : ''}${flagOf(option)}`);
    for (const flag of ['--preset', '--yes', '--force', '--dry-run']) expect(r.stdout).toContain(flag);
  });

  it('--help of create and of upgrade names every flag the command takes', () => {
    const documented = (help: string, name: string) =>
      help.includes(`--${name}`) || help.includes(`--[no-]${name.replace(/^no-/, '')}`);
    const create = runCli(['--help'], { cwd }).stdout;
    for (const name of Object.keys(FLAGS.create)) expect(documented(create, name), name).toBe(true);
    const upgrade = runCli(['upgrade', '--help'], { cwd }).stdout;
    for (const name of Object.keys(FLAGS.upgrade)) if (name !== 'help' && name !== 'version') expect(documented(upgrade, name), name).toBe(true);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(runCli(['--version'], { cwd }).stdout.trim()).toBe(pkg.version);
    expect(runCli(['-v'], { cwd }).stdout.trim()).toBe(pkg.version);
  });

  it('presets lists each built-in preset on one line', () => {
    const r = runCli(['presets'], { cwd });
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['api', 'cron-job', 'grpc-service', 'minimal', 'queue-worker', 'web-app']);
  });
});

describe('generating', () => {
  it('--yes fills every default and records them', () => {
    const r = runCli(['demo', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Next steps');
    const { answers, version } = recorded('demo');
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(answers).toMatchObject({
      name: 'demo', type: 'web', envs: ['staging', 'prod'], scaling: 'hpa', strategy: 'rolling', security: 'restricted',
      image: 'registry.example.com/demo:0.1.0', port: 8080, host: 'demo.example.com', monitoring: true,
    });
    for (const f of ['chart/Chart.yaml', 'chart/values-staging.yaml', 'chart/values-prod.yaml', 'argocd/applicationset.yaml', 'README.md', '.create-k8s-app/base.json'])
      expect(existsSync(join(cwd, 'demo', f)), f).toBe(true);
  });

  it('the directory defaults to --name and the name to the directory', () => {
    expect(runCli(['--name', 'from-flag', '--yes'], { cwd }).code).toBe(0);
    expect(recorded('from-flag').answers.name).toBe('from-flag');
    expect(runCli(['nested/from-dir', '--yes'], { cwd }).code).toBe(0);
    expect(recorded('nested/from-dir').answers.name).toBe('from-dir');
  });

  it('precedence: flags over preset over defaults', () => {
    const r = runCli(['p', '--preset', 'api', '--strategy', 'canary', '--envs', 'dev,prod'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const { answers } = recorded('p');
    expect(answers).toMatchObject({ type: 'api', scaling: 'hpa', strategy: 'canary', traffic: 'nginx', envs: ['dev', 'prod'] });
  });

  it('a preset file given by path works like a built-in one', () => {
    writeFileSync(join(cwd, 'answers.yaml'), 'type: worker\nkeda-trigger: redis\nenvs: [dev, prod]\n');
    expect(runCli(['w', '--preset', 'answers.yaml'], { cwd }).code).toBe(0);
    expect(recorded('w').answers).toMatchObject({ type: 'worker', scaling: 'keda', 'keda-trigger': 'redis', envs: ['dev', 'prod'], host: null });
  });

  it('--no-monitoring turns monitoring off', () => {
    expect(runCli(['m', '--yes', '--no-monitoring'], { cwd }).code).toBe(0);
    expect(existsSync(join(cwd, 'm/chart/templates/servicemonitor.yaml'))).toBe(false);
    expect(recorded('m').answers.monitoring).toBe(false);
  });

  it('--dry-run lists the files and writes nothing', () => {
    const r = runCli(['dry', '--yes', '--dry-run'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chart/Chart.yaml');
    expect(existsSync(join(cwd, 'dry'))).toBe(false);
  });

  it('runs helm lint when HELM_BIN is set and reports it', async () => {
    const [helm] = await helmBinaries();
    const r = runCli(['linted', '--yes'], { cwd, env: { HELM_BIN: helm.bin } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('helm lint --strict: chart passes');
  });
});

describe('never hangs without a terminal', () => {
  it('exits 2 naming the missing answers and suggesting --yes, and writes nothing', () => {
    const r = runCli(['demo'], { cwd });
    expectUsageError(r, '--type', '--envs', '--yes');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('exits 2 when neither a directory nor a name is given, even with --yes', () => {
    expectUsageError(runCli(['--yes'], { cwd }), '--name');
  });
});

describe('bad input: one line, exit 2, nothing written', () => {
  it.each([
    [['demo', '--bogus'], 'unknown option --bogus'],
    [['demo', '--type', 'lambda', '--yes'], '--type'],
    [['demo', '--port', '70000', '--yes'], 'port'],
    [['demo', '--port', 'abc', '--yes'], '--port'],
    [['demo', '--image', 'nginx:latest', '--yes'], 'latest'],
    [['demo', '--image', 'nginx', '--yes'], 'no tag'],
    [['demo', '--host', 'https://x.example.com', '--yes'], 'scheme'],
    [['demo', '--envs', 'prod,prod', '--yes'], 'twice'],
    [['demo', '--envs', 'Prod', '--yes'], 'DNS-1123'],
    [['Demo_App', '--yes'], 'directory name'],
    [['demo', '--name', 'a'.repeat(54), '--yes'], 'at most 53'],
    [['demo', '--repo-url', 'ftp://x/y', '--yes'], 'repo-url'],
    [['demo', '--preset', 'nope'], 'preset "nope" not found'],
    [['demo', '--name'], 'needs a value'],
  ])('%j', (args, message) => {
    const r = runCli(args as string[], { cwd });
    expectUsageError(r, message as string);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a malformed preset names the file and line', () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'type: web\nscaling: [unclosed\n');
    expectUsageError(runCli(['demo', '--preset', 'bad.yaml'], { cwd }), 'bad.yaml:');
  });

  it('an unknown preset key names the file, line and key', () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'type: web\nreplicas: 3\n');
    expectUsageError(runCli(['demo', '--preset', 'bad.yaml'], { cwd }), 'bad.yaml:2: replicas: unknown key');
  });

  it('a bad preset value names the file, line and key', () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'type: web\n\nport: "http"\n');
    expectUsageError(runCli(['demo', '--preset', 'bad.yaml'], { cwd }), 'bad.yaml:3: port');
  });

  it("a preset map with a list for a key gets the tool's one line, not the YAML library's warning too", () => {
    writeFileSync(join(cwd, 'bad.yaml'), 'type: web\nclusters:\n  ? [a, b]\n  : https://kube.example.com\n');
    const r = runCli(['demo', '--preset', 'bad.yaml'], { cwd });
    expectUsageError(r, '[ a, b ]');
    expect(r.stderr).not.toMatch(/stringified|warning/i);
  });

  it('refuses a non-empty directory without --force; --force writes only generated paths', () => {
    mkdirSync(join(cwd, 'demo'));
    writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
    expectUsageError(runCli(['demo', '--yes'], { cwd }), 'not empty', '--force');
    expect(readdirSync(join(cwd, 'demo'))).toEqual(['notes.txt']);
    expect(runCli(['demo', '--yes', '--force'], { cwd }).code).toBe(0);
    expect(readFileSync(join(cwd, 'demo', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'demo', 'chart', 'Chart.yaml'))).toBe(true);
  });

  it('points at upgrade when the directory holds a generated project', () => {
    expect(runCli(['demo', '--yes'], { cwd }).code).toBe(0);
    expectUsageError(runCli(['demo', '--yes'], { cwd }), 'upgrade');
  });
});

describe('each command takes its own flags', () => {
  it.each([
    [['demo', '--check'], '--check belongs to the upgrade command, not create', 'upgrade --help'],
    [['demo', '--set', 'type=api', '--yes'], '--set belongs to the upgrade command, not create', 'upgrade --help'],
    [['demo', '--restore=README.md', '--yes'], '--restore belongs to the upgrade command, not create', 'upgrade --help'],
    [['upgrade', '--strategy', 'canary'], '--strategy belongs to the create command, not upgrade', '--set strategy=<value>'],
    [['upgrade', '--no-monitoring'], '--no-monitoring belongs to the create command, not upgrade', '--set monitoring=<value>'],
    [['upgrade', '--preset', 'api'], '--preset belongs to the create command, not upgrade', '--set key=value'],
    [['upgrade', '--force'], '--force belongs to the create command, not upgrade', 'create-k8s-app --help'],
    [['presets', '-y'], '-y belongs to the create and upgrade commands, not presets', '--help'],
    [['upgrade', '--bogus'], 'unknown option --bogus', 'upgrade --help'],
    [['presets', 'extra'], 'presets takes no arguments, got extra', '--help'],
    [['demo', 'other', '--yes'], 'expected one directory, got 2: demo other', ''],
    [['demo', '--name', '--yes'], "option --name needs a value; to give one that starts with '-', write --name=<value>", '--help'],
    [['demo', '--yes=no'], 'option --yes does not take a value', '--help'],
    // A flag as typed is shown escaped: a terminal control sequence or a newline cannot forge output.
    [['demo', '--x\u001b[2Jy'], 'unknown option --x\\u001b[2Jy', '--help'],
    [['upgrade', '--na\nme=1'], 'unknown option --na\\nme', 'upgrade --help'],
    // The first option used wrongly is the one named.
    [['demo', '--yes=no', '--name'], 'option --yes does not take a value', '--help'],
  ])('%j', (args, message, hint) => {
    const r = runCli(args, { cwd });
    expectUsageError(r);
    const [error, hintLine] = r.stderr.trimEnd().split('\n');
    expect(error).toBe(`error: ${message}`);
    if (hint) expect(hintLine).toContain(hint);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('rejected combinations (one test per row of the README table)', () => {
  const rows: [string[], string, string][] = [
    [['--type', 'cron', '--scaling', 'hpa'], '--scaling', '--type cron'],
    [['--type', 'cron', '--scaling', 'keda'], '--scaling', '--type cron'],
    [['--type', 'cron', '--strategy', 'canary'], '--strategy', '--type cron'],
    [['--type', 'cron', '--strategy', 'blue-green'], '--strategy', '--type cron'],
    [['--type', 'worker', '--strategy', 'blue-green'], '--strategy', '--type worker'],
    [['--type', 'worker', '--strategy', 'canary', '--traffic', 'nginx'], '--traffic', '--type worker'],
    [['--strategy', 'rolling', '--traffic', 'istio'], '--traffic', '--strategy'],
    [['--scaling', 'hpa', '--keda-trigger', 'kafka'], '--keda-trigger', '--scaling'],
    [['--secrets', 'sealed'], '--secrets', '--secret-keys'],
    [['--envs', 'staging,prod', '--cluster', 'qa=https://qa.k8s.example.com'], '--cluster', '--envs'],
  ];
  it('covers every rule: each one is the error the CLI gives for some row', () => {
    const errors = rows.map(([flags]) => runCli(['demo', ...flags, '--yes'], { cwd }).stderr.split('\n')[0]);
    const answersOf = (flags: string[]) => (parseArgv('create', flags) as CreateArgs).answers;
    const uncovered = RULES.filter((rule) => !rows.some(([flags], i) => errors[i] === `error: ${rule.message(answersOf(flags))}`));
    expect(uncovered.map((rule) => rule.keys.join(' with '))).toEqual([]);
  });
  it.each(rows)('%j', (flags, first, second) => {
    const r = runCli(['demo', ...flags, '--yes'], { cwd });
    expectUsageError(r, first, second);
    expect(readdirSync(cwd)).toEqual([]);
  });
  it('accepts a worker canary with traffic none, and grpc behind every router', () => {
    expect(runCli(['w', '--type', 'worker', '--strategy', 'canary', '--traffic', 'none', '--yes'], { cwd }).code).toBe(0);
    for (const traffic of ['nginx', 'istio', 'alb', 'gateway-api'])
      expect(runCli([`g-${traffic}`, '--type', 'grpc', '--strategy', 'canary', '--traffic', traffic, '--yes'], { cwd }).code).toBe(0);
  });
});

describe('output', () => {
  // A pipe in non-blocking mode (a parent can hand one over) whose reader starts only after a
  // second: writes return EAGAIN once the 64 KiB buffer is full, and the rest goes through a
  // stream. The CLI must neither drop it nor exit before it has drained, and it cannot drain
  // before the reader starts, so exiting early would lose the rest every time.
  // python3 makes the pipe, as Node has no way to.
  it('arrives whole through a non-blocking pipe whose reader is slow', () => {
    const apps = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const app of apps) expect(runCli([app, '--type', 'web', '--strategy', 'rolling', '--yes', '--no-lint'], { cwd }).code).toBe(0);
    const args = ['upgrade', '--dry-run', '--set', 'strategy=canary', '--set', 'scaling=keda', '--set', 'security=restricted', ...apps];
    const direct = runCli(args, { cwd });
    // A clean upgrade would change files: --dry-run exits 1, as --check does.
    expect(direct.code, direct.stderr).toBe(1);
    expect(direct.stdout.length).toBeGreaterThan(100_000);

    const slowReader = [
      'import fcntl, os, subprocess, sys',
      'r, w = os.pipe()',
      'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
      'child = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'try: child.wait(timeout=1)',
      'except subprocess.TimeoutExpired: pass',
      "with os.fdopen(r, 'rb') as pipe: sys.stdout.buffer.write(pipe.read())",
      'sys.exit(child.wait())',
    ].join('\n');
    const r = spawnSync('python3', ['-c', slowReader, process.execPath, CLI, ...args], {
      cwd,
      env: { ...process.env, CI: 'true' },
      encoding: 'utf8',
      maxBuffer: 10_000_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe(direct.stdout);
  });
});

describe('the opening and the closing', () => {
  it('the first line names the tool and its version, the same with --yes in CI', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    const a = runCli(['intro', '--yes', '--no-lint'], { cwd });
    expect(a.stdout.split('\n')[0]).toBe(`create-k8s-app ${pkg.version}`);
    const b = runCli(['intro2', '--yes', '--no-lint', '--dry-run'], { cwd });
    expect(b.stdout.split('\n')[0]).toBe(`create-k8s-app ${pkg.version}`);
    // A run refused for its input prints the error only.
    const refused = runCli(['intro', '--yes', '--no-lint'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
  });

  it('given an image, a repository and a host, the next steps say nothing of placeholders or replacing', () => {
    const r = runCli(
      ['given', '--yes', '--no-lint', '--image', 'ghcr.io/acme/my-api:1.4.2', '--repo-url', 'https://github.com/acme/my-api.git', '--host', 'api.acme.io'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const steps = r.stdout.slice(r.stdout.indexOf('Next steps'));
    expect(steps).not.toMatch(/placeholder|replace/i);
    expect(steps).toContain('given/README.md');
    expect(steps).toContain('Push this directory to https://github.com/acme/my-api.git');
    expect(steps.trimEnd().split('\n').at(-1)?.trim()).toBe('kubectl apply -n argocd -f argocd/appproject.yaml -f argocd/applicationset.yaml');
  });

  it('with the defaults, each placeholder that remains has its step', () => {
    const r = runCli(['dflt', '--yes', '--no-lint'], { cwd });
    const steps = r.stdout.slice(r.stdout.indexOf('Next steps'));
    expect(steps).toContain('registry.example.com/dflt:0.1.0 is a placeholder');
    expect(steps).toContain('https://git.example.com/platform/dflt.git is a placeholder');
    expect(steps).toContain('staging.dflt.example.com, dflt.example.com are placeholders');
  });

  it('names the secret to create in each namespace, with the command', () => {
    const r = runCli(['sec', '--yes', '--no-lint', '--secret-keys', 'API_KEY,DB_URL', '--secrets', 'existing', '--envs', 'dev,prod'], { cwd });
    for (const ns of ['sec-dev', 'sec-prod']) {
      expect(r.stdout).toContain(`kubectl create secret generic sec-secrets -n ${ns} --from-literal=API_KEY=… --from-literal=DB_URL=…`);
    }
    const sealed = runCli(['sld', '--yes', '--no-lint', '--secret-keys', 'API_KEY', '--secrets', 'sealed'], { cwd });
    expect(sealed.stdout).toContain('kubectl create secret generic sld -n sld-prod --dry-run=client -o yaml --from-literal=API_KEY=… | kubeseal');
    expect(sealed.stdout).toContain('Sealed Secrets controller');
    const external = runCli(['ext', '--yes', '--no-lint', '--secret-keys', 'API_KEY'], { cwd });
    expect(external.stdout).toContain('ext/staging');
    expect(external.stdout).toContain('External Secrets Operator');
  });

  it('lists the controllers the generated objects need, and no others', () => {
    const plain = runCli(['plain', '--yes', '--no-lint', '--scaling', 'none', '--no-monitoring'], { cwd }).stdout;
    expect(plain).toContain('Argo CD');
    expect(plain).toContain('ingress-nginx');
    expect(plain).toContain('cert-manager');
    for (const absent of ['Argo Rollouts', 'KEDA', 'Prometheus Operator', 'External Secrets', 'Sealed Secrets', 'Istio']) expect(plain).not.toContain(absent);
    const rich = runCli(['rich', '--yes', '--no-lint', '--strategy', 'canary', '--traffic', 'alb', '--scaling', 'keda'], { cwd }).stdout;
    for (const present of ['Argo Rollouts', 'KEDA', 'Prometheus Operator', 'AWS Load Balancer Controller']) expect(rich).toContain(present);
    expect(rich).not.toContain('ingress-nginx');
    const worker = runCli(['wrk', '--yes', '--no-lint', '--type', 'worker'], { cwd }).stdout;
    expect(worker).not.toContain('ingress');
    expect(worker).not.toMatch(/hosts?: /);
  });

  it('says in one line that lint was skipped when helm is absent', () => {
    const r = runCli(['nohelm', '--yes'], { cwd, env: { PATH: '/nonexistent' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((line) => /helm/i.test(line) && /skipped/.test(line))).toHaveLength(1);
    expect(runCli(['quiet', '--yes', '--no-lint'], { cwd, env: { PATH: '/nonexistent' } }).stdout).not.toContain('skipped');
  });

  it('refuses a HELM_BIN that is not there, before writing anything', () => {
    const r = runCli(['badhelm', '--yes'], { cwd, env: { HELM_BIN: join(cwd, 'no-such-helm') } });
    expectUsageError(r, 'HELM_BIN', 'no-such-helm');
    expect(r.stderr).not.toContain('please report');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a close value', () => {
  it('gets a "did you mean"', () => {
    const r = runCli(['dym', '--yes', '--strategy', 'canry'], { cwd });
    expectUsageError(r, '--strategy', 'canry');
    expect(r.stderr).toContain('hint: did you mean canary?');
    expect(runCli(['dym', '--yes', '--type', 'wrker'], { cwd }).stderr).toContain('did you mean worker?');
    expect(runCli(['dym', '--yes', '--type', 'database'], { cwd }).stderr).not.toContain('did you mean');
  });
});

describe('cron schedule and time zone', () => {
  it('reach the CronJob values and the record', () => {
    const r = runCli(['job', '--yes', '--no-lint', '--type', 'cron', '--schedule', '30 2 * * MON-FRI', '--timezone', 'Europe/Berlin'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const values = parse(readFileSync(join(cwd, 'job', 'chart', 'values.yaml'), 'utf8'));
    expect(values.job).toMatchObject({ schedule: '30 2 * * MON-FRI', timeZone: 'Europe/Berlin' });
    expect(recorded('job').answers).toMatchObject({ schedule: '30 2 * * MON-FRI', timezone: 'Europe/Berlin' });
  });

  it('pass helm lint with a macro schedule and a time zone', async () => {
    const [helm] = await helmBinaries();
    const r = runCli(['lintjob', '--yes', '--type', 'cron', '--schedule', '@daily', '--timezone', 'Asia/Kolkata'], { cwd, env: { HELM_BIN: helm.bin } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('helm lint --strict: chart passes');
  });

  it('a project recorded without them upgrades with the defaults', () => {
    expect(runCli(['old', '--yes', '--no-lint', '--type', 'cron'], { cwd }).code).toBe(0);
    const file = join(cwd, 'old', '.create-k8s-app.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^ {2}(schedule|timezone):.*\n/gm, ''));
    expect(readFileSync(file, 'utf8')).not.toMatch(/schedule|timezone/);
    const r = runCli(['upgrade', '--check', 'old'], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('the time zone reaches the KEDA cron trigger', () => {
    const r = runCli(['kc', '--yes', '--no-lint', '--type', 'worker', '--scaling', 'keda', '--keda-trigger', 'cron', '--timezone', 'America/New_York'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(parse(readFileSync(join(cwd, 'kc', 'chart', 'values.yaml'), 'utf8')).keda.cron.timezone).toBe('America/New_York');
  });

  it.each(['@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '*/5 * * * *', '0 0 1,15 * 0', '0 9-17/2 * JAN-MAR sun'])(
    'accepts the schedule %s',
    (schedule) => {
      expect(runCli(['ok', '--yes', '--dry-run', '--type', 'cron', '--schedule', schedule], { cwd }).code).toBe(0);
    },
  );

  it.each(['* * * *', '61 * * * *', '* 24 * * *', '* * 0 * *', '@often', 'TZ=UTC 0 * * * *', '5-1 * * * *', '*/0 * * * *'])('refuses the schedule %s', (schedule) => {
    expectUsageError(runCli(['bad', '--yes', '--type', 'cron', '--schedule', schedule], { cwd }), '--schedule');
  });

  it.each(['Mars/Olympus', '+01:00', 'Europe/Berlin; rm'])('refuses the time zone %j', (zone) => {
    expectUsageError(runCli(['bad', '--yes', '--type', 'cron', '--timezone', zone], { cwd }), '--timezone');
  });
});
