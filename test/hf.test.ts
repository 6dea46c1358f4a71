// Hugging Face's GPT-2 format in and out (src/hf/): the safetensors reader, the tokenizer files,
// the config, and parity with the reference implementation — `transformers` on CPU PyTorch, run
// by scripts/hf_reference.py from the project's .venv (scripts/setup-torch.js installs it).
// Without that Python the parity tests skip with one line, unless CI or LGPT_REQUIRE_TORCH=1 is set.
import { strict as assert } from 'assert';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, tokenizerFromJson } from '../src/checkpoint';
import { loadCorpus } from '../src/data/corpus';
import { prepareClassifier } from '../src/classify/prepare';
import { InputError } from '../src/errors';
import { generate } from '../src/generate';
import {
  bpeFromHfFiles, bpeToHfFiles, encodeSafetensors, exportGpt2, gptConfigFromHf, hfConfigFromGpt, loadGpt2,
  parseSafetensorsHeader, readSafetensor, readSafetensorsHeader,
} from '../src/hf';
import { makeConfig } from '../src/model/config';
import { GPT } from '../src/model/gpt';
import { BpeTokenizer, gpt2Tokenizer } from '../src/tokenize';
import { assertCleanFailure, cli, cliInProcess } from './safety-helpers';

const ROOT = path.join(__dirname, '..');
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-hf-'));

/** The article's sentences and a stretch of the held-out Moby Dick: the text tokenizers are compared on. */
export const TOKENIZER_TEXT = [
  'GPT (Generative Pre-trained Transformer) is a language model released by OpenAI in 2018.',
  '这是一张猫的图片。 一只猫坐在垫子上。',
  "It's 3.14159 -- isn't it?\n\n  Tabs\tand  spaces,   'quotes' and <|endoftext|> as text.",
  loadCorpus('moby-dick').val.slice(0, 20_000),
].join('\n\n');

function logitsOf(model: GPT, ids: number[][]): Float32Array {
  return tf.tidy(() => model.logits(model.forward(tf.tensor2d(ids, undefined, 'int32')).hidden).dataSync() as Float32Array);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('safetensors', () => {
  const t = [
    { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
    { name: 'b.half', shape: [3], data: Float32Array.from([0.5, -2, 65504]), dtype: 'F16' as const },
    { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
  ];

  it('writes what it reads: F32, F16, an empty tensor, metadata, an 8-byte aligned header', () => {
    const dir = tmp();
    const file = path.join(dir, 'x.safetensors');
    fs.writeFileSync(file, encodeSafetensors(t, { format: 'pt' }));
    const h = readSafetensorsHeader(file);
    assert.deepEqual(h.metadata, { format: 'pt' });
    assert.deepEqual([...h.entries.keys()], ['a', 'b.half', 'empty']);
    assert.equal(h.entries.get('a')!.begin % 8, 0);
    assert.deepEqual(Array.from(readSafetensor(file, h.entries.get('a')!)), [1, 2, 3, 4, 5, 6.5]);
    assert.deepEqual(Array.from(readSafetensor(file, h.entries.get('b.half')!)), [0.5, -2, 65504]);
    assert.equal(readSafetensor(file, h.entries.get('empty')!).length, 0);
  });

  it('reads BF16 (the upper half of float32)', () => {
    const dir = tmp();
    const file = path.join(dir, 'bf.safetensors');
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }));
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(header.length));
    const f32 = Float32Array.from([1.5, -3]);
    const u16 = new Uint16Array(f32.buffer);
    fs.writeFileSync(file, Buffer.concat([len, header, Buffer.from(Uint16Array.from([u16[1], u16[3]]).buffer)]));
    const h = readSafetensorsHeader(file);
    assert.deepEqual(Array.from(readSafetensor(file, h.entries.get('w')!)), [1.5, -3]);
  });

  it('refuses a header that does not describe the data exactly, with one line naming the file', () => {
    const entry = (dtype: string, shape: number[], off: number[]) => ({ dtype, shape, data_offsets: off });
    const bad: [string, unknown, number, RegExp][] = [
      ['not JSON', '{nope', 8, /not valid JSON/],
      ['an array', '[]', 0, /not a JSON object/],
      ['unknown dtype', { w: entry('F7', [2], [0, 8]) }, 8, /unknown dtype/],
      ['bad shape', { w: entry('F32', [-1], [0, 4]) }, 4, /bad shape/],
      ['size mismatch', { w: entry('F32', [3], [0, 8]) }, 8, /needs 12/],
      ['past the end', { w: entry('F32', [4], [0, 16]) }, 8, /has only 8/],
      ['overlap', { a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [4, 8]) }, 8, /overlaps/],
      ['a gap', { a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) }, 12, /gap of 4 bytes/],
      ['trailing bytes', { a: entry('F32', [1], [0, 4]) }, 8, /describes 4 bytes of data, the file holds 8/],
      ['bad metadata', { __metadata__: { n: 1 } }, 0, /__metadata__/],
    ];
    for (const [what, header, dataBytes, re] of bad) {
      const text = typeof header === 'string' ? header : JSON.stringify(header);
      assert.throws(() => parseSafetensorsHeader(text, dataBytes, 'f.safetensors'), (e: Error) => e instanceof InputError && re.test(e.message) && e.message.startsWith('f.safetensors: ') && !e.message.includes('\n'), what);
    }
  });

  it('refuses a length field that is absurd or longer than the file, before reading it', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(2n ** 62n);
    fs.writeFileSync(file, len);
    assert.throws(() => readSafetensorsHeader(file), /claims .* bytes \(limit/);
    len.writeBigUInt64LE(100n);
    fs.writeFileSync(file, Buffer.concat([len, Buffer.from('{}')]));
    assert.throws(() => readSafetensorsHeader(file), /the file has only 2/);
    fs.writeFileSync(file, 'abc');
    assert.throws(() => readSafetensorsHeader(file), /too short/);
  });
});

