#!/usr/bin/env node
// Is this Node.js one the project is tested on? package.json's `engines.node` lists the tested
// release lines as `^MAJOR.MINOR.PATCH` alternatives (environment.md says which exact versions CI
// runs). npm itself only warns about `engines` among many other lines, so `npm install` calls this
// (scripts/setup.js) to say it once, plainly. Run alone it prints the verdict and exits 0 or 1.
'use strict';
const path = require('path');

/** Parse "^20.19.0 || ^22.12.0" into [[20, 19, 0], [22, 12, 0]]; throws on any other form. */
function parseRange(range) {
  return range.split('||').map((alt) => {
    const m = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(alt);
    if (!m) throw new Error(`engines.node: expected '^X.Y.Z' alternatives joined by '||', got '${alt.trim()}'`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  });
}

/** Does version "v24.21.0" (or "24.21.0") satisfy one of the range's `^X.Y.Z` lines? */
function satisfies(version, range) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return parseRange(range).some(([M, N, P]) => maj === M && (min > N || (min === N && pat >= P)));
}

function engineRange() {
  return require(path.join(__dirname, '..', 'package.json')).engines.node;
}

/** One line for a Node outside the tested lines, or null when it is one of them. */
function nodeWarning(version = process.version, range = engineRange()) {
  if (satisfies(version, range)) return null;
  return `Node.js ${version} is not one the project is tested on (engines: ${range}); ` +
    'install one of those (environment.md) if something fails';
}

if (require.main === module) {
  const w = nodeWarning();
  console.log(w ?? `Node.js ${process.version} is tested (engines: ${engineRange()})`);
  process.exit(w ? 1 : 0);
}

module.exports = { parseRange, satisfies, nodeWarning, engineRange };
