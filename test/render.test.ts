// render is pure: the same answers give the same bytes, and the output is what reviewers see in
// the golden files (update them with `npx vitest run test/render.test.ts -u` after a deliberate
// template change, and review the diff).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TRIGGERS, type TriggerContext } from '../src/keda-triggers.js';
import { listTemplateFiles } from '../src/load-templates.js';
import { loadPreset } from '../src/preset.js';
import { render, type Templates } from '../src/render.js';
import { SECRET_SOURCES } from '../src/types.js';
import { everyCombination } from './support/combinations.js';
import { answersFor, builtin, TEMPLATES_DIR } from './support/project.js';

const GOLDEN = ['web-app', 'queue-worker'];

describe('render', () => {
  it('is deterministic: same answers, same bytes, whatever the clock or environment', async () => {
    const answers = await answersFor({ name: 'det', type: 'grpc', strategy: 'canary', traffic: 'gateway-api', 'secret-keys': ['A'] });
    const first = render(answers, builtin(), '1.2.3');
    const realNow = Date.now;
    Date.now = () => 0;
    process.env.TZ = 'Pacific/Kiritimati';
    const second = render(structuredClone(answers), builtin(), '1.2.3');
    Date.now = realNow;
    expect([...second]).toEqual([...first]);
    expect([...first.keys()]).toEqual([...first.keys()].sort());
    for (const [path, content] of first) {
      expect(content.endsWith('\n') && !content.endsWith('\n\n'), path).toBe(true);
      expect(content.includes('\r'), path).toBe(false);
    }
  });

  it('never lets Handlebars HTML-escape or leave its own syntax behind', async () => {
    // Bypasses the validators on purpose: rendering itself must never escape.
    const answers = await answersFor({ name: 'esc', 'repo-url': 'https://git.example.com/a&b/c.git' });
    const plan = render(answers, builtin(), '1.2.3');
    const all = [...plan.values()].join('\n');
    expect(all).not.toMatch(/&amp;|&#x|&quot;|&lt;/);
    expect(plan.get('argocd/applicationset.yaml')).toContain('https://git.example.com/a&b/c.git');
  });

  it.each(GOLDEN)('%s matches its golden files', async (preset) => {
    const answers = await answersFor({ ...loadPreset(preset), name: preset });
    const plan = render(answers, builtin(), '0.0.0-golden');
    expect([...plan.keys()]).toMatchSnapshot();
    for (const [path, content] of plan) {
      await expect(content).toMatchFileSnapshot(`__golden__/${preset}/${path}`);
    }
  });

  it('renders every template under templates/ for at least one accepted combination', async () => {
    // A template the render table does not name is silently never rendered; this catches it.
    const used = new Set<string>();
    const recording: Templates = new Map(
      [...builtin()].map(([name, fn]) => [name, (context: object) => (used.add(name), fn(context))]),
    );
    const { accepted } = everyCombination();
    const secretChoices = [null, ...SECRET_SOURCES];
    for (const [i, { id: _id, ...combination }] of accepted.entries()) {
      // The secret sources are a dimension of their own: take them in turn.
      const secrets = secretChoices[i % secretChoices.length];
      const answers = await answersFor({ ...combination, name: 'cover', 'secret-keys': secrets ? ['TOKEN'] : [], secrets });
      const plan = render(answers, recording, '1.2.3');
      for (const [path, content] of plan) expect(content, path).not.toContain('<CHARTNAME>');
    }
    const templates = listTemplateFiles(TEMPLATES_DIR).map((file) => file.replace(/\.hbs$/, ''));
    expect(templates.length).toBeGreaterThan(20);
    expect(templates.filter((t) => !used.has(t))).toEqual([]);
  });

  it.each(TRIGGERS.flatMap((t) => [['worker', t.name], ['api', t.name]] as const))(
    '%s with KEDA %s: values.yaml holds the settings of src/keda-triggers.ts, and the ScaledObject reads them',
    async (type, name) => {
      const spec = TRIGGERS.find((t) => t.name === name)!;
      const answers = await answersFor({ name: 'tbl', type, scaling: 'keda', 'keda-trigger': name });
      const plan = render(answers, builtin(), '1.2.3');
      const valuesText = plan.get('chart/values.yaml')!;
      const values = parse(valuesText).keda[spec.valuesKey];
      const app = { name: 'tbl', isWorker: type === 'worker', isGrpc: false };
      const scaledObject = plan.get('chart/templates/scaledobject.yaml')!;
      expect(scaledObject).toContain(`    - type: ${spec.type}\n`);
      for (const field of spec.metadata) {
        if ('fixed' in field) {
          expect(scaledObject).toContain(`        ${field.field}: ${field.fixed}\n`);
          continue;
        }
        const given = field.default as string | number | ((app: TriggerContext) => string);
        const expected = typeof given === 'function' ? given(app) : given;
        expect(values[field.key], field.key).toEqual(expected);
        // Text from the answers is written double-quoted.
        if ('quoted' in field) expect(valuesText).toContain(`  ${field.key}: ${JSON.stringify(expected)}\n`);
        expect(valuesText).toContain(`## @param keda.${spec.valuesKey}.${field.key} ${field.doc}\n`);
        const read = `.Values.keda.${spec.valuesKey}.${field.key}`;
        expect(scaledObject).toContain(`        ${field.field}: {{ ${'tpl' in field ? `tpl ${read} .` : read} | quote }}\n`);
      }
      const activation = spec.activation as (typeof TRIGGERS)[number]['activation'];
      if (activation) {
        expect(values[activation.key], activation.key).toEqual(activation.default);
        expect(valuesText).toContain(`## @param keda.${spec.valuesKey}.${activation.key} ${activation.doc}\n`);
        expect(scaledObject).toContain(`        ${activation.field}: {{ .Values.keda.${spec.valuesKey}.${activation.key} | quote }}\n`);
      }
      const keys = [...spec.metadata.flatMap((m) => ('fixed' in m ? [] : [m.key])), ...(activation ? [activation.key] : [])];
      expect(Object.keys(values).sort()).toEqual(keys.sort());
      expect(plan.has('chart/templates/triggerauthentication.yaml')).toBe(spec.auth !== null);
    },
  );

  it('writes Helm code with no Handlebars inside a Helm expression', () => {
    const offending: string[] = [];
    for (const file of listTemplateFiles(TEMPLATES_DIR)) {
      // Raw blocks are literal Helm: Handlebars cannot reach inside them.
      const source = readFileSync(join(TEMPLATES_DIR, file), 'utf8')
        .replace(/\{\{\{\{helm\}\}\}\}[^]*?\{\{\{\{\/helm\}\}\}\}/g, (raw) => raw.replace(/[^\n]/g, ''));
      source.split('\n').forEach((line, i) => {
        // an escaped Helm expression \{{ … }} holding an unescaped {{
        if (/\\\{\{(?:(?!\}\}).)*(?<!\\)\{\{/.test(line)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
