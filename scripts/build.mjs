// Bundles the CLI into dist/ (one ESM entry plus lazily loaded chunks) with the templates
// precompiled, so a run parses no template and loads only the code its path needs.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import Handlebars from 'handlebars';

const root = fileURLToPath(new URL('..', import.meta.url));
const templatesDir = join(root, 'templates');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const COMPILE_OPTIONS = { strict: true, noEscape: true };

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => relative(templatesDir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort();
}

function precompiledModule() {
  const entries = templateFiles(templatesDir).map((file) => {
    const source = readFileSync(join(templatesDir, file), 'utf8');
    let spec;
    try {
      spec = Handlebars.precompile(source, COMPILE_OPTIONS);
    } catch (error) {
      throw new Error(`templates/${file}: ${error.message}`);
    }
    return `  [${JSON.stringify(file.replace(/\.hbs$/, ''))}, ${spec}],`;
  });
  return `import Handlebars from 'handlebars/runtime.js';
import { HELPERS } from './templates.js';
const specs = [
${entries.join('\n')}
];
export async function builtinTemplates() {
  const hb = Handlebars.create();
  hb.registerHelper(HELPERS);
  return new Map(specs.map(([name, spec]) => [name, hb.template(spec)]));
}
`;
}

const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(build) {
    build.onResolve({ filter: /^\.\/builtin\.js$/ }, (args) => ({ path: join(args.resolveDir, 'builtin.precompiled.js'), namespace: 'templates' }));
    build.onLoad({ filter: /.*/, namespace: 'templates' }, () => ({
      contents: precompiledModule(),
      loader: 'js',
      resolveDir: join(root, 'src'),
    }));
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (handlebars, yaml) call require for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [precompiledTemplates],
  logLevel: 'warning',
});
