#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps the compiled bundle on disk between runs (in the OS temp folder unless
// NODE_COMPILE_CACHE says otherwise); Node 20 has no such cache and just compiles. It must be on
// before the bundle is imported, hence the dynamic import.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

process.exitCode = await main(process.argv.slice(2));
