// The built-in templates. In the published bundle the build replaces this module with the
// templates compiled to JavaScript (scripts/build.mjs), so no template is parsed at run time.
import type { Templates } from './render.js';

// Compiled once per process: `upgrade` over many projects renders every one with the same set.
let loading: Promise<Templates> | undefined;

export function builtinTemplates(): Promise<Templates> {
  loading ??= (async () => {
    const { loadTemplates } = await import('./load-templates.js');
    const { TEMPLATES_DIR } = await import('./paths.js');
    return loadTemplates(TEMPLATES_DIR);
  })();
  return loading;
}