describe('Hugging Face tokenizer files', () => {
  it("our shipped LM's BPE survives vocab.json + merges.txt: same ids on the article and Moby Dick", () => {
    const tok = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm')).tokenizer as BpeTokenizer;
    const files = bpeToHfFiles(tok);
    assert.equal(Object.keys(files.vocab).length, tok.vocabSize);
    const back = bpeFromHfFiles(files.vocab, files.merges, 'test');
    assert.deepEqual(back.encode(TOKENIZER_TEXT), tok.encode(TOKENIZER_TEXT));
  });

  it("GPT-2's own BPE round-trips with <|endoftext|> as 50256", () => {
    const gpt2 = gpt2Tokenizer();
    const files = bpeToHfFiles(gpt2);
    assert.equal(files.vocab['<|endoftext|>'], 50256);
    assert.equal(files.vocab['Ġthe'], 262);
    const back = bpeFromHfFiles(files.vocab, files.merges, 'test');
    const text = TOKENIZER_TEXT.slice(0, 3000);
    assert.deepEqual(back.encode(text), gpt2.encode(text));
  });

  it('refuses what the files cannot hold: two tokens of the same bytes, a tokenizer without the GPT-2 split', () => {
    const dup = BpeTokenizer.fromJSON({ format: 'literate-gpt-bpe', version: 1, pattern: 'gpt2', mergeRule: 'pairs', merges: [[97, 98], [98, 99], [256, 99], [97, 257]], specialTokens: {} });
    assert.throws(() => bpeToHfFiles(dup), /tokens 258 and 259 are the same bytes/);
    const none = BpeTokenizer.fromJSON({ format: 'literate-gpt-bpe', version: 1, pattern: 'none', mergeRule: 'pairs', merges: [], specialTokens: {} });
    assert.throws(() => bpeToHfFiles(none), /pattern 'none'/);
  });
});

