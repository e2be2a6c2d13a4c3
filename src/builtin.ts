// The built-in templates. In the published bundle the build replaces this module with the
// templates precompiled (scripts/build.mjs), so no template is parsed at run time.
import type { Templates } from './render.js';

export async function builtinTemplates(): Promise<Templates> {
  const { loadTemplates } = await import('./load-templates.js');
  const { TEMPLATES_DIR } = await import('./paths.js');
  return loadTemplates(TEMPLATES_DIR);
}
