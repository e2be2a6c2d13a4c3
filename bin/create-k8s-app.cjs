#!/usr/bin/env node
'use strict';
// CommonJS, so Node 20 starts it without its ES module loader; see src/boot.ts.
require('../dist/boot.cjs').start(require('node:path').join(__dirname, '..', 'dist'));