describe('GPT-2 config.json', () => {
  const gpt2Small = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, activation_function: 'gelu_new', layer_norm_epsilon: 1e-5 };

  it('reads every size of the family from its config (distilgpt2 … 1.5B)', () => {
    const sizes: [number, number, number][] = [[6, 12, 768], [12, 12, 768], [24, 16, 1024], [36, 20, 1280], [48, 25, 1600]];
    for (const [L, nh, C] of sizes) {
      const cfg = gptConfigFromHf({ ...gpt2Small, n_layer: L, n_head: nh, n_embd: C }, 'config.json');
      assert.deepEqual([cfg.nLayer, cfg.nHead, cfg.nEmbd, cfg.blockSize, cfg.vocabSize], [L, nh, C, 1024, 50257]);
    }
    // 124,439,808: chapter 03's hand count of GPT-2 small.
    const model = new GPT(makeConfig({ ...gptConfigFromHf(gpt2Small, 'c'), nLayer: 1 }), { weights: (s) => new Float32Array(s.shape.reduce((a, b) => a * b, 1)) });
    const perBlock = 12 * 768 * 768 + 13 * 768;
    assert.equal(model.numParams() + 11 * perBlock, 124_439_808);
    model.dispose();
  });

  it('refuses, in one line, what this model does not compute', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ model_type: 'gpt_neo' }, /only GPT-2/],
      [{ activation_function: 'relu' }, /tanh approximation/],
      [{ n_inner: 100 }, /4 × n_embd/],
      [{ layer_norm_epsilon: 1e-6 }, /layer_norm_epsilon/],
      [{ tie_word_embeddings: false }, /tie_word_embeddings/],
      [{ n_head: 7 }, /divisible/],
      [{ n_layer: 'x' }, /n_layer must be an integer/],
    ];
    for (const [patch, re] of bad) assert.throws(() => gptConfigFromHf({ ...gpt2Small, ...patch }, 'config.json'), (e: Error) => e instanceof InputError && re.test(e.message), JSON.stringify(patch));
  });

  it('writes a config it reads back to the same shape', () => {
    const cfg = makeConfig({ preset: 'pico', vocabSize: 300 });
    const back = gptConfigFromHf(hfConfigFromGpt(cfg), 'c');
    assert.deepEqual(back, cfg);
  });
});

