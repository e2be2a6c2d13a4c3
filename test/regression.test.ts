// A template regression must fail the suite with a message that names the template. Break a
// copy of the templates on purpose and check what the verification says.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadTemplates } from '../src/load-templates.js';
import { render } from '../src/render.js';
import { answersFor, tempRoot, TEMPLATES_DIR, verifyProject, writePlan } from './support/project.js';

const root = tempRoot('ck8s-regression-');
afterAll(() => root.cleanup());

function brokenTemplates(file: string, edit: (source: string) => string) {
  const dir = join(root.dir, `templates-${file.replace(/\W/g, '_')}`);
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  return loadTemplates(dir);
}

async function failuresWith(templates: ReturnType<typeof loadTemplates>, name: string) {
  const answers = await answersFor({ name: 'reg', type: 'api', strategy: 'canary', security: 'restricted', envs: ['prod'] });
  const dir = join(root.dir, name);
  await writePlan(dir, render(answers, templates, '0.0.0-test'));
  return (await verifyProject(dir, answers, { withoutCrds: false })).failures;
}

it('a pod-security regression names the rule, the field and the template', async () => {
  const templates = brokenTemplates('chart/templates/rollout.yaml.hbs', (s) =>
    s.replace('  template:\n', '  template:\n    # injected\n').replace('| nindent 4 }}\n  strategy:', '| nindent 4 }}\n      hostNetwork: true\n  strategy:'),
  );
  const failures = await failuresWith(templates, 'pss');
  expect(failures.join('\n')).toMatch(/pss-baseline\] Rollout\/reg spec\.template\.spec\.hostNetwork.*\(from templates\/chart\/templates\/rollout\.yaml\.hbs\)/);
});

it('a broken reference names the object and the template', async () => {
  const templates = brokenTemplates('chart/templates/ingress.yaml.hbs', (s) => s.replace('name: {{portName}}\n', 'name: no-such-port\n'));
  const failures = await failuresWith(templates, 'crossref');
  expect(failures.join('\n')).toMatch(/crossref\] Ingress\/reg .*no-such-port.*\(from templates\/chart\/templates\/ingress\.yaml\.hbs\)/);
});

it('a Helm syntax error fails lint with the template path', async () => {
  const templates = brokenTemplates('chart/templates/service.yaml.hbs', (s) => s.replace('\\{{- range $services }}', '\\{{- range $services }'));
  const failures = await failuresWith(templates, 'syntax');
  expect(failures.join('\n')).toContain('templates/service.yaml');
});
