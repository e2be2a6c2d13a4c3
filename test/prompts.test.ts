// The interactive flow, driven through injected prompt functions: which questions are asked,
// in which order, with which defaults, and how validation and Ctrl-C behave.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render as renderPrompt } from '@inquirer/testing';
import { input } from '@inquirer/prompts';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../src/answers.js';
import { main } from '../src/cli.js';
import type { Io } from '../src/io.js';
import { makeAsk, type PromptFns } from '../src/prompts.js';
import { OPTION_BY_KEY, type Partial_ } from '../src/options.js';

interface Asked {
  message: string;
  default?: string;
  choices?: string[];
}

/** Scripted prompt functions: answers by message, recording every question. */
function scripted(replies: Record<string, string> = {}) {
  const asked: Asked[] = [];
  const fns = {
    input: async (config: { message: string; default?: string; validate?: (v: string) => true | string }) => {
      asked.push({ message: config.message, default: config.default });
      const reply = replies[config.message] ?? config.default ?? '';
      const ok = config.validate?.(reply);
      if (ok !== undefined && ok !== true) throw new Error(`validation failed: ${ok}`);
      return reply;
    },
    select: async (config: { message: string; default?: string; choices: { value: string }[] }) => {
      asked.push({ message: config.message, default: config.default, choices: config.choices.map((c) => c.value) });
      return replies[config.message] ?? config.default ?? config.choices[0].value;
    },
  } as unknown as PromptFns;
  return { asked, fns };
}

const facts = { originUrl: null, repoPath: null };
const run = (replies: Record<string, string>, flags: Partial_ = {}) => {
  const { asked, fns } = scripted(replies);
  return resolveAnswers({ flags, preset: null, facts, ask: makeAsk(fns), yes: false }).then((answers) => ({ answers, asked }));
};

describe('prompt flow', () => {
  it('asks in the documented order with the documented defaults', async () => {
    const { answers, asked } = await run({ 'App name': 'shop' });
    expect(asked.map((a) => a.message)).toEqual([
      'App name', 'App type', 'Environments (comma-separated)', 'Scaling', 'Deploy strategy', 'Security level',
      'Secret keys the app reads (comma-separated, empty for none)', 'Container image', 'Container port', 'Ingress host', 'Git repository URL',
    ]);
    const byMessage = Object.fromEntries(asked.map((a) => [a.message, a.default]));
    expect(byMessage).toMatchObject({
      'App type': 'web', 'Environments (comma-separated)': 'staging,prod', Scaling: 'hpa', 'Deploy strategy': 'rolling',
      'Security level': 'restricted', 'Container image': 'registry.example.com/shop:0.1.0', 'Container port': '8080', 'Ingress host': 'shop.example.com',
    });
    expect(answers).toMatchObject({ name: 'shop', type: 'web', scaling: 'hpa', strategy: 'rolling', traffic: 'none', 'keda-trigger': null });
  });

  it('asks for the KEDA trigger only with keda, and traffic only with canary', async () => {
    const { asked, answers } = await run({ 'App name': 'q', Scaling: 'keda', 'Deploy strategy': 'canary', 'KEDA trigger': 'rabbitmq', 'Canary traffic routing': 'istio' });
    const messages = asked.map((a) => a.message);
    expect(messages.indexOf('KEDA trigger')).toBe(messages.indexOf('Scaling') + 1);
    expect(messages.indexOf('Canary traffic routing')).toBe(messages.indexOf('Deploy strategy') + 1);
    expect(asked.find((a) => a.message === 'KEDA trigger')?.default).toBe('prometheus');
    expect(answers).toMatchObject({ scaling: 'keda', 'keda-trigger': 'rabbitmq', strategy: 'canary', traffic: 'istio' });
  });

  it('offers only the choices that make sense for the app type', async () => {
    const { asked } = await run({ 'App name': 'w', 'App type': 'worker', 'Deploy strategy': 'canary' });
    expect(asked.find((a) => a.message === 'Deploy strategy')?.choices).toEqual(['rolling', 'canary']);
    expect(asked.find((a) => a.message === 'KEDA trigger')?.default).toBe('kafka');
    const messages = asked.map((a) => a.message);
    expect(messages).not.toContain('Ingress host');
    expect(messages).not.toContain('Canary traffic routing');
  });

  it('skips scaling and strategy for a cron job, which has one answer each', async () => {
    const { asked, answers } = await run({ 'App name': 'c', 'App type': 'cron' });
    const messages = asked.map((a) => a.message);
    expect(messages).not.toContain('Scaling');
    expect(messages).not.toContain('Deploy strategy');
    expect(messages).not.toContain('Container port');
    expect(answers).toMatchObject({ scaling: 'none', strategy: 'rolling', port: null, host: null });
  });

  it('asks where secrets come from only when keys are given', async () => {
    const { asked, answers } = await run({ 'App name': 's', 'Secret keys the app reads (comma-separated, empty for none)': 'DB_URL,API_TOKEN', 'Where secret values come from': 'sealed' });
    expect(asked.map((a) => a.message)).toContain('Where secret values come from');
    expect(answers).toMatchObject({ 'secret-keys': ['DB_URL', 'API_TOKEN'], secrets: 'sealed' });
  });

  it('does not ask what flags already answered', async () => {
    const { asked } = await run({}, { name: 'f', type: 'api', envs: ['prod'] });
    expect(asked.map((a) => a.message)).not.toContain('App name');
    expect(asked.map((a) => a.message)).not.toContain('App type');
  });

  it('validates inline with the same validators as the flags', async () => {
    await expect(run({ 'App name': 'Bad_Name' })).rejects.toThrow(/not a DNS-1123 label/);
    await expect(run({ 'App name': 'ok', 'Container image': 'nginx:latest' })).rejects.toThrow(/latest/);
  });

  it('shows the validation message under the real prompt', async () => {
    let config: Parameters<typeof input>[0] | undefined;
    const capture = makeAsk({
      input: (async (c: Parameters<typeof input>[0]) => {
        config = c;
        return 'ok';
      }) as never,
      select: (async () => 'web') as never,
    });
    await capture(OPTION_BY_KEY.get('name')!, null as never, undefined, {});
    const { events, getScreen, answer } = await renderPrompt(input, config!);
    const prompt = answer as Promise<string> & { cancel(): void };
    events.type('Bad_Name');
    events.keypress('enter');
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain('not a DNS-1123 label');
    prompt.cancel();
    await expect(prompt).rejects.toThrow();
  });
});

describe('Ctrl-C', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ck8s-ctrlc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 130 and writes nothing', async () => {
    const lines: string[] = [];
    const io: Io = {
      cwd: dir,
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      interactive: true,
      makeAsk: async () => async () => {
        const error = new Error('User force closed the prompt with SIGINT');
        error.name = 'ExitPromptError';
        throw error;
      },
    };
    expect(await main(['demo'], io)).toBe(130);
    expect(lines.join('\n')).toContain('interrupted');
    expect(readdirSync(dir)).toEqual([]);
  });
});