describe('export hf → loadGpt2 (no Python)', () => {
  it('gives back the same model, bit for bit, and the same tokenizer', () => {
    const tok = BpeTokenizer.train('the cat sat on the mat; the cat ate the rat. '.repeat(20), 280);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 3 });
    const out = path.join(tmp(), 'export');
    const files = exportGpt2(model, tok, out);
    assert.deepEqual(files.map((f) => f.name).sort(), ['config.json', 'merges.txt', 'model.safetensors', 'tokenizer_config.json', 'vocab.json']);
    const back = loadGpt2(out);
    const ids = [[1, 2, 3, 260, 270, 5]];
    assert.equal(maxAbsDiff(logitsOf(back.model, ids), logitsOf(model, ids)), 0);
    assert.deepEqual(back.tokenizer!.encode('the cat sat'), tok.encode('the cat sat'));
    assert.throws(() => exportGpt2(model, tok, out), /not an empty folder/);
    const broken = path.join(tmp(), 'broken-link');
    fs.symlinkSync(path.join(tmp(), 'nowhere'), broken);
    assert.throws(() => exportGpt2(model, tok, broken), /not an empty folder \(a link/);
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'x');
    assert.throws(() => exportGpt2(model, tok, path.join(file, 'under')), /under: cannot lock the folder for writing \(a path component is not a folder\)$/);
    back.model.dispose();
    model.dispose();
  });

  it("reads OpenAI's own layout: names without 'transformer.', attention-mask buffers, a stored lm_head equal to wte", () => {
    const tok = BpeTokenizer.train('the cat sat on the mat. '.repeat(20), 270);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 5 });
    const out = path.join(tmp(), 'openai');
    exportGpt2(model, tok, out);
    const w = path.join(out, 'model.safetensors');
    const h = readSafetensorsHeader(w);
    const T = model.config.blockSize;
    const mask = new Float32Array(T * T).map((_, i) => (i % T <= Math.floor(i / T) ? 1 : 0));
    const tensors = [...h.entries.values()].map((e) => ({ name: e.name.replace(/^transformer\./, ''), shape: e.shape, data: readSafetensor(w, e) }));
    const wte = tensors.find((t) => t.name === 'wte.weight')!;
    tensors.push({ name: 'h.0.attn.bias', shape: [1, 1, T, T], data: mask }, { name: 'lm_head.weight', shape: wte.shape, data: wte.data });
    fs.writeFileSync(w, encodeSafetensors(tensors));
    const back = loadGpt2(out);
    const ids = [[1, 2, 3, 260, 5]];
    assert.equal(maxAbsDiff(logitsOf(back.model, ids), logitsOf(model, ids)), 0);
    back.model.dispose();
    const head = tensors.find((t) => t.name === 'lm_head.weight')!;
    const untied = Float32Array.from(head.data);
    untied[7] += 1;
    fs.writeFileSync(w, encodeSafetensors(tensors.map((t) => (t === head ? { ...t, data: untied } : t))));
    assert.throws(() => loadGpt2(out), /lm_head\.weight differs from wte at index 7; an untied head is not this model/);
    model.dispose();
  });

  it('refuses a folder with wrong, missing or extra tensors before reading a weight', () => {
    const tok = BpeTokenizer.train('abc abd abe '.repeat(10), 260);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 1 });
    const out = path.join(tmp(), 'e');
    exportGpt2(model, tok, out);
    const cfgFile = path.join(out, 'config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, n_layer: 2 }));
    assert.throws(() => loadGpt2(out), /tensor 'h\.1\.ln_1\.weight' \(or 'transformer\.h\.1\.ln_1\.weight'\) is missing/);
    fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, n_embd: 32, n_head: 2 }));
    assert.throws(() => loadGpt2(out), /has shape \[260, 16\], config.json implies \[260, 32\]/);
    fs.writeFileSync(cfgFile, JSON.stringify(cfg));
    const w = path.join(out, 'model.safetensors');
    const bytes = fs.readFileSync(w);
    bytes.writeBigUInt64LE(12345678901n, 0);
    fs.writeFileSync(w, bytes);
    assert.throws(() => loadGpt2(out), InputError);
    model.dispose();
  });

  it('refuses integer weights and NaN before the model exists, leaking no tensor', () => {
    const tok = BpeTokenizer.train('abc abd abe '.repeat(10), 260);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 1 });
    const out = path.join(tmp(), 'e');
    exportGpt2(model, tok, out);
    const w = path.join(out, 'model.safetensors');
    const good = fs.readFileSync(w);
    const n = Number(good.readBigUInt64LE(0));
    const header = good.subarray(8, 8 + n).toString('utf8');
    fs.writeFileSync(w, Buffer.concat([good.subarray(0, 8), Buffer.from(header.replace('"transformer.ln_f.bias":{"dtype":"F32"', '"transformer.ln_f.bias":{"dtype":"I32"')), good.subarray(8 + n)]));
    assert.throws(() => loadGpt2(out), /transformer\.ln_f\.bias' is I32, not a floating-point weight/);
    const bad = Buffer.from(good);
    fs.writeFileSync(w, good);
    const e = readSafetensorsHeader(w).entries.get('transformer.ln_f.bias')!;
    bad.writeFloatLE(NaN, e.begin + 4);
    fs.writeFileSync(w, bad);
    const before = tf.memory().numTensors;
    assert.throws(() => loadGpt2(out), /tensor 'ln_f\.bias' has a non-finite value at index 1/);
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it('train classifier --pretrained takes the folder: prepareClassifier adds <s>, <e> and a head to the exported LM', () => {
    const ck = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm'));
    const out = path.join(tmp(), 'lm-hf');
    exportGpt2(ck.model, ck.tokenizer!, out);
    const { model, tokenizer } = prepareClassifier(out, 'pretrained', 1);
    assert.equal(model.config.vocabSize, ck.model.config.vocabSize + 2);
    assert.equal(tokenizer.vocabSize, ck.model.config.vocabSize + 2);
    assert.equal(model.nClasses, 2);
    const row = (m: GPT, i: number): number[] => tf.tidy(() => Array.from(m.params.get('wte')!.slice([i, 0], [1, -1]).dataSync() as Float32Array));
    assert.deepEqual(row(model, 100), row(ck.model, 100));
    model.dispose();
    ck.model.dispose();
  });

  it('refuses a classifier and a character tokenizer with one line', () => {
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: 300 }), { nClasses: 2 });
    const tok = BpeTokenizer.train('abc', 256);
    assert.throws(() => exportGpt2(model, tok, path.join(tmp(), 'x')), /classification head/);
    model.dispose();
    const ck = loadCheckpoint(path.join(ROOT, 'data/checkpoints/image'));
    assert.throws(() => exportGpt2(ck.model, tokenizerFromJson({ format: 'literate-gpt-char', version: 1, chars: ['a', 'b'] }), path.join(tmp(), 'y')), InputError);
    ck.model.dispose();
  });
});

