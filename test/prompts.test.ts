// The interactive flow, run in-process through main() with the real @inquirer prompts on the
// test screen of @inquirer/testing: which questions are asked, in which order, with which
// defaults and choices; a bad value asked again; Ctrl-C; and what the answers make on disk.
// @inquirer/testing/vitest must be imported first: it hands the prompts its screen.
import { screen } from '@inquirer/testing/vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/cli.js';
import { tempRoot } from './support/project.js';

const root = tempRoot('ck8s-prompts-');
afterAll(() => root.cleanup());
let n = 0;
const freshDir = () => {
  const dir = join(root.dir, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};

/** What one question showed: its message, the default it offered, and for a list its choices. */
interface Question {
  message: string;
  default?: string;
  choices?: string[];
}

/** A reply: text to type, `{ pick }` to move the cursor to a choice, or nothing (enter: the default). */
type Reply = string | { pick: string };

/** Reads the question on the screen: the message is bold, an input's default dim, a list's cursor `❯`. */
function readQuestion(): Question {
  const raw = screen.getScreen({ raw: true });
  const message = /\?(?:\u001b\[\d+m)* \u001b\[1m(.*?)\u001b\[22m/.exec(raw)?.[1];
  if (message === undefined) throw new Error(`not a question on the screen:\n${screen.getScreen()}`);
  const items = screen.getScreen().split('\n').slice(1).filter((line) => /^[❯ ] \S/.test(line));
  if (items.length === 0) return { message, default: /\u001b\[2m\((.*?)\)\u001b\[22m/.exec(raw)?.[1] };
  return { message, default: items.find((line) => line.startsWith('❯'))?.slice(2), choices: items.map((line) => line.slice(2)) };
}

/**
 * Runs the CLI with a terminal, answering each question from `replies` by its message (the
 * default when absent) until the run ends; a reply that is an array is typed in turn, one per
 * time the question is asked. Returns every question as shown, and every screen seen after a reply.
 */
async function converse(argv: string[], cwd: string, replies: Record<string, Reply | Reply[]> = {}) {
  const lines: string[] = [];
  const io = {
    cwd,
    out: (line: string) => lines.push(line),
    err: (line: string) => lines.push(line),
    interactive: true,
    makeAsk: async () => (await import('../src/prompts.js')).makeAsk(),
  };
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
  const lines: string[] = [];
  const io = {
    cwd,
    out: (line: string) => lines.push(line),
    err: (line: string) => lines.push(line),
    interactive: true,
    makeAsk: async () => (await import('../src/prompts.js')).makeAsk(),
  };
  const run = main(argv, io);
  await screen.next();
  while (readQuestion().message !== message) {
    screen.keypress('enter');
    await screen.next();
  }
  screen.keypress({ name: 'c', ctrl: true });
  return { code: await run, output: lines.join('\n') };
}

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
const SECURITY = 'Security level';
const KEYS = 'Secret keys the app reads (comma-separated, empty for none)';
const SOURCE = 'Where secret values come from';
const IMAGE = 'Container image';
const PORT = 'Container port';
const HOST = 'Ingress host';
const REPO = 'Git repository URL';
const SLO = 'SLO: availability objective in percent (none for no SLO alerts)';

describe('the questions', () => {
  it('come in the documented order with the documented defaults, and the answers reach the project', async () => {
    const cwd = freshDir();
    const r = await converse(['--no-lint'], cwd, { [NAME]: 'shop' });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([NAME, TYPE, ENVS, SCALING, STRATEGY, SECURITY, KEYS, IMAGE, PORT, HOST, REPO, SLO]);
    expect(r.asked.map((q) => [q.message, q.default])).toEqual([
      [NAME, undefined],
      [TYPE, 'web'],
      [ENVS, 'staging,prod'],
      [SCALING, 'hpa'],
      [STRATEGY, 'rolling'],
      [SECURITY, 'restricted'],
      [KEYS, undefined],
      [IMAGE, 'registry.example.com/shop:0.1.0'],
      [PORT, '8080'],
      [HOST, 'shop.example.com'],
      [REPO, 'https://git.example.com/platform/shop.git'],
      [SLO, '99.9'],
    ]);
    expect(byMessage(r.asked, TYPE)?.choices).toEqual(['web', 'api', 'grpc', 'worker', 'cron']);
    expect(recorded(join(cwd, 'shop'))).toMatchObject({
      name: 'shop', type: 'web', envs: ['staging', 'prod'], scaling: 'hpa', 'keda-trigger': null, strategy: 'rolling', traffic: 'none',
      security: 'restricted', 'secret-keys': [], secrets: null, image: 'registry.example.com/shop:0.1.0', port: 8080, host: 'shop.example.com',
    });
  });

  it('ask for the KEDA trigger only with keda, and for traffic only with canary, right after them', async () => {
    const cwd = freshDir();
    const r = await converse(['q', '--no-lint'], cwd, {
      [SCALING]: { pick: 'keda' }, [TRIGGER]: { pick: 'rabbitmq' }, [STRATEGY]: { pick: 'canary' }, [TRAFFIC]: { pick: 'istio' },
    });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([TYPE, ENVS, SCALING, TRIGGER, STRATEGY, TRAFFIC, SECURITY, KEYS, IMAGE, PORT, HOST, REPO, SLO]);
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
    expect(byMessage(r.asked, PORT)?.default).toBe('9090');
    expect(messages(r.asked)).not.toContain(HOST);
    expect(messages(r.asked)).not.toContain(TRAFFIC);
    expect(recorded(join(cwd, 'w'))).toMatchObject({ type: 'worker', scaling: 'keda', 'keda-trigger': 'kafka', strategy: 'canary', traffic: 'none', host: null });
  });

  it('skip what a cron job has one answer for', async () => {
    const cwd = freshDir();
    const r = await converse(['c', '--no-lint'], cwd, { [TYPE]: { pick: 'cron' } });
    expect(r.code, r.output).toBe(0);
    expect(messages(r.asked)).toEqual([TYPE, ENVS, SECURITY, KEYS, IMAGE, REPO]);
    expect(recorded(join(cwd, 'c'))).toMatchObject({ scaling: 'none', strategy: 'rolling', port: null, host: null });
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
    expect(messages(r.asked).slice(-2)).toEqual([SLO, SLO]);
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
    expect(messages(r.asked)).toEqual([KEYS, IMAGE, PORT, HOST, REPO, SLO]);
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
    expect(r.output).toBe('error: interrupted; nothing was written');
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
    expect(r.output).toMatch(/^error: .*taken is not empty\nhint: /);
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
