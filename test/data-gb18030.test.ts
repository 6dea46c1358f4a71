import { strict as assert } from 'assert';
import { decodeGb18030, hasLegacyGb18030, LEGACY_GB18030_CHANGES, standardGb18030 } from '../src/data/gb18030';
import { decodeBytes } from '../src/data/mime';

/** Every two-byte GB18030 sequence (lead 0x81–0xFE, trail 0x40–0xFE without 0x7F). */
function* twoByteSequences(): Generator<Uint8Array> {
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) yield new Uint8Array([a, b]);
}

describe('data/gb18030: one decoding of Chinese mail on every Node', () => {
  it('decodes the sequences whose mapping changed in GB18030-2022 to the standard code points', () => {
    const cases: [number[], string][] = [
      [[0xfe, 0x58], '\u2e8b'], // U+E81D in the 2005 table
      [[0xa2, 0xe3], '\u20ac'], // the euro sign, U+E76C before
      [[0xa6, 0xd9], '\ufe10'], // a vertical form
      [[0xfe, 0xa0], '\u9fbb'],
      [[0xa3, 0xa0], '\u3000'],
      [[0xff], '\ufffd'], // a lone 0xFF is an error, not U+F8F5
    ];
    for (const [bytes, want] of cases) {
      const got = decodeGb18030(new Uint8Array(bytes));
      assert.equal(got, want, `bytes ${bytes.map((b) => b.toString(16)).join(' ')}: got U+${got.codePointAt(0)?.toString(16)}`);
    }
  });

  it('never yields a code point of the old table on this Node', () => {
    const legacy = new Set<string>();
    for (let c = 0xe000; c <= 0xf8ff; c++) {
      const ch = String.fromCharCode(c);
      if (standardGb18030(ch) !== ch) legacy.add(ch);
    }
    assert.equal(legacy.size, LEGACY_GB18030_CHANGES);
    let checked = 0;
    for (const bytes of twoByteSequences()) {
      for (const ch of decodeGb18030(bytes)) assert.ok(!legacy.has(ch), `bytes ${[...bytes].map((b) => b.toString(16)).join(' ')} gave U+${ch.codePointAt(0)?.toString(16)}`);
      checked++;
    }
    assert.equal(checked, 126 * 190);
  });

  it('leaves text from the current table unchanged, and is what decodeBytes uses for gb2312', () => {
    const text = '黄山旅游天天发 \u2e8b € \ue740';
    assert.equal(standardGb18030(text), text);
    const bytes = new Uint8Array([0xbb, 0xc6, 0xfe, 0x58]);
    assert.equal(decodeBytes(bytes, 'gb2312'), decodeGb18030(bytes));
    assert.equal(decodeBytes(bytes, 'GBK'), '黄\u2e8b');
    assert.equal(typeof hasLegacyGb18030(), 'boolean');
  });
});