describe('literate-gpt export hf / sample lm on a Hugging Face folder', () => {
  it('exports the shipped LM, and sample lm on the export gives the same greedy text as on the original', async () => {
    const out = path.join(tmp(), 'lm-hf');
    const r = await cli(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { parameters: number; files: { name: string; bytes: number }[] };
    const ck = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm'));
    assert.equal(res.parameters, ck.model.numParams());
    ck.model.dispose();
    const weights = res.files.find((f) => f.name === 'model.safetensors')!;
    assert.ok(weights.bytes > 4 * res.parameters && weights.bytes < 4 * res.parameters + 16_384, `${weights.bytes} bytes`); // float32, a small header
    const args = ['--prompt', 'Call me Ishmael.', '--tokens', '24', '--temperature', '0', '--json'];
    const [a, b] = await Promise.all([cli(['sample', 'lm', '--checkpoint', out, ...args]), cli(['sample', 'lm', '--checkpoint', 'data/checkpoints/lm', ...args])]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).text, JSON.parse(b.stdout).text);
    // eval lm reads the folder too: the same weights, the same validation loss.
    const [ea, eb] = await Promise.all([cli(['eval', 'lm', '--checkpoint', out, '--json']), cli(['eval', 'lm', '--checkpoint', 'data/checkpoints/lm', '--json'])]);
    assert.equal(ea.status, 0, ea.stderr);
    assert.ok(Math.abs(JSON.parse(ea.stdout).valLoss - JSON.parse(eb.stdout).valLoss) < 1e-6, `${ea.stdout} vs ${eb.stdout}`);
  });

  it('refuses with one line and writes nothing: a classifier, an image model, a non-empty --out, a damaged safetensors header', async () => {
    const dir = tmp();
    for (const [kind, re] of [['classifier', /a classifier; GPT2LMHeadModel holds a language model only/], ['image', /an image model/]] as const) {
      const out = path.join(dir, kind);
      assertCleanFailure(await cliInProcess(['export', 'hf', '--checkpoint', `data/checkpoints/${kind}`, '--out', out]), re, kind);
      assert.ok(!fs.existsSync(out), `${kind}: --out was created`);
    }
    fs.writeFileSync(path.join(dir, 'mine.txt'), 'x');
    assertCleanFailure(await cliInProcess(['export', 'hf', '--checkpoint', 'data/checkpoints/lm', '--out', dir]), /not an empty folder/, 'non-empty');
    assert.deepEqual(fs.readdirSync(dir), ['mine.txt']);
    const hf = path.join(dir, 'hf');
    const lm = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm'));
    exportGpt2(lm.model, lm.tokenizer!, hf);
    lm.model.dispose();
    const w = path.join(hf, 'model.safetensors');
    const bytes = fs.readFileSync(w);
    bytes.write('[', 8); // the header's JSON no longer opens with '{'
    fs.writeFileSync(w, bytes);
    assertCleanFailure(await cliInProcess(['sample', 'lm', '--checkpoint', hf, '--prompt', 'x']), /model\.safetensors: its header does not start with '\{'/, 'damaged header');
  });
});

// ---- parity with transformers (CPU PyTorch) ----

