// Bundles the CLI into dist/ as CommonJS files with the templates compiled to JavaScript
// (compile-templates.mjs), so a run parses no template and loads only the code its path needs:
//   dist/cli.cjs                 the entry: argv, --help, --version, dispatch
//   dist/create.cjs, upgrade.cjs, presets.cjs, prompts.cjs
//                                the commands, each loaded by the entry on demand
//   dist/execa.cjs, yaml.cjs     libraries more than one command loads, kept whole once
//   dist/boot.cjs                loads the bundles, through a code cache on Node 20 (src/boot.ts)
// CommonJS, not ES modules: Node 20 runs a CommonJS main without its ES module loader, and only
// CommonJS code can be compiled through vm.Script, whose cached data is the code cache.
// Bundles duplicate the small modules they share (options, validation, errors); nothing relies on
// their identity across files (errors are told apart by exitCode).
// BUILD_MINIFY=0 leaves the bundles readable, for profiling.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/** The built-in template set's fingerprint (src/fingerprint.ts), compiled into the bundle. */
async function templatesFingerprint() {
  const entry = join(src, 'fingerprint.ts');
  const { outputFiles } = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
  });
  const { fingerprintDir } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);
  return fingerprintDir(templatesDir);
}

/**
 * One file each in dist/. The commands are loaded by the entry on demand; the libraries are
 * bundles of their own because more than one command loads them.
 */
const COMMANDS = {
  create: join(src, 'create.ts'),
  upgrade: join(src, 'upgrade', 'command.ts'),
  presets: join(src, 'preset.ts'),
  prompts: join(src, 'prompts.ts'),
};
const BUNDLES = {
  cli: join(src, 'cli.ts'),
  boot: join(src, 'boot.ts'),
  ...COMMANDS,
  execa: fileURLToPath(import.meta.resolve('execa')),
  yaml: fileURLToPath(import.meta.resolve('yaml')),
};
const bundleOf = new Map(Object.entries(BUNDLES).map(([name, file]) => [file, name]));
const commandFiles = new Set(Object.values(COMMANDS));

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
const precompiledTemplates = (options) => ({
  name: 'precompiled-templates',
  setup(build) {
    const builtin = join(src, 'builtin.ts');
    build.onResolve({ filter: /(^|\/)builtin\.js$/ }, (args) =>
      join(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === builtin
        ? { path: join(src, 'builtin.precompiled.js'), namespace: 'templates' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'templates' }, () => ({
      contents: precompiledModule(options),
      loader: 'js',
      resolveDir: src,
    }));
  },
});

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
 * An import of another bundle's entry becomes a require of that bundle's file, so each module is
 * in exactly one bundle. The entry must load commands lazily, or `--help` would load them all.
 */
function bundleBoundaries(self) {
  return {
    name: 'bundle-boundaries',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData?.resolving) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        const target = resolved.errors.length === 0 && !resolved.external ? bundleOf.get(resolved.path) : undefined;
        if (target === undefined || target === self) return undefined;
        if (self === 'cli' && commandFiles.has(resolved.path) && args.kind !== 'dynamic-import') {
          throw new Error(`${relative(root, args.importer)} imports ${args.path} statically: the entry must load commands lazily`);
        }
        return { path: `./${target}.cjs`, external: true };
      });
    },
  };
}

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() of another bundle becomes a require() in a promise, which the loader in boot.cjs serves.
  supported: { 'dynamic-import': false },
  minify: process.env.BUILD_MINIFY !== '0',
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version), 'import.meta.url': 'importMetaUrl' },
  inject: [join(root, 'scripts', 'cjs-shims.js')],
  logLevel: 'warning',
};

// Built beside dist/ (in the ignored .cache/, same filesystem) and swapped in whole, so a run of
// the CLI or the tests during a rebuild finds a complete build rather than a half-written one.
// mkdirSync, not mkdtempSync: the folder becomes dist/ and must get the usual mode, not 0700.
const out = join(root, '.cache', `dist-${process.pid}-${Date.now().toString(36)}`);
mkdirSync(out, { recursive: true });
try {
  const options = await compileOptions();
  common.define.__TEMPLATES_FINGERPRINT__ = JSON.stringify(await templatesFingerprint());
  await Promise.all(
    Object.entries(BUNDLES).map(async ([name, entry]) => {
      await esbuild.build({
        ...common,
        entryPoints: [entry],
        outfile: join(out, `${name}.cjs`),
        plugins: [bundleBoundaries(name), precompiledTemplates(options), onlyUsedPrompts],
      });
    }),
  );
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
