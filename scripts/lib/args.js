// The scripts' command-line reading: `--name value` flags and seed lists.
'use strict';

/** The value after `--name` in `argv`, or `dflt` when the flag is absent. */
function flagValue(argv, name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
}

/** "4-13" or "4,5,6" → [4, 5, …]. */
function seedList(text) {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return text.split(',').map(Number);
}

module.exports = { flagValue, seedList };
