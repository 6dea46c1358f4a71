// Checkpoints are data, never code: every way a checkpoint folder can be wrong ends in one
// InputError naming the file, before a tensor is allocated; saves are atomic.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  jsonDepth, loadCheckpoint, LOCK_FILE, NonFiniteWeightsError, parseCheckpointText, readCheckpointJson, saveCheckpoint, toHalf, validateCheckpointJson,
} from '../src/checkpoint';
import { InputError } from '../src/errors';
import { GPT, makeConfig } from '../src/model';
import { CharTokenizer } from '../src/tokenize';
import { DEAD_PID, PICO_TEXT, savePico, weightsFileOf } from './safety-helpers';

type Json = Record<string, unknown>;

describe('checkpoints: format and validation', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-ckpt-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const fresh = (opts: Parameters<typeof savePico>[1] = {}): string => {
    const dir = path.join(tmp, `c${n++}`);
    savePico(dir, opts);
    return dir;
  };
  const readJson = (dir: string): Json => JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as Json;
  const writeJson = (dir: string, j: unknown): void => fs.writeFileSync(path.join(dir, 'checkpoint.json'), typeof j === 'string' ? j : JSON.stringify(j));
  /** loadCheckpoint must throw an InputError whose message matches `re`, and allocate nothing. */
  const refuses = (dir: string, re: RegExp): void => {
    const before = tf.memory().numTensors;
    assert.throws(() => loadCheckpoint(dir), (e: unknown) => {
      assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  };

  it('round-trips weights, optimizer moments and the tokenizer without leaking tensors', () => {
    const dir = path.join(tmp, 'round');
    const wte = savePico(dir, { optimizer: true });
    const before = tf.memory().numTensors;
    const ck = loadCheckpoint(dir);
    assert.deepEqual(Array.from(ck.model.params.get('wte')!.dataSync()), Array.from(wte));
    assert.equal(ck.tokenizer?.vocabSize, CharTokenizer.fromText(PICO_TEXT).vocabSize);
    assert.equal(ck.moments?.m.size, ck.model.specs.length);
    assert.equal(ck.json.optimizer?.step, 1);
    ck.model.dispose();
    tf.dispose([...ck.moments!.m.values(), ...ck.moments!.v.values()]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('builds the model from its stored weights: equal to the saved one, no random weights drawn first', () => {
    const dir = path.join(tmp, 'from-weights');
    const tok = CharTokenizer.fromText(PICO_TEXT);
    const saved = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 7, nClasses: 2 });
    saveCheckpoint(dir, saved, { kind: 'classifier', tokenizer: tok.toJSON() });
    // Every tensor the engine creates takes the next id, so the ids used count what the load
    // allocated: one tensor read from the file and the variable holding it, per parameter. A model
    // drawn at random first and then overwritten would create two more per parameter.
    // nextTensorId is the engine's own counter (private in its type declarations).
    const nextId = (): number => (tf.engine() as unknown as { nextTensorId(): number }).nextTensorId();
    const first = nextId();
    const ck = loadCheckpoint(dir);
    const created = nextId() - first - 1;
    assert.equal(created, 2 * saved.specs.length);
    assert.deepEqual(ck.model.specs.map((s) => s.name), saved.specs.map((s) => s.name));
    for (const s of saved.specs) assert.deepEqual(Array.from(ck.model.params.get(s.name)!.dataSync()), Array.from(saved.params.get(s.name)!.dataSync()), s.name);
    ck.model.dispose();
    saved.dispose();
  });

  it('a crash mid-save leaves the previous checkpoint; the next save removes what the dead writer journaled and nothing else', () => {
    const dir = path.join(tmp, 'crash');
    const wteA = savePico(dir, { seed: 1 });
    // What a SIGKILL during the next save leaves: a new weights file cut short, the temporary
    // JSON half written (the rename never happened), and the dead writer's lock journaling both.
    const full = fs.readFileSync(weightsFileOf(dir));
    fs.writeFileSync(path.join(dir, 'weights-zzzz-00000000.bin'), full.subarray(0, 1000));
    fs.writeFileSync(path.join(dir, '.checkpoint.json.99999-0a0b0c0d.tmp'), fs.readFileSync(path.join(dir, 'checkpoint.json')).subarray(0, 200));
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify({ pid: DEAD_PID, since: 'then', command: 'x' })}\npending weights-zzzz-00000000.bin\npending .checkpoint.json.99999-0a0b0c0d.tmp\n`);
    // A user's backup named exactly like one of our weights files, never journaled: it stays.
    fs.writeFileSync(path.join(dir, 'weights-step20-d1f7b5ff.bin'), 'a backup');
    const ck = loadCheckpoint(dir);
    assert.deepEqual(Array.from(ck.model.params.get('wte')!.dataSync()), Array.from(wteA));
    ck.model.dispose();
    const wteB = savePico(dir, { seed: 2 });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint.json', path.basename(weightsFileOf(dir)), 'weights-step20-d1f7b5ff.bin'].sort());
    assert.equal(fs.readFileSync(path.join(dir, 'weights-step20-d1f7b5ff.bin'), 'utf8'), 'a backup');
    const ck2 = loadCheckpoint(dir);
    assert.deepEqual(Array.from(ck2.model.params.get('wte')!.dataSync()), Array.from(wteB));
    ck2.model.dispose();
  });

  it("a save deletes only the weights its previous checkpoint listed: a user's weights-mine.bin stays byte-identical", () => {
    const dir = path.join(tmp, 'user-files');
    fs.mkdirSync(dir);
    const mine = path.join(dir, 'weights-mine.bin');
    fs.writeFileSync(mine, 'not ours');
    savePico(dir, { seed: 1 });
    const first = weightsFileOf(dir);
    savePico(dir, { seed: 2 });
    assert.equal(fs.readFileSync(mine, 'utf8'), 'not ours');
    assert.ok(!fs.existsSync(first), 'the replaced weights file is deleted');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint.json', path.basename(weightsFileOf(dir)), 'weights-mine.bin'].sort());
  });

  it('refuses to save NaN weights and keeps the previous checkpoint', () => {
    const dir = fresh({ seed: 3 });
    const before = fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8');
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: CharTokenizer.fromText(PICO_TEXT).vocabSize }));
    model.params.get('h.0.ln_1.bias')!.assign(tf.fill([16], NaN));
    assert.throws(() => saveCheckpoint(dir, model, { kind: 'lm', tokenizer: CharTokenizer.fromText(PICO_TEXT).toJSON() }), NonFiniteWeightsError);
    model.dispose();
    assert.equal(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8'), before);
    loadCheckpoint(dir).model.dispose();
  });

  it('refuses to write a checkpoint whose tokenizer does not match the model', () => {
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: 50 }));
    const dir = path.join(tmp, 'never');
    assert.throws(() => saveCheckpoint(dir, model, { kind: 'lm', tokenizer: CharTokenizer.fromText(PICO_TEXT).toJSON() }), /does not match the model/);
    assert.equal(fs.existsSync(dir), false, 'nothing written');
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    assert.throws(() => saveCheckpoint(file, model, { kind: 'lm', tokenizer: null }), (e: unknown) => e instanceof InputError && /not a folder/.test(e.message));
    model.dispose();
  });

  it('names the folder or file for missing checkpoints', () => {
    refuses(path.join(tmp, 'nope'), /no such checkpoint folder/);
    const file = path.join(tmp, 'plain.txt');
    fs.writeFileSync(file, 'hello');
    refuses(file, /not a folder/);
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    refuses(empty, /checkpoint\.json: missing/);
  });

  it('refuses weight file names that leave the folder', () => {
    for (const name of ['../weights.bin', '/etc/passwd', '.hidden.bin', 'a/b.bin', '..', '', 'x'.repeat(300), 'weights\u0000.bin']) {
      const dir = fresh();
      const j = readJson(dir);
      j.weightsFile = name;
      writeJson(dir, j);
      refuses(dir, /weightsFile .* is not a plain file name/);
    }
  });

  it('refuses a weights file that is a symbolic link pointing outside the folder, accepts one inside', () => {
    const dir = fresh();
    const w = weightsFileOf(dir);
    const outside = path.join(tmp, 'outside.bin');
    fs.copyFileSync(w, outside); // the right size, so only the link itself is wrong
    fs.rmSync(w);
    fs.symlinkSync(outside, w);
    refuses(dir, /symbolic link pointing outside the checkpoint folder/);
    assert.throws(() => readCheckpointJson(dir), /symbolic link pointing outside/);
    // A link to a file in the same folder is harmless.
    fs.rmSync(w);
    fs.copyFileSync(outside, path.join(dir, 'real.bin'));
    fs.symlinkSync('real.bin', w);
    loadCheckpoint(dir).model.dispose();
    // checkpoint.json itself as a link out of the folder.
    const dir2 = fresh();
    const outJson = path.join(tmp, 'outside.json');
    fs.renameSync(path.join(dir2, 'checkpoint.json'), outJson);
    fs.symlinkSync(outJson, path.join(dir2, 'checkpoint.json'));
    refuses(dir2, /symbolic link pointing outside/);
  });

  it('does not hang on a FIFO or a device where a file should be', function () {
    this.timeout(10_000);
    const dir = fresh();
    const w = weightsFileOf(dir);
    fs.rmSync(w);
    execFileSync('mkfifo', [w]);
    refuses(dir, /not a regular file/);
    const dir2 = fresh();
    fs.rmSync(path.join(dir2, 'checkpoint.json'));
    execFileSync('mkfifo', [path.join(dir2, 'checkpoint.json')]);
    refuses(dir2, /not a regular file/);
    const dir3 = fresh();
    const w3 = weightsFileOf(dir3);
    fs.rmSync(w3);
    fs.symlinkSync('/dev/zero', w3);
    refuses(dir3, /symbolic link pointing outside/);
  });

  it('checks the weights file size against the declared tensors, before reading it', () => {
    const dir = fresh();
    const w = weightsFileOf(dir);
    const bytes = fs.readFileSync(w);
    fs.writeFileSync(w, bytes.subarray(0, bytes.length - 1));
    refuses(dir, new RegExp(`${path.basename(w)} has ${bytes.length - 1} bytes, the tensors declare ${bytes.length}`));
    fs.writeFileSync(w, Buffer.concat([bytes, Buffer.alloc(4)]));
    refuses(dir, /the tensors declare/);
    fs.writeFileSync(w, '');
    refuses(dir, /has 0 bytes/);
  });

  it('refuses NaN and infinite weights, float32 and float16, naming the tensor', () => {
    const dir = fresh();
    const w = weightsFileOf(dir);
    const bytes = fs.readFileSync(w);
    bytes.writeFloatLE(NaN, 8);
    fs.writeFileSync(w, bytes);
    refuses(dir, /tensor 'wte' has a non-finite value at index 2/);
    const dir16 = fresh({ dtype: 'float16' });
    const w16 = weightsFileOf(dir16);
    const b16 = fs.readFileSync(w16);
    b16.writeUInt16LE(toHalf(Infinity), b16.length - 2); // the last value of ln_f.bias
    fs.writeFileSync(w16, b16);
    refuses(dir16, /tensor 'ln_f\.bias' has a non-finite value at index 15/);
  });

  it('prices loading in memory before reading the weights: refused above the memory given, loaded below it', () => {
    const dir = fresh({ optimizer: true });
    assert.throws(() => readCheckpointJson(dir, { totalMemory: 10_000 }), (e: unknown) => e instanceof InputError && /checkpoint\.json: loading this model \(1 layers, 16 wide, a context of 16 tokens, a vocabulary of \d+\) and running one sequence needs about [\d.]+ [MG]iB, more than this machine's [\d.]+ [MG]iB of memory$/.test(e.message));
    const ck = loadCheckpoint(dir, { totalMemory: 2 ** 30 });
    ck.model.dispose();
    tf.dispose([...ck.moments!.m.values(), ...ck.moments!.v.values()]);
  });

  it('refuses oversized declarations from the config alone, before looking at tensors or allocating', () => {
    const dir = fresh();
    const j = readJson(dir);
    j.config = { ...(j.config as Json), vocabSize: 1_000_000, nEmbd: 65536, nHead: 1 };
    writeJson(dir, j);
    const t0 = Date.now();
    refuses(dir, /config implies at least \d+ bytes of weights, more than the limit/);
    assert.ok(Date.now() - t0 < 1000);
    // The caller may tighten the limit: the pico checkpoint itself is then too large.
    const small = fresh();
    assert.throws(() => loadCheckpoint(small, { maxWeightBytes: 1000 }), /more than the limit of 1000/);
    assert.throws(() => loadCheckpoint(small, { maxJsonBytes: 100 }), /too large for a checkpoint description/);
  });

  it('checks config numbers: ranges, integers, Infinity from 1e400, strings, nested junk', () => {
    const cases: [unknown, RegExp][] = [
      [{ vocabSize: -3 }, /config\.vocabSize must be an integer/],
      [{ vocabSize: 12.5 }, /config\.vocabSize must be an integer/],
      [{ vocabSize: '12' }, /config\.vocabSize must be a number, got "12"/],
      [{ nHead: 3 }, /must be divisible by nHead/],
      [{ dropout: 1 }, /config\.dropout must be in \[0, 1\)/],
      [{ blockSize: { $gt: 0 } }, /config\.blockSize must be a plain value/],
    ];
    for (const [patch, re] of cases) {
      const dir = fresh();
      const j = readJson(dir);
      j.config = { ...(j.config as Json), ...(patch as Json) };
      writeJson(dir, j);
      refuses(dir, re);
    }
    const dir = fresh();
    writeJson(dir, fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8').replace('"dropout":0', '"dropout":1e400'));
    refuses(dir, /config\.dropout must be in \[0, 1\), got Infinity/);
  });

  it('checks tensor entries: names, dtypes, shapes, byte counts, offsets, duplicates', () => {
    const mutate = (f: (ts: Json[]) => void, re: RegExp): void => {
      const dir = fresh();
      const j = readJson(dir);
      f(j.tensors as Json[]);
      writeJson(dir, j);
      refuses(dir, re);
    };
    mutate((ts) => { ts[0].name = 'evil'; }, /unexpected tensor "evil"/);
    mutate((ts) => { ts[1] = { ...ts[0] }; }, /tensor 'wte' declared twice/);
    mutate((ts) => { ts.pop(); }, /tensor 'ln_f\.bias' is missing/);
    mutate((ts) => { ts[0].dtype = 'int8'; }, /dtype "int8"/);
    mutate((ts) => { ts[0].shape = [16, 12]; }, /has shape \[16, 12\], the config implies/);
    mutate((ts) => { ts[0].bytes = 1e300; }, /declares 1e\+300 bytes/);
    mutate((ts) => { ts[1].offset = 0; }, /at offset 0, expected/);
    mutate((ts) => { ts[0].offset = -0.5; }, /at offset -0\.5/);
  });

  it('validates the tokenizer inside the checkpoint, and that it fits the model', () => {
    const cases: [unknown, RegExp][] = [
      [{ format: 'literate-gpt-char', version: 1, chars: ['a', 'a'] }, /tokenizer: character tokenizer: 'a' \(U\+0061\) appears twice/],
      [{ format: 'literate-gpt-char', version: 1, chars: 'abc' }, /tokenizer: character tokenizer: chars must be a non-empty array/],
      [{ format: 'evil', code: 'process.exit(1)' }, /tokenizer: unknown tokenizer format "evil"/],
      [{ format: 'literate-gpt-bpe', version: 1, pattern: 'gpt2', mergeRule: 'pairs', merges: [[0, 999]], specialTokens: {} }, /tokenizer: invalid BPE tokenizer: merges\[0\]/],
      [CharTokenizer.fromText('abc').toJSON(), /a tokenizer that does not match the model: 3 tokens, the model's config\.vocabSize is 12/],
      ['literate-gpt-char', /tokenizer: the tokenizer must be a JSON object/],
    ];
    for (const [tok, re] of cases) {
      const dir = fresh();
      const j = readJson(dir);
      j.tokenizer = tok;
      writeJson(dir, j);
      refuses(dir, re);
    }
  });

  it('refuses bad JSON text: empty, not UTF-8, truncated, nested a million deep', () => {
    const cases: [string | Buffer, RegExp][] = [
      ['', /empty file/],
      [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /not valid UTF-8/],
      ['{"format": "literate-gpt-checkpoint", "vers', /not valid JSON/],
      [`{"meta": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`, /JSON nested 1000001 levels deep/],
      ['[1, 2, 3]', /not a JSON object/],
      ['{"format": "literate-gpt-checkpoint", "version": 2}', /unsupported checkpoint version 2/],
    ];
    for (const [text, re] of cases) {
      const dir = fresh();
      fs.writeFileSync(path.join(dir, 'checkpoint.json'), text);
      refuses(dir, re);
    }
    assert.equal(jsonDepth('{"a": "[[[[{{", "b": [[1]]}'), 3, 'brackets inside strings do not count');
  });

  it('keeps __proto__ keys harmless: nothing reaches Object.prototype', () => {
    const dir = fresh();
    const text = fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')
      .replace('"meta":{}', '"meta":{"__proto__":{"polluted":true},"a":{"constructor":{"prototype":{"polluted":true}}}}')
      .replace('"config":{', '"config":{"__proto__":{"vocabSize":99999,"polluted":true},');
    writeJson(dir, text);
    const ck = loadCheckpoint(dir);
    assert.equal(({} as Json).polluted, undefined);
    assert.equal(Object.getPrototypeOf(ck.json.config), Object.prototype);
    assert.equal(ck.json.config.vocabSize, 12);
    assert.equal(Object.prototype.hasOwnProperty.call(ck.json.meta, '__proto__'), false);
    ck.model.dispose();
    const parsed = parseCheckpointText(Buffer.from('{"__proto__": {"x": 1}, "y": 2}'), 'f') as Json;
    assert.deepEqual(Object.keys(parsed), ['y']);
  });

  it('checks the optimizer, trainState, meta and metrics fields', () => {
    const cases: [(j: Json) => void, RegExp][] = [
      [(j) => { j.optimizer = { step: -1, opts: {} }; }, /optimizer must be null or/],
      [(j) => { j.optimizer = { step: 1, opts: { beta1: 'x' } }; }, /optimizer\.opts\.beta1 must be a number/],
      [(j) => { j.trainState = [1, 2]; }, /trainState must be null or an object/],
      [(j) => { j.meta = null; }, /meta must be an object/],
      [(j) => { j.metrics = { valLoss: 'low' }; }, /metrics\.valLoss must be a number/],
      [(j) => { j.kind = 'exe'; }, /unknown kind "exe"/],
      [(j) => { j.nClasses = 1e9; }, /nClasses must be a small non-negative integer/],
      [(j) => { j.format = 'x'.repeat(10_000); }, /format is "x{40}…"\)$/],
    ];
    for (const [f, re] of cases) {
      const dir = fresh();
      const j = readJson(dir);
      f(j);
      writeJson(dir, j);
      refuses(dir, re);
    }
    // A checkpoint that declares optimizer moments must contain them.
    const dir = fresh();
    const j = readJson(dir);
    j.optimizer = { step: 3, opts: {} };
    writeJson(dir, j);
    refuses(dir, /tensor 'adam\.m\.wte' is missing/);
  });

  it('validateCheckpointJson accepts what saveCheckpoint writes, byte count included', () => {
    const dir = fresh({ optimizer: true });
    const j = readJson(dir);
    const size = fs.statSync(weightsFileOf(dir)).size;
    assert.equal(validateCheckpointJson(j, 'x', size).tensors.length, 3 * 16);
    assert.throws(() => validateCheckpointJson(j, 'x', size + 1), /the tensors declare/);
  });
});
