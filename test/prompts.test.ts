// The interactive flow, run in-process through main() with the real @inquirer prompts on the
// test screen of @inquirer/testing: which questions are asked, in which order, with which
// defaults and choices; a bad value asked again; Ctrl-C; and what the answers make on disk.
// @inquirer/testing/vitest must be imported first: it hands the prompts its screen.
// The questions are read by their styling, which the prompts leave out where the environment
// has no colours (CI, no TERM): colours on, before anything loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});
import { screen } from '@inquirer/testing/vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/cli.js';
import { tempRoot } from './support/project.js';

const root = tempRoot('ck8s-prompts-');
afterAll(() => root.cleanup());
const freshDir = () => root.fresh();

/** What one question showed: its message, the default it offered, and for a list its choices. */
interface Question {
  message: string;
  default?: string;
  choices?: string[];
}

/**
 * A reply: text to type, `{ pick }` to move the cursor to a choice, `{ keys }` to press before
 * Enter, or nothing (enter: the default).
 */
type Reply = string | { pick: string } | { keys: string[] };

/** Reads the question on the screen: the message is bold, an input's default dim, a list's cursor `❯`. */
function readQuestion(): Question {
  const raw = screen.getScreen({ raw: true });
  const message = /\?(?:\u001b\[\d+m)* \u001b\[1m(.*?)\u001b\[22m/.exec(raw)?.[1];
  if (message === undefined) throw new Error(`not a question on the screen:\n${screen.getScreen()}`);
  const items = screen.getScreen().split('\n').slice(1).filter((line) => /^[❯ ] \S/.test(line));
  if (items.length === 0) return { message, default: /\u001b\[2m\((.*?)\)\u001b\[22m/.exec(raw)?.[1] };
  return { message, default: items.find((line) => line.startsWith('❯'))?.slice(2), choices: items.map((line) => line.slice(2)) };
}

/** An interactive Io whose output, and what each prompt leaves behind (without colours), lands in `lines`. */
function terminalIo(cwd: string) {
  const lines: string[] = [];
  const io = {
    cwd,
    out: (line: string) => lines.push(line),
    err: (line: string) => lines.push(line),
    interactive: true,
    makeAsk: async () => (await import('../src/prompts.js')).makeAsk((line) => lines.push(plain(line))),
  };
  return { lines, io };
}

/**
 * Runs the CLI with a terminal, answering each question from `replies` by its message (the
 * default when absent) until the run ends; a reply that is an array is typed in turn, one per
 * time the question is asked. Returns every question as shown, and every screen seen after a reply.
 */
async function converse(argv: string[], cwd: string, replies: Record<string, Reply | Reply[]> = {}) {
  const { lines, io } = terminalIo(cwd);
  let code: number | undefined;
  const run = main(argv, io).then((c) => (code = c));
  const asked: Question[] = [];
  const screens: string[] = [];
  const uses = new Map<string, number>();
  const ended = () => run.then(() => 'ended' as const);
  if ((await Promise.race([screen.next().then(() => 'shown' as const), ended()])) === 'shown') {
    for (;;) {
      const question = readQuestion();
      asked.push(question);
      const scripted = replies[question.message];
      const use = uses.get(question.message) ?? 0;
      uses.set(question.message, use + 1);
      const reply = Array.isArray(scripted) ? scripted[use] : scripted;
      if (typeof reply === 'string') {
        // Clear what a repeated question kept of the refused value, then type the new one.
        screen.keypress({ name: 'u', ctrl: true });
        screen.type(reply);
      } else if (reply && 'keys' in reply) {
        for (const key of reply.keys) screen.keypress(key);
      } else if (reply) {
        const steps = question.choices!.indexOf(reply.pick) - question.choices!.indexOf(question.default!);
        if (question.choices!.indexOf(reply.pick) < 0) throw new Error(`${reply.pick} is not offered for ${question.message}`);
        for (let i = 0; i < Math.abs(steps); i++) screen.keypress(steps > 0 ? 'down' : 'up');
      }
      screen.keypress('enter');
      if ((await Promise.race([screen.next().then(() => 'shown' as const), ended()])) === 'ended') break;
      screens.push(screen.getScreen());
    }
  }
  await run;
  return { code: code!, asked, screens, output: lines.join('\n') };
}

/** Ctrl-C at the question with this message. */
async function interruptAt(argv: string[], cwd: string, message: string) {
  const { lines, io } = terminalIo(cwd);
  const run = main(argv, io);
  await screen.next();
  while (readQuestion().message !== message) {
    screen.keypress('enter');
    await screen.next();
  }
  screen.keypress({ name: 'c', ctrl: true });
  return { code: await run, output: lines.join('\n') };
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const recorded = (dir: string) => parse(readFileSync(join(dir, '.create-k8s-app.yaml'), 'utf8')).answers;
const messages = (asked: Question[]) => asked.map((q) => q.message);
const byMessage = (asked: Question[], message: string) => asked.find((q) => q.message === message);

const NAME = 'App name';
const TYPE = 'App type';
const ENVS = 'Environments (comma-separated)';
const SCALING = 'Scaling';
const TRIGGER = 'KEDA trigger';
const STRATEGY = 'Deploy strategy';
const TRAFFIC = 'Canary traffic routing';
const WEBSOCKET = 'Does the app serve WebSocket connections?';
const SECURITY = 'Security level';
const KEYS = 'Secret keys the app reads (comma-separated, empty for none)';
const SOURCE = 'Where secret values come from';
const IMAGE = 'Container image';
const PORT = 'Container port';
const HOST = 'Ingress host';
const REPO = 'Git repository URL';
const SCHEDULE = 'Schedule (cron expression or @hourly, @daily, ...)';
const METRICS_PORT = 'Metrics port';
const WRITE = (dir: string) => `Write the project to ${dir}/?`;
const INTRO = 'create-k8s-app 0.0.0-dev';
const SLO = 'SLO: availability objective in percent (none for no SLO alerts)';

describe('the questions', () => {
  it('come in the documented order with the documented defaults, and the answers reach the project', async () => {
    const cwd = freshDir();
    const r = await converse(['--no-lint'], cwd, { [NAME]: 'shop' });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([NAME, TYPE, ENVS, SCALING, STRATEGY, WEBSOCKET, SECURITY, KEYS, IMAGE, PORT, HOST, REPO, SLO, WRITE('shop')]);
    expect(r.asked.map((q) => [q.message, q.default])).toEqual([
      [NAME, undefined],
      [TYPE, 'web'],
      [ENVS, 'staging,prod'],
      [SCALING, 'hpa'],
      [STRATEGY, 'rolling'],
      [WEBSOCKET, 'y/N'],
      [SECURITY, 'restricted'],
      [KEYS, undefined],
      [IMAGE, 'registry.example.com/shop:0.1.0'],
      [PORT, '8080'],
      [HOST, 'shop.example.com'],
      [REPO, 'https://git.example.com/platform/shop.git'],
      [SLO, '99.9'],
      [WRITE('shop'), 'Y/n'],
    ]);
    expect(byMessage(r.asked, TYPE)?.choices).toEqual(['web', 'api', 'grpc', 'worker', 'cron']);
    expect(recorded(join(cwd, 'shop'))).toMatchObject({
      name: 'shop', type: 'web', envs: ['staging', 'prod'], scaling: 'hpa', 'keda-trigger': null, strategy: 'rolling', traffic: 'none', websocket: false,
      security: 'restricted', 'secret-keys': [], secrets: null, image: 'registry.example.com/shop:0.1.0', port: 8080, host: 'shop.example.com',
    });
  });

  it('ask for the KEDA trigger only with keda, and for traffic only with canary, right after them', async () => {
    const cwd = freshDir();
    const r = await converse(['q', '--no-lint'], cwd, {
      [SCALING]: { pick: 'keda' }, [TRIGGER]: { pick: 'rabbitmq' }, [STRATEGY]: { pick: 'canary' }, [TRAFFIC]: { pick: 'istio' },
    });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([TYPE, ENVS, SCALING, TRIGGER, STRATEGY, TRAFFIC, WEBSOCKET, SECURITY, KEYS, IMAGE, PORT, HOST, REPO, SLO, WRITE('q')]);
    expect(byMessage(r.asked, TRIGGER)?.default).toBe('prometheus');
    expect(byMessage(r.asked, TRAFFIC)?.default).toBe('nginx');
    expect(recorded(join(cwd, 'q'))).toMatchObject({ scaling: 'keda', 'keda-trigger': 'rabbitmq', strategy: 'canary', traffic: 'istio' });
  });

  it('offer only the choices the earlier answers allow, with defaults that follow them', async () => {
    const cwd = freshDir();
    const r = await converse(['w', '--no-lint'], cwd, { [TYPE]: { pick: 'worker' }, [STRATEGY]: { pick: 'canary' } });
    expect(r.code, r.output).toBe(0);
    // blue-green needs a Service; a worker's canary is replica-weighted, so traffic is not asked.
    expect(byMessage(r.asked, STRATEGY)?.choices).toEqual(['rolling', 'canary']);
    expect(byMessage(r.asked, SCALING)?.default).toBe('keda');
    expect(byMessage(r.asked, TRIGGER)?.default).toBe('kafka');
    // The worker's port is its metrics port, and the question says so.
    expect(byMessage(r.asked, METRICS_PORT)?.default).toBe('9090');
    expect(messages(r.asked)).not.toContain(PORT);
    expect(messages(r.asked)).not.toContain(HOST);
    expect(messages(r.asked)).not.toContain(TRAFFIC);
    expect(messages(r.asked)).not.toContain(WEBSOCKET);
    expect(recorded(join(cwd, 'w'))).toMatchObject({ type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka', strategy: 'canary', traffic: 'none', websocket: null, host: null });
  });

  it('skip what a cron job has one answer for', async () => {
    const cwd = freshDir();
    const r = await converse(['c', '--no-lint'], cwd, { [TYPE]: { pick: 'cron' }, [SCHEDULE]: '@daily' });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([TYPE, ENVS, SCHEDULE, SECURITY, KEYS, IMAGE, REPO, WRITE('c')]);
    expect(byMessage(r.asked, SCHEDULE)?.default).toBe('*/15 * * * *');
    expect(recorded(join(cwd, 'c'))).toMatchObject({ scaling: 'none', strategy: 'rolling', port: null, host: null, schedule: '@daily', timezone: 'Etc/UTC' });
    expect(readFileSync(join(cwd, 'c', 'chart', 'values.yaml'), 'utf8')).toContain('schedule: "@daily"');
  });

  it('ask a web or api app whether it serves WebSocket connections; yes reaches the Ingress', async () => {
    const cwd = freshDir();
    const r = await converse(['ws', '--type', 'api', '--no-lint'], cwd, { [WEBSOCKET]: 'y' });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked).indexOf(WEBSOCKET)).toBe(messages(r.asked).indexOf(STRATEGY) + 1);
    expect(recorded(join(cwd, 'ws'))).toMatchObject({ type: 'api', websocket: true });
    expect(parse(readFileSync(join(cwd, 'ws', 'chart', 'values.yaml'), 'utf8')).websocket).toEqual({ enabled: true, timeoutSeconds: 3600 });
  });

  it('ask where secrets come from only once keys are given', async () => {
    const cwd = freshDir();
    const r = await converse(['s', '--no-lint'], cwd, { [KEYS]: 'DB_URL,API_TOKEN', [SOURCE]: { pick: 'sealed' } });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked).indexOf(SOURCE)).toBe(messages(r.asked).indexOf(KEYS) + 1);
    expect(byMessage(r.asked, SOURCE)?.choices).toEqual(['external', 'sealed', 'existing']);
    expect(recorded(join(cwd, 's'))).toMatchObject({ 'secret-keys': ['DB_URL', 'API_TOKEN'], secrets: 'sealed' });
  });

  it('ask for the SLO last, with the type\'s default; a bad value is asked again', async () => {
    const cwd = freshDir();
    const r = await converse(['w', '--no-lint'], cwd, { [TYPE]: { pick: 'worker' }, [SLO]: ['100', 'none'] });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked).slice(-3)).toEqual([SLO, SLO, WRITE('w')]);
    expect(byMessage(r.asked, SLO)?.default).toBe('99');
    expect(recorded(join(cwd, 'w'))).toMatchObject({ type: 'worker', monitoring: true, slo: 'none' });
  });

  it('do not ask for the SLO without monitoring', async () => {
    const cwd = freshDir();
    const off = await converse(['o', '--no-monitoring', '--no-lint'], cwd);
    expect(off.code, off.output).toBe(0);
    expect(messages(off.asked)).not.toContain(SLO);
    expect(recorded(join(cwd, 'o'))).toMatchObject({ monitoring: false, slo: null });
  });

  it('leave out what flags and the preset already answered', async () => {
    const cwd = freshDir();
    const r = await converse(['--name', 'f', '--preset', 'api', '--envs', 'prod', '--no-lint'], cwd);
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([WEBSOCKET, KEYS, IMAGE, PORT, HOST, REPO, SLO, WRITE('f')]);
    expect(recorded(join(cwd, 'f'))).toMatchObject({ name: 'f', type: 'api', envs: ['prod'] });
  });
});

describe('a bad value', () => {
  it('is refused under the prompt, with the flags\' message, and the same question is asked again', async () => {
    const cwd = freshDir();
    const r = await converse(['--no-lint'], cwd, { [NAME]: ['Bad_Name', 'good'], [IMAGE]: ['nginx:latest', 'nginx:1.27'] });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked).filter((m) => m === NAME)).toHaveLength(2);
    expect(messages(r.asked).filter((m) => m === IMAGE)).toHaveLength(2);
    // Each refusal shows the value typed and, under it, why (the flags' own message).
    expect(r.screens.filter((s) => s.includes('\n> '))).toEqual([
      expect.stringMatching(/^\? App name Bad_Name\n> name "Bad_Name" is not a DNS-1123 label/),
      expect.stringMatching(/^\? Container image nginx:latest\n> .*latest/),
    ]);
    expect(readdirSync(cwd)).toEqual(['good']);
    expect(recorded(join(cwd, 'good'))).toMatchObject({ name: 'good', image: 'nginx:1.27' });
  });
});

