// Compiles a template directory at run time. The published CLI uses the copies precompiled at
// build time (scripts/build.mjs); tests and `render` with an older template set use this.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { COMPILE_OPTIONS, HELPERS } from './templates.js';
import type { TemplateFn, Templates } from './render.js';

export function listTemplateFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.hbs')) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

export function loadTemplates(dir: string): Templates {
  const hb = Handlebars.create();
  hb.registerHelper(HELPERS);
  const templates = new Map<string, TemplateFn>();
  for (const file of listTemplateFiles(dir)) {
    const source = readFileSync(join(dir, file), 'utf8');
    templates.set(file.replace(/\.hbs$/, ''), hb.compile(source, COMPILE_OPTIONS));
  }
  return templates;
}
