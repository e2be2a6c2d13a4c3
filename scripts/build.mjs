// Bundles the CLI into dist/ with the templates compiled to JavaScript (compile-templates.mjs), so
// a run parses no template and loads only the code its path needs:
//   dist/cli.js          the entry: argv, --help, --version, dispatch. One file with no imports of
//                        its own, so `--help` costs a single module load.
//   dist/commands/*.js   create, upgrade, presets, prompts: each loaded by the entry on demand.
//   dist/chunks/*.js     code the commands share (render, templates, yaml, ...).
// The two builds duplicate the few small modules the entry needs (options, validation, errors);
// nothing relies on their identity across the boundary (errors are told apart by exitCode).
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import Handlebars from 'handlebars';
import { templatesModule } from './compile-templates.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const templatesDir = join(root, 'templates');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * The compile options and helpers of src/templates.ts, the ones tests compile with at run time,
 * read from the source so the two cannot drift apart. Every helper is declared known, and only
 * those: the template compiler calls them directly, a template that Handlebars has to precompile
 * gets direct calls too, and a template calling a helper that does not exist fails the build.
 */
async function compileOptions() {
  const { outputFiles } = await esbuild.build({
    entryPoints: [join(src, 'templates.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  const { COMPILE_OPTIONS, HELPERS } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);
  const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true]));
  return { ...COMPILE_OPTIONS, knownHelpers, knownHelpersOnly: true };
}

/** The modules the entry loads lazily, by source file, and where each one is built to. */
const COMMANDS = {
  create: join(src, 'create.ts'),
  upgrade: join(src, 'upgrade', 'command.ts'),
  presets: join(src, 'preset.ts'),
  prompts: join(src, 'prompts.ts'),
};

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => relative(templatesDir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort();
}

function precompiledModule(options) {
  const templates = templateFiles(templatesDir).map((file) => ({
    file: `templates/${file}`,
    name: file.replace(/\.hbs$/, ''),
    source: readFileSync(join(templatesDir, file), 'utf8'),
  }));
  return templatesModule(templates, options, { helpersFrom: './templates.js', warn: (line) => console.warn(line) });
}

/** Replaces src/builtin.ts, which reads and compiles templates/ at run time, wherever it is imported from. */
const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(build) {
    const builtin = join(src, 'builtin.ts');
    build.onResolve({ filter: /(^|\/)builtin\.js$/ }, (args) =>
      join(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === builtin
        ? { path: join(src, 'builtin.precompiled.js'), namespace: 'templates' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'templates' }, async () => ({
      contents: precompiledModule(await compileOptions()),
      loader: 'js',
      resolveDir: src,
    }));
  },
};

/**
 * `@inquirer/prompts` re-exports every prompt, and the prompt packages are not marked free of side
 * effects, so importing two of them bundles all ten, the editor prompt's iconv-lite (~0.5 MB)
 * included. Import the named prompts from their own packages instead (they are its dependencies).
 */
const onlyUsedPrompts = {
  name: 'only-used-prompts',
  setup(build) {
    build.onResolve({ filter: /^@inquirer\/prompts$/ }, async (args) => {
      if (args.pluginData?.barrel || !args.importer) return undefined;
      const names = importedNames(readFileSync(args.importer, 'utf8'), '@inquirer/prompts');
      if (!names) return undefined;
      const barrel = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { barrel: true } });
      if (barrel.errors.length > 0) return undefined;
      return { path: barrel.path, namespace: 'inquirer-subset', pluginData: { names, barrel: barrel.path } };
    });
    build.onLoad({ filter: /.*/, namespace: 'inquirer-subset' }, async ({ pluginData: { names, barrel } }) => {
      const lines = [];
      for (const name of names) {
        const own = await build.resolve(`@inquirer/${name}`, { kind: 'import-statement', resolveDir: dirname(barrel) });
        lines.push(
          own.errors.length === 0
            ? `export { default as ${name} } from ${JSON.stringify(own.path)};`
            : `export { ${name} } from ${JSON.stringify(barrel)};`,
        );
      }
      return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(barrel) };
    });
  },
};

/** The names in `import { a, b } from 'module'` (types left out), or null for any other form. */
function importedNames(source, module) {
  const quoted = module.replace(/[/@]/g, '\\$&');
  const forms = [...source.matchAll(new RegExp(`import\\s+(type\\s+)?([^;]*?)\\s+from\\s+['"]${quoted}['"]`, 'g'))];
  const names = new Set();
  for (const [, typeOnly, clause] of forms) {
    if (typeOnly) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause.trim());
    if (!braces) return null;
    for (const part of braces[1].split(',')) {
      const spec = part.trim();
      if (!spec || spec.startsWith('type ')) continue;
      const name = spec.split(/\s+as\s+/)[0];
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return null;
      names.add(name);
    }
  }
  return names.size > 0 ? [...names] : null;
}

/**
 * `import { readdirSync } from 'node:fs'` in an ES module makes Node build the module's ESM
 * facade, which reads every export, lazy ones included: node:fs alone then loads the streams
 * stack, node:util the AbortController machinery. process.getBuiltinModule (Node 20.16+) hands
 * over the plain object, so only what the code touches is loaded.
 */
const builtinsWithoutFacade = {
  name: 'builtins-without-facade',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const id = args.path.replace(/^node:/, '');
      if (!args.path.startsWith('node:') && !builtinModules.includes(id)) return undefined;
      // One one-line module per importer, so it lands in the importer's chunk instead of making
      // a chunk of its own that every command then loads as one more file.
      return { path: `node:${id}`, suffix: `?${args.importer}`, namespace: 'builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** In the entry, the lazily imported commands stay imports, of their built files. */
const commandsExternal = {
  name: 'commands-external',
  setup(build) {
    const outputs = new Map(Object.entries(COMMANDS).map(([name, file]) => [file, `./commands/${name}.js`]));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = outputs.get(join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      if (!target) return undefined;
      if (args.kind !== 'dynamic-import') {
        throw new Error(`${relative(root, args.importer)} imports ${args.path} statically: the entry must load commands lazily`);
      }
      return { path: target, external: true };
    });
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

// Built beside dist/ (in the ignored .cache/, same filesystem) and swapped in whole, so a run of
// the CLI or the tests during a rebuild finds a complete build rather than a half-written one.
// mkdirSync, not mkdtempSync: the folder becomes dist/ and must get the usual mode, not 0700.
const out = join(root, '.cache', `dist-${process.pid}-${Date.now().toString(36)}`);
mkdirSync(out, { recursive: true });
try {
  await esbuild.build({
    ...common,
    entryPoints: COMMANDS,
    outdir: out,
    splitting: true,
    entryNames: 'commands/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    // For bundled CommonJS code that requires what the plugins cannot see (a computed name);
    // made on first use, as nothing in the bundle does that today.
    banner: { js: "const require = (id) => process.getBuiltinModule('node:module').createRequire(import.meta.url)(id);" },
    plugins: [precompiledTemplates, onlyUsedPrompts, builtinsWithoutFacade],
  });
  await esbuild.build({
    ...common,
    entryPoints: { cli: join(src, 'cli.ts') },
    outdir: out,
    plugins: [commandsExternal, builtinsWithoutFacade],
  });
  const dist = join(root, 'dist');
  const old = `${out}-old`;
  try {
    renameSync(dist, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(out, dist);
  rmSync(old, { recursive: true, force: true });
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  throw error;
}
