// Bundles the CLI into dist/: one ES module per entry plus the chunks that `import()` loads on
// demand (the prompts, the upgrade merge, the templates), so `--help` loads only what it prints.
// The templates are precompiled with Handlebars.precompile and run on the Handlebars runtime.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import Handlebars from 'handlebars';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const templatesDir = join(root, 'templates');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The template files, compile options and helpers that tests compile with at run time
// (src/load-templates.ts), taken from the source so that the bundle renders the same set the
// same way. The helpers are declared known, and only they: calls to them compile to direct
// calls (a fifth less code, faster renders), and a template calling a helper that does not
// exist fails the build.
const fromSource = join(root, '.cache', 'build', 'templates.mjs');
await esbuild.build({
  stdin: {
    contents:
      "export { listTemplateFiles } from './load-templates.ts'; export { COMPILE_OPTIONS, HELPERS } from './templates.ts'; export { fingerprintSources } from './fingerprint.ts';",
    resolveDir: src,
  },
  outfile: fromSource,
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { listTemplateFiles, COMPILE_OPTIONS, HELPERS, fingerprintSources } = await import(pathToFileURL(fromSource).href);
const options = { ...COMPILE_OPTIONS, knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])), knownHelpersOnly: true };

function precompiledTemplates() {
  const entries = listTemplateFiles(templatesDir).map((file) => {
    const spec = Handlebars.precompile(readFileSync(join(templatesDir, file), 'utf8'), options);
    return `  [${JSON.stringify(file.replace(/\.hbs$/, ''))}, hb.template(${spec})],`;
  });
  return `import Handlebars from 'handlebars/runtime';
import { HELPERS } from './templates.js';
const hb = Handlebars.create();
hb.registerHelper(HELPERS);
const templates = new Map([
${entries.join('\n')}
]);
export const builtinTemplates = async () => templates;
`;
}

/** src/builtin.ts compiles templates/ at run time, for the tests; the bundle gets them precompiled. */
const precompiled = {
  name: 'precompiled-templates',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(.*\/)?builtin\.js$/ }, (args) =>
      join(args.resolveDir, args.path) === join(src, 'builtin.js') ? { path: join(src, 'builtin.precompiled.js'), namespace: 'templates' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'templates' }, () => ({ contents: precompiledTemplates(), loader: 'js', resolveDir: src }));
  },
};

// yaml's package points Node at its CommonJS build; the bundle takes the ES module build of the
// same code instead, so each command's chunks keep only the parts of it that command uses.
const yamlModules = {
  name: 'yaml-es-modules',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: join(root, 'node_modules', 'yaml', 'browser', 'dist', 'index.js') }));
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: { cli: join(src, 'cli.ts') },
  outdir: join(root, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // CommonJS libraries in the bundle (the Handlebars runtime, the prompts' terminal helpers) require() Node's modules.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // The template set's fingerprint is compiled in, so a run neither reads the sources nor loads node:crypto for it.
  define: { __VERSION__: JSON.stringify(pkg.version), __TEMPLATES_FINGERPRINT__: JSON.stringify(fingerprintSources(root)) },
  plugins: [precompiled, yamlModules],
  logLevel: 'warning',
});
