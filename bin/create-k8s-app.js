#!/usr/bin/env node
// Node's compile cache (22.1 and later) keeps V8's compiled code between runs; older Node runs uncached.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
