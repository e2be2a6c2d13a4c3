// Injected into every bundle (scripts/build.mjs); included only where a module uses it.
// import.meta.url in the sources, for a CommonJS bundle: the URL of the bundle file itself.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
