// Fuzzing the loaders: thousands of random and mutated checkpoint folders and token streams,
// seeded and bounded. Every case must end in a valid load or a clean one-line InputError —
// never another exception, a hang, or a leaked tensor.
//
//   LGPT_FUZZ_SCALE=10 npx mocha test/safety-fuzz.test.ts   # ten times as many cases
//   LGPT_FUZZ_SEED=7 ...                                     # another seed
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/checkpoint';
import { Rng } from '../src/engine';
import { InputError } from '../src/errors';
import { generate } from '../src/generate';
import { BpeTokenizer, CharTokenizer } from '../src/tokenize';
import { DEFAULT_LM_OPTIONS, validateLmTrainState } from '../src/train';
import { PICO_TEXT, savePico, weightsFileOf } from './safety-helpers';

const SCALE = Number(process.env.LGPT_FUZZ_SCALE ?? 1);
const SEED = Number(process.env.LGPT_FUZZ_SEED ?? 20261129);
/** Longest a single case may take: anything near it would be a hang in disguise. */
const CASE_LIMIT_MS = 2000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Tally of outcomes, printed at the end so a reader sees what the fuzz actually exercised. */
class Tally {
  ok = 0;
  refused = 0;
  maxMs = 0;
  readonly reasons = new Map<string, number>();
  record(outcome: 'ok' | string, ms: number): void {
    this.maxMs = Math.max(this.maxMs, ms);
    if (outcome === 'ok') { this.ok++; return; }
    this.refused++;
    // Group messages by their shape: drop the path and the numbers.
    const key = outcome.replace(/^[^:]*checkpoint\.json: |^[^:]*\.bin: /, '').replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, 'N').replace(/'[^']*'|"[^"]*"/g, 'X').slice(0, 60);
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }
  summary(label: string): string {
    const top = [...this.reasons].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${v}× ${k}`).join('; ');
    return `${label}: ${this.ok + this.refused} cases, ${this.ok} loaded, ${this.refused} refused, slowest ${this.maxMs.toFixed(0)} ms. Most common: ${top}`;
  }
}

/** Run one case; only a valid result or an InputError passes. Checks tensors are not leaked. */
function attempt(tally: Tally, what: string, run: () => void): void {
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  let outcome = 'ok';
  try {
    run();
  } catch (e) {
    if (!(e instanceof InputError)) {
      throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
    }
    assert.ok(!e.message.includes('\n'), `${what}: a multi-line message: ${e.message.slice(0, 300)}`);
    assert.ok(e.message.length < 400, `${what}: a message of ${e.message.length} characters`);
    outcome = e.message;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_LIMIT_MS, `${what}: took ${ms.toFixed(0)} ms`);
  assert.equal(tf.memory().numTensors, before, `${what}: leaked ${tf.memory().numTensors - before} tensors`);
  tally.record(outcome, ms);
}

/** Load `dir`; on success check what came back and free it. */
function loadAndCheck(dir: string): void {
  const ck = loadCheckpoint(dir);
  try {
    for (const [name, v] of ck.model.params) {
      const data = v.dataSync();
      for (let i = 0; i < data.length; i++) assert.ok(Number.isFinite(data[i]), `a loaded ${name} holds ${data[i]}`);
    }
    assert.ok(ck.tokenizer === null || ck.tokenizer.vocabSize === ck.model.config.vocabSize);
    if (ck.json.trainState) validateLmTrainState(ck.json.trainState, 'checkpoint.json'); // may refuse, must not crash
  } finally {
    ck.model.dispose();
    if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
  }
}

// ---- mutations -----------------------------------------------------------------------------

function deep(n: number): Json {
  let x: Json = [];
  for (let i = 0; i < n; i++) x = [x];
  return x;
}

const JUNK: Json[] = [
  0, -1, 1, 0.5, -0.5, 3, 12, 16, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e-320,
  '', 'x', '../weights.bin', '/etc/passwd', '..', 'weights.bin', 'checkpoint.json', 'a'.repeat(5000), '\u0000', 'NaN', 'Infinity', '12', 'float64', 'int8', '\u2028\n\r',
  null, true, false, [], {}, [1, 2, 3], [16, 16], [12, 16], ['a'], { a: [1, { b: null }] }, deep(10), deep(100), { __proto__: null, constructor: 1 } as unknown as Json,
];
/** Texts JSON.stringify never writes, swapped in for a number. */
const RAW_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '00', '0x10', '1.', '.5', '+1', '-0', '9007199254740993'];

/** Every container (object or array) in `j`, with a way to reach it. */
function containers(j: Json): Json[] {
  const out: Json[] = [];
  const stack: Json[] = [j];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === 'object' && x !== null) {
      out.push(x);
      for (const v of Object.values(x)) stack.push(v);
    }
  }
  return out;
}

function mutateTree(root: Json, rng: Rng): string {
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)];
  const nodes = containers(root);
  const node = pick(nodes) as Json[] | Record<string, Json>;
  const keys = Object.keys(node);
  const junk = (): Json => structuredClone(pick(JUNK));
  const op = rng.int(8);
  if (keys.length === 0 || op === 0) {
    // Add a key (or element): junk, including keys that matter in JavaScript.
    const k = pick(['__proto__', 'constructor', 'prototype', 'toString', 'extra', 'weightsFile', 'name', 'shape', 'offset', '0', '-1', '1e3']);
    if (Array.isArray(node)) { node.push(junk()); return 'append junk'; }
    node[k] = junk();
    return `add key ${k}`;
  }
  const k = pick(keys);
  const cur = (node as Record<string, Json>)[k];
  switch (op) {
    case 1: if (Array.isArray(node)) node.splice(Number(k), 1); else delete node[k]; return `delete ${k}`;
    case 2: (node as Record<string, Json>)[k] = junk(); return `replace ${k} with junk`;
    case 3: if (typeof cur === 'number') { (node as Record<string, Json>)[k] = pick([cur + 1, cur - 1, cur * 2, -cur, cur + 0.5, cur * 1e6, 0]); return `tweak number ${k}`; } break;
    case 4: if (Array.isArray(node) && node.length > 1) { const i = rng.int(node.length); const jx = rng.int(node.length); [node[i], node[jx]] = [node[jx], node[i]]; return 'swap elements'; } break;
    case 5: if (Array.isArray(node)) { node.push(structuredClone(node[rng.int(node.length)])); return 'duplicate element'; } break;
    case 6: if (typeof cur === 'string') { (node as Record<string, Json>)[k] = cur.slice(0, rng.int(cur.length + 1)) + pick(['', '/..', '\\', '\u0000', 'x', '../']); return `edit string ${k}`; } break;
    default: break;
  }
  (node as Record<string, Json>)[k] = junk();
  return `replace ${k}`;
}

function mutateBytes(b: Buffer, rng: Rng): [Buffer, string] {
  const op = rng.int(6);
  const at = rng.int(b.length + 1);
  switch (op) {
    case 0: return [b.subarray(0, at), `truncate at ${at}`];
    case 1: { const c = Buffer.from(b); const flips = 1 + rng.int(8); for (let i = 0; i < flips; i++) c[rng.int(c.length)] ^= 1 << rng.int(8); return [c, `${flips} bit flips`]; }
    case 2: { const junk = Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256))); return [Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]), 'insert bytes']; }
    case 3: return [Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(64)))]), 'delete a range'];
    case 4: return [Buffer.concat([b.subarray(0, at), b.subarray(at, at + 64), b.subarray(at)]), 'duplicate a range'];
    default: return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), 'BOM prefix'];
  }
}

// ---- the tests -----------------------------------------------------------------------------

describe('safety: fuzzing the checkpoint loader', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-fuzz-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const base = path.join(tmp, 'base');
  const trainState = {
    options: { ...DEFAULT_LM_OPTIONS, preset: 'pico', steps: 6, evalEvery: 2 },
    scheduleSteps: 6, rng: [1, 2, 3, 4], elapsedMs: 120, tokensSeen: 1024,
    history: [{ step: 2, trainLoss: 2.4, valLoss: 2.5, elapsedMs: 60 }], trainCurve: [[1, 2.5], [2, 2.4]],
  };
  let json: Json;
  let jsonText: Buffer;
  let weights: Buffer;
  let weightsName: string;
  const work = path.join(tmp, 'case');
  const outside = path.join(tmp, 'outside.bin');

  before(() => {
    savePico(base, { optimizer: true, trainState });
    jsonText = fs.readFileSync(path.join(base, 'checkpoint.json'));
    json = JSON.parse(jsonText.toString('utf8')) as Json;
    weights = fs.readFileSync(weightsFileOf(base));
    weightsName = path.basename(weightsFileOf(base));
    fs.writeFileSync(outside, weights);
    loadAndCheck(base); // the unmutated checkpoint loads
  });

  /**
   * A case folder holding the given checkpoint.json and weights. Only checkpoint.json is
   * rewritten while the weights stay the pristine ones (most cases): that halves the I/O.
   */
  let pristine = false;
  function writeCase(text: Buffer | string, w: Buffer = weights): void {
    if (!(pristine && w === weights)) {
      fs.rmSync(work, { recursive: true, force: true });
      fs.mkdirSync(work);
      fs.writeFileSync(path.join(work, weightsName), w);
    }
    fs.writeFileSync(path.join(work, 'checkpoint.json'), text);
    pristine = w === weights;
  }
  /** After a case that changes the folder itself (links, folders in place of files). */
  const touched = (): void => { pristine = false; };

  it(`survives ${Math.round(2000 * SCALE)} structurally mutated checkpoint.json files`, () => {
    const rng = new Rng(SEED);
    const tally = new Tally();
    for (let i = 0; i < Math.round(2000 * SCALE); i++) {
      const j = structuredClone(json);
      const ops: string[] = [];
      for (let m = 1 + rng.int(3); m > 0; m--) ops.push(mutateTree(j, rng));
      let text = JSON.stringify(j);
      if (rng.int(5) === 0) {
        // A number token JSON.stringify never writes: NaN, 1e400, 0x10, …
        const nums = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
        const hit = nums[rng.int(nums.length)];
        const raw = RAW_NUMBERS[rng.int(RAW_NUMBERS.length)];
        text = text.slice(0, hit.index) + raw + text.slice(hit.index! + hit[0].length);
        ops.push(`number → ${raw}`);
      }
      writeCase(text);
      attempt(tally, `tree case ${i} (${ops.join(', ')})`, () => loadAndCheck(work));
    }
    console.log(`      ${tally.summary('tree mutations')}`);
    assert.ok(tally.refused > tally.ok, 'most mutations should be refused');
    assert.ok(tally.ok > 0, 'some mutations (of meta, metrics, …) are harmless and load');
  });

  it(`survives ${Math.round(600 * SCALE)} byte-level corruptions of checkpoint.json`, () => {
    const rng = new Rng(SEED + 1);
    const tally = new Tally();
    for (let i = 0; i < Math.round(600 * SCALE); i++) {
      const [b, op] = mutateBytes(jsonText, rng);
      writeCase(b);
      attempt(tally, `json bytes case ${i} (${op})`, () => loadAndCheck(work));
    }
    console.log(`      ${tally.summary('json byte mutations')}`);
  });

  it(`survives ${Math.round(600 * SCALE)} corruptions of the weights file (truncation, bit flips, NaN/∞ patterns)`, () => {
    const rng = new Rng(SEED + 2);
    const tally = new Tally();
    for (let i = 0; i < Math.round(600 * SCALE); i++) {
      let w: Buffer;
      let op: string;
      if (rng.int(3) === 0) {
        w = Buffer.from(weights);
        const at = 4 * rng.int(w.length / 4);
        w.writeUInt32LE(rng.int(2) === 0 ? 0x7fc00000 : 0xff800000, at); // NaN or −∞
        op = `non-finite at byte ${at}`;
      } else {
        [w, op] = mutateBytes(weights, rng);
      }
      writeCase(jsonText, w);
      attempt(tally, `weights case ${i} (${op})`, () => loadAndCheck(work));
    }
    console.log(`      ${tally.summary('weights mutations')}`);
    assert.ok(tally.ok > 0 && tally.refused > 0);
  });

  it('survives file-system tricks: links out of the folder, loops, folders and devices in place of files', () => {
    const rng = new Rng(SEED + 3);
    const tally = new Tally();
    // [name, should it load?, what to do to a fresh copy]
    const tricks: [string, boolean, () => void][] = [
      ['weights → link outside', false, () => { fs.rmSync(path.join(work, weightsName)); fs.symlinkSync(outside, path.join(work, weightsName)); }],
      ['weights → relative link outside', false, () => { fs.rmSync(path.join(work, weightsName)); fs.symlinkSync('../outside.bin', path.join(work, weightsName)); }],
      ['weights → link inside', true, () => { fs.renameSync(path.join(work, weightsName), path.join(work, 'w.bin')); fs.symlinkSync('w.bin', path.join(work, weightsName)); }],
      ['weights → /dev/zero', false, () => { fs.rmSync(path.join(work, weightsName)); fs.symlinkSync('/dev/zero', path.join(work, weightsName)); }],
      ['weights → itself', false, () => { fs.rmSync(path.join(work, weightsName)); fs.symlinkSync(weightsName, path.join(work, weightsName)); }],
      ['weights → dangling', false, () => { fs.rmSync(path.join(work, weightsName)); fs.symlinkSync('nothing.bin', path.join(work, weightsName)); }],
      ['weights is a folder', false, () => { fs.rmSync(path.join(work, weightsName)); fs.mkdirSync(path.join(work, weightsName)); }],
      ['checkpoint.json is a folder', false, () => { fs.rmSync(path.join(work, 'checkpoint.json')); fs.mkdirSync(path.join(work, 'checkpoint.json')); }],
      ['checkpoint.json → link outside', false, () => { fs.rmSync(path.join(work, 'checkpoint.json')); fs.writeFileSync(path.join(tmp, 'o.json'), jsonText); fs.symlinkSync(path.join(tmp, 'o.json'), path.join(work, 'checkpoint.json')); }],
      ['weights removed', false, () => { fs.rmSync(path.join(work, weightsName)); }],
    ];
    for (let i = 0; i < Math.round(100 * SCALE); i++) {
      const [name, shouldLoad, trick] = tricks[i < tricks.length ? i : rng.int(tricks.length)];
      writeCase(jsonText);
      touched();
      trick();
      const before = tally.ok;
      attempt(tally, `fs case ${i} (${name})`, () => loadAndCheck(work));
      assert.equal(tally.ok > before, shouldLoad, `${name}: ${shouldLoad ? 'should load' : 'should be refused'}`);
    }
    console.log(`      ${tally.summary('file-system tricks')}`);
  });
});

describe('safety: fuzzing generation and decoding with random token streams', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-fuzz-gen-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const char = CharTokenizer.fromText(PICO_TEXT);
  const bpe = BpeTokenizer.train(`${PICO_TEXT} `.repeat(30), 270, { specialTokens: ['<|endoftext|>'] });
  const ODD_IDS = [-1, -0, 0.5, 1e-9, 2 ** 31, 2 ** 53, 1e300, NaN, Infinity, -Infinity];
  const randomIds = (rng: Rng, vocab: number, maxLen: number): number[] =>
    Array.from({ length: rng.int(maxLen + 1) }, () => (rng.int(4) === 0 ? ODD_IDS[rng.int(ODD_IDS.length)] : rng.int(vocab + 3)));

  it(`generate(): ${Math.round(300 * SCALE)} random prompts and options give tokens in the vocabulary or an InputError`, () => {
    const dir = path.join(tmp, 'ck');
    savePico(dir);
    const { model } = loadCheckpoint(dir);
    const { vocabSize: V, blockSize } = model.config;
    // The model caches one causal mask per (length, offset) it has seen (at most 64): make them
    // all now, so that the leak check below counts only what generate() itself allocates.
    for (let T = 1; T <= blockSize; T++) {
      for (const useCache of [true, false]) generate(model, new Array<number>(T).fill(0), { maxNewTokens: blockSize, useCache });
    }
    const rng = new Rng(SEED + 10);
    const tally = new Tally();
    const pickOr = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
    try {
      for (let i = 0; i < Math.round(300 * SCALE); i++) {
        // A third long valid prompts (past blockSize), a third short valid ones, a third with odd ids;
        // each option is bad one time in six.
        const kind = rng.int(3);
        const prompt = kind === 2 ? randomIds(rng, V, 8) : Array.from({ length: 1 + rng.int(kind === 0 ? 3 * blockSize : 6) }, () => rng.int(V));
        const maybe = <T>(good: readonly T[], bad: readonly T[]): T => (rng.int(6) === 0 ? pickOr(bad) : pickOr(good));
        const opts = {
          maxNewTokens: maybe([0, 1, 2, 3, 4], [-1, 0.5, NaN]),
          temperature: maybe([undefined, 0, 0.7, 1, 50], [-1, NaN, Infinity]),
          topK: maybe([undefined, 0, 1, 5, 100], [-1, 1.5, NaN]),
          topP: maybe([undefined, 0, 0.5, 1], [1.5, -0.1, NaN]),
          useCache: rng.int(2) === 0,
          seed: rng.int(1000),
          stopToken: maybe([undefined, 0, 3, -1], [0.5, NaN]),
        };
        attempt(tally, `generate case ${i} (${JSON.stringify({ prompt: prompt.map(String), ...opts })})`, () => {
          const res = generate(model, prompt, opts);
          assert.ok(res.tokens.length <= opts.maxNewTokens);
          for (const t of res.tokens) assert.ok(Number.isInteger(t) && t >= 0 && t < V, `sampled ${t}`);
          assert.equal(res.promptTruncated, Math.max(0, prompt.length - blockSize));
          char.decode(res.tokens); // every id the model can emit decodes
        });
      }
    } finally {
      model.dispose();
    }
    console.log(`      ${tally.summary('generate')}`);
    assert.ok(tally.ok > 30 && tally.refused > 30);
  });

  it(`decode(): ${Math.round(3000 * SCALE)} random id streams through the char and BPE tokenizers`, () => {
    const rng = new Rng(SEED + 11);
    const tally = new Tally();
    for (let i = 0; i < Math.round(3000 * SCALE); i++) {
      const tok = i % 2 === 0 ? char : bpe;
      const ids = randomIds(rng, tok.vocabSize, 12);
      attempt(tally, `decode case ${i} (${ids.map(String).join(',')})`, () => {
        const text = tok.decode(ids);
        assert.equal(typeof text, 'string');
        for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `decoded the bad id ${id}`);
      });
    }
    console.log(`      ${tally.summary('decode')}`);
  });

  it(`encode(): ${Math.round(1000 * SCALE)} random strings (lone surrogates, NUL, astral) — BPE round-trips, char refuses unknown characters`, () => {
    const rng = new Rng(SEED + 12);
    const tally = new Tally();
    const POOL = [...PICO_TEXT, '\u0000', '\ud800', '\udc00', '😀', '猫', '\u2028', '<|endoftext|>', 'é', '\r\n'];
    for (let i = 0; i < Math.round(1000 * SCALE); i++) {
      const s = Array.from({ length: rng.int(20) }, () => POOL[rng.int(POOL.length)]).join('');
      attempt(tally, `encode case ${i} (${JSON.stringify(s)})`, () => {
        const ids = bpe.encode(s);
        if (!/[\ud800-\udfff]/u.test(s)) assert.equal(bpe.decode(ids), s); // no lone surrogate
        assert.equal(char.decode(char.encode(s)), s);
      });
    }
    console.log(`      ${tally.summary('encode')}`);
  });
});