describe('Ctrl-C', () => {
  it.each([TYPE, IMAGE])('at "%s" exits 130 and writes nothing', async (message) => {
    const cwd = freshDir();
    const r = await interruptAt(['demo', '--no-lint'], cwd, message);
    expect(r.code).toBe(130);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe(INTRO);
    // The question is shown as cancelled; those before it, with their answers.
    expect(lines.slice(-2)).toEqual([`✖ ${message} cancelled`, 'error: interrupted; nothing was written']);
    expect(lines.slice(1, -2).every((line) => line.startsWith('✔ '))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('the name given at the prompt decides the target', () => {
  it('a taken directory is refused before the other questions', async () => {
    const cwd = freshDir();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine');
    const r = await converse(['--no-lint'], cwd, { [NAME]: 'taken' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/^create-k8s-app \S+\n✔ App name taken\nerror: .*taken is not empty\nhint: /);
    expect(messages(r.asked)).toEqual([NAME]);
  });

  it('in a git repository, the recorded path and the ApplicationSet point at the new chart', async () => {
    const repo = freshDir();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('remote', 'add', 'origin', 'https://github.com/acme/platform.git');
    const cwd = join(repo, 'apps');
    mkdirSync(cwd);
    const r = await converse(['--no-lint'], cwd, { [NAME]: 'shop' });
    expect(r.code, r.output).toBe(0);
    // The defaults offered come from where the project goes, too.
    expect(byMessage(r.asked, REPO)?.default).toBe('https://github.com/acme/platform.git');
    const project = join(cwd, 'shop');
    expect(recorded(project)).toMatchObject({ 'repo-url': 'https://github.com/acme/platform.git', 'repo-path': 'apps/shop' });
    const appSet = parse(readFileSync(join(project, 'argocd', 'applicationset.yaml'), 'utf8'));
    const { path } = appSet.spec.template.spec.source;
    expect(path).toBe('apps/shop/chart');
    expect(existsSync(join(repo, path, 'Chart.yaml'))).toBe(true);
  });
});

describe('before anything is written', () => {
  it('the answers are summed up with where each came from, then confirmed', async () => {
    const cwd = freshDir();
    const r = await converse(['--envs', 'prod', '--no-lint'], cwd, { [NAME]: 'sum', [TYPE]: { pick: 'api' } });
    expect(r.code, r.output).toBe(0);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe(INTRO);
    const row = (key: string) => lines.find((line) => line.trimStart().startsWith(`${key} `))?.trim().split(/ {2,}/);
    expect(row('name')).toEqual(['name', 'sum', '(prompt)']);
    expect(row('type')).toEqual(['type', 'api', '(prompt)']);
    expect(row('envs')).toEqual(['envs', 'prod', '(flag)']);
    // Taken with Enter: still the default.
    expect(row('security')).toEqual(['security', 'restricted', '(default)']);
    expect(row('monitoring')).toEqual(['monitoring', 'on', '(default)']);
    // Options that do not apply are not listed.
    expect(row('keda-trigger')).toBeUndefined();
    expect(messages(r.asked).at(-1)).toBe(WRITE('sum'));
    expect(lines).toContain('✔ App type api');
    expect(lines.at(lines.indexOf(`✔ ${WRITE('sum')} Yes`) - 1)).toBe('');
    expect(existsSync(join(cwd, 'sum', 'chart', 'Chart.yaml'))).toBe(true);
  });

  it('a default taken with Enter stays a placeholder in the next steps; a typed value gets no step', async () => {
    const cwd = freshDir();
    const taken = await converse(['ph', '--no-lint'], cwd);
    expect(taken.output).toContain('registry.example.com/ph:0.1.0 is a placeholder');
    const typed = await converse(['ty', '--no-lint'], cwd, { [IMAGE]: 'ghcr.io/acme/ty:1.0.0', [REPO]: 'https://github.com/acme/ty.git', [HOST]: 'ty.acme.io' });
    expect(typed.code, typed.output).toBe(0);
    expect(typed.output.slice(typed.output.indexOf('Next steps'))).not.toMatch(/placeholder|replace/i);
  });

  it('names the directory and the preset as origins', async () => {
    const cwd = freshDir();
    const r = await converse(['from-dir', '--preset', 'api', '--no-lint'], cwd);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/^ {2}name +from-dir +\(directory name\)$/m);
    expect(r.output).toMatch(/^ {2}type +api +\(preset\)$/m);
  });

  it('"No" at the confirm exits 130 and writes nothing', async () => {
    const cwd = freshDir();
    const r = await converse(['nope', '--no-lint'], cwd, { [WRITE('nope')]: 'n' });
    expect(r.code).toBe(130);
    expect(r.output.split('\n').at(-1)).toBe('error: cancelled; nothing was written');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a rejected combination of flags is refused before the first question', async () => {
    const cwd = freshDir();
    const r = await converse(['--type', 'worker', '--strategy', 'blue-green', '--no-lint'], cwd);
    expect(r.code).toBe(2);
    expect(r.asked).toEqual([]);
    expect(r.output).toMatch(/^error: --strategy blue-green cannot be used with --type worker/m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a preset value that clashes with a flag is refused before the first question too', async () => {
    const cwd = freshDir();
    const preset = `${root.name('clash')}.yaml`;
    writeFileSync(preset, 'type: worker\n');
    const r = await converse(['clash', '--preset', preset, '--strategy', 'blue-green', '--no-lint'], cwd);
    expect(r.code).toBe(2);
    expect(r.asked).toEqual([]);
    expect(r.output).toMatch(/^error: --strategy blue-green cannot be used with --type worker/m);
  });

  it('--yes without a name says to pass --name or a directory', async () => {
    const cwd = freshDir();
    const r = await converse(['--yes', '--no-lint'], cwd);
    expect(r.code).toBe(2);
    expect(r.asked).toEqual([]);
    expect(r.output).toMatch(/^error: --yes needs a name.*\nhint: pass --name <name> or a directory/m);
    expect(r.output).not.toContain('no terminal');
  });
});

describe('the choices', () => {
  it('left out by an earlier answer are shown, not selectable, with the reason', async () => {
    const cwd = freshDir();
    const r = await converse(['w2', '--type', 'worker', '--no-lint'], cwd);
    expect(r.code, r.output).toBe(0);
    expect(byMessage(r.asked, STRATEGY)?.choices).toEqual(['rolling', 'canary']);
    expect(r.screens.find((s) => s.startsWith(`? ${STRATEGY}`))).toContain('- blue-green (not offered: a worker has no Service for blue-green to switch)');
  });

  it('left out by a value given for a later question are not offered either', async () => {
    const cwd = freshDir();
    // --traffic istio needs canary: the strategy has one valid answer, so it is not asked.
    const r = await converse(['t2', '--traffic', 'istio', '--no-lint'], cwd);
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).not.toContain(STRATEGY);
    expect(recorded(join(cwd, 't2'))).toMatchObject({ strategy: 'canary', traffic: 'istio' });
  });

  it('each have a description', async () => {
    const { OPTIONS } = await import('../src/options.js');
    const { makeAsk } = await import('../src/prompts.js');
    for (const option of OPTIONS.filter((o) => o.kind === 'enum' && o.prompt)) {
      for (const [i, choice] of option.choices!.entries()) {
        const answer = makeAsk()(option, option.choices![0] as never, option.choices, { type: 'web' });
        for (let k = 0; k < i; k++) screen.keypress('down');
        const shown = screen.getScreen();
        expect(shown, `${option.key} ${choice}`).toContain(`❯ ${choice}\n`);
        // The description of the choice under the cursor: the line above the keys' help, after a blank one.
        const lines = shown.split('\n');
        const help = lines.findIndex((line) => line.includes('navigate'));
        expect(lines[help - 2]?.trim(), `${option.key} ${choice}: a blank line after the list`).toBe('');
        expect(lines[help - 1]?.trim().length, `${option.key} ${choice} has a description`).toBeGreaterThan(3);
        screen.keypress('enter');
        expect(await answer).toBe(choice);
      }
    }
  });
});

describe('a default', () => {
  it('survives a Backspace on the empty line and is taken by an empty Enter', async () => {
    const cwd = freshDir();
    const r = await converse(['bs', '--no-lint'], cwd, {
      [IMAGE]: { keys: ['backspace', 'backspace'] }, [PORT]: { keys: ['backspace'] },
    });
    expect(r.code, r.output).toBe(0);
    expect(byMessage(r.asked, IMAGE)?.default).toBe('registry.example.com/bs:0.1.0');
    expect(recorded(join(cwd, 'bs'))).toMatchObject({ image: 'registry.example.com/bs:0.1.0', port: 8080 });
  });

  it('is still shown after a Backspace', async () => {
    const { OPTION_BY_KEY } = await import('../src/options.js');
    const { makeAsk } = await import('../src/prompts.js');
    const answer = makeAsk()(OPTION_BY_KEY.get('image')!, 'registry.example.com/x:0.1.0', undefined, {});
    screen.keypress('backspace');
    expect(screen.getScreen()).toContain('(registry.example.com/x:0.1.0)');
    screen.keypress('enter');
    expect(await answer).toBe('registry.example.com/x:0.1.0');
  });
});