const PYTHON = process.env.LGPT_PYTHON ?? path.join(ROOT, '.venv', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
const hasTorch = fs.existsSync(PYTHON) && cp.spawnSync(PYTHON, ['-c', 'import torch, transformers, safetensors'], { stdio: 'ignore' }).status === 0;

function python(args: string[], input?: unknown): Record<string, unknown> {
  const r = cp.spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'hf_reference.py'), ...args], { input: input === undefined ? undefined : JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_VERBOSITY: 'error' } });
  assert.equal(r.status, 0, `hf_reference.py ${args[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('parity with Hugging Face transformers (CPU PyTorch)', function () {
  before(function () {
    if (hasTorch) return;
    // CI installs them (scripts/setup-torch.js runs when CI is set): there a skip would hide a failure.
    if (process.env.LGPT_REQUIRE_TORCH === '1' || process.env.CI) throw new Error(`CI or LGPT_REQUIRE_TORCH=1, but ${PYTHON} cannot import torch, transformers and safetensors (node scripts/setup-torch.js --install installs them)`);
    // eslint-disable-next-line no-console
    console.log(`    skipped: no Python with torch + transformers at ${PYTHON} (node scripts/setup-torch.js --install installs them)`);
    this.skip();
  });

  // Float32 on both sides, summed in different orders: the logits agree to a few ulps of their size.
  const TOL = 1e-4;

  it(`a random GPT2LMHeadModel saved by transformers loads here with the same logits (max |Δ| ≤ ${TOL})`, () => {
    const dir = path.join(tmp(), 'random');
    python(['random', dir, '--layers', '2', '--heads', '2', '--embd', '32', '--vocab', '101', '--positions', '16', '--seed', '7']);
    const ids = [[5, 17, 99, 0, 42, 42, 3, 100, 64, 1, 2, 3, 4, 5, 6, 7], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 22, 33, 44, 55, 66]];
    const ref = python(['run'], { dir, ids }).logits as number[][][];
    const { model, tokenizer } = loadGpt2(dir);
    assert.equal(tokenizer, null);
    const diff = maxAbsDiff(logitsOf(model, ids), ref.flat(2));
    assert.ok(diff <= TOL, `max |Δ| ${diff}`);
    if (process.env.LGPT_HF_VERBOSE) console.log(`      random GPT-2: max |Δ| ${diff.toExponential(2)}`); // eslint-disable-line no-console
    model.dispose();
  });

  it(`our shipped LM exported loads in transformers: same logits (≤ ${TOL}), same greedy continuation, same token ids`, () => {
    const ck = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm'));
    const tok = ck.tokenizer as BpeTokenizer;
    const dir = path.join(tmp(), 'lm-hf');
    exportGpt2(ck.model, tok, dir);
    const prompt = tok.encode('Call me Ishmael. Some years ago');
    const ids = [tok.encode(TOKENIZER_TEXT.slice(200, 2000)).slice(0, 128)];
    const ref = python(['run'], { dir, ids, greedy: { prompt, tokens: 40 }, text: TOKENIZER_TEXT });
    const diff = maxAbsDiff(logitsOf(ck.model, ids), (ref.logits as number[][][]).flat(2));
    assert.ok(diff <= TOL, `max |Δ| ${diff}`);
    if (process.env.LGPT_HF_VERBOSE) console.log(`      shipped LM: max |Δ| ${diff.toExponential(2)}, tokenizer ${String(ref.tokenizerClass)}`); // eslint-disable-line no-console
    const ours = generate(ck.model, prompt, { maxNewTokens: 40, temperature: 0 });
    assert.deepEqual(ours.tokens, ref.greedy);
    assert.deepEqual(ref.ids, tok.encode(TOKENIZER_TEXT), `tokenizer ${String(ref.tokenizerClass)}`);
    ck.model.dispose();
  });

  it("chapter 07's scripts/continue_training.py trains the export a few CPU steps, and the result loads back here", () => {
    const ck = loadCheckpoint(path.join(ROOT, 'data/checkpoints/lm'));
    const tok = ck.tokenizer as BpeTokenizer;
    const dir = tmp();
    exportGpt2(ck.model, tok, path.join(dir, 'lm-hf'));
    fs.writeFileSync(path.join(dir, 'text.txt'), loadCorpus('moby-dick').train.slice(0, 100_000));
    const r = cp.spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'continue_training.py'), '--model', path.join(dir, 'lm-hf'), '--text', path.join(dir, 'text.txt'),
      '--steps', '3', '--batch', '4', '--threads', '1', '--out', path.join(dir, 'more')], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_VERBOSITY: 'error' } });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { steps: number; firstLoss: number; lastLoss: number };
    assert.equal(summary.steps, 3);
    assert.ok(Number.isFinite(summary.firstLoss) && Number.isFinite(summary.lastLoss) && summary.firstLoss < 6, JSON.stringify(summary));
    const back = loadGpt2(path.join(dir, 'more')); // transformers saved tokenizer.json this time, not vocab.json + merges.txt
    assert.deepEqual(back.tokenizer!.encode(TOKENIZER_TEXT.slice(0, 5000)), tok.encode(TOKENIZER_TEXT.slice(0, 5000)));
    const ids = [tok.encode('Call me Ishmael. Some years ago')];
    const moved = maxAbsDiff(logitsOf(back.model, ids), logitsOf(ck.model, ids));
    assert.ok(moved > 1e-4 && moved < 5, `logits moved by ${moved}`); // trained, a little
    back.model.dispose();
    ck.model.dispose();
  });
});
