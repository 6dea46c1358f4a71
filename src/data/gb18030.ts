/**
 * Chinese mail in the corpus is labelled gb2312 or gbk, which the Encoding Standard decodes with
 * its gb18030 decoder. Node 20's ICU still carries GB18030-2005's table, where 102 byte pairs
 * land in the Private Use Area (0xFE58 gives U+E81D); Node 22 and later follow the current
 * standard (GB18030-2022 and the WHATWG index: 0xFE58 gives U+2E8B, a lone 0xFF gives U+FFFD).
 * `standardGb18030` turns the old decoder's output into the current one's, so a message reads
 * the same on every Node. The table was measured by decoding every two-byte sequence on Node
 * 20.20 and 26.10 (`test/data-gb18030.test.ts` checks it against the running Node).
 */

/** Runs of old Private Use Area code points, from the first one, and what each decodes to now. */
const LEGACY_RUNS: readonly (readonly [number, string])[] = [
  [0xe5e5, '\u3000'],
  [0xe76c, '\u20ac'],
  [0xe78d, '\ufe10\ufe12\ufe11\ufe13\ufe14\ufe15\ufe16\ufe17\ufe18\ufe19'],
  [0xe7c7, '\u1e3f\u01f9'],
  [0xe7e7, '\u303e\u2ff0\u2ff1\u2ff2\u2ff3\u2ff4\u2ff5\u2ff6\u2ff7\u2ff8\u2ff9\u2ffa' +
    '\u2ffb'],
  [0xe815, '\u2e81'],
  [0xe819, '\u2e84\u3473\u3447\u2e88\u2e8b\u9fb4\u359e\u361a\u360e\u2e8c\u2e97\u396e' +
    '\u3918\u9fb5\u39cf\u39df\u3a73\u39d0\u9fb6\u9fb7\u3b4e\u3c6e\u3ce0\u2ea7'],
  [0xe832, '\u9fb8\u2eaa\u4056\u415f\u2eae\u4337\u2eb3\u2eb6\u2eb7'],
  [0xe83c, '\u43b1\u43ac\u2ebb\u43dd\u44d6\u4661\u464c\u9fb9\u4723\u4729\u477c\u478d' +
    '\u2eca\u4947\u497a\u497d\u4982\u4983\u4985\u4986\u499f\u499b\u49b7\u49b6' +
    '\u9fba'],
  [0xe856, '\u4ca3\u4c9f\u4ca0\u4ca1\u4c77\u4ca2\u4d13\u4d14\u4d15\u4d16\u4d17\u4d18' +
    '\u4d19\u4dae\u9fbb'],
];

const LEGACY_TO_STANDARD = new Map<string, string>();
for (const [start, chars] of LEGACY_RUNS) {
  [...chars].forEach((c, i) => LEGACY_TO_STANDARD.set(String.fromCharCode(start + i), c));
}
// GB18030-2005 decodes a lone 0xFF to U+F8F5; the standard calls it an error (U+FFFD).
LEGACY_TO_STANDARD.set('\uf8f5', '\ufffd');

/** The number of code points the old table maps differently (102). */
export const LEGACY_GB18030_CHANGES = LEGACY_TO_STANDARD.size;

let legacy: boolean | undefined;

/** Does this Node decode GB18030 with the 2005 table (Node 20's ICU)? */
export function hasLegacyGb18030(): boolean {
  legacy ??= new TextDecoder('gbk').decode(new Uint8Array([0xfe, 0x58])) === '\ue81d';
  return legacy;
}

/** Text from the old GB18030 table, re-mapped to the current standard; other text unchanged. */
export function standardGb18030(text: string): string {
  return text.replace(/[\ue5e5\ue76c-\ue864\uf8f5]/g, (c) => LEGACY_TO_STANDARD.get(c) ?? c);
}

/** Decode gb2312 / gbk / gb18030 bytes as the current Encoding Standard does, on any Node. */
export function decodeGb18030(bytes: Uint8Array): string {
  const text = new TextDecoder('gb18030').decode(bytes);
  return hasLegacyGb18030() ? standardGb18030(text) : text;
}
