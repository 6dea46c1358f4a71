#!/usr/bin/env node
// The `literate-gpt` command. Runs the compiled CLI from dist/ when it exists (fast start);
// otherwise the TypeScript source through tsx (a fresh checkout before `npm run build`).
'use strict';
const fs = require('fs');
const path = require('path');
const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(compiled) && process.env.LGPT_FROM_SOURCE !== '1') {
  require(compiled).main(process.argv.slice(2));
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'cli', 'main.ts')).main(process.argv.slice(2));
}
