// GPT-1 style fine-tuning (src/classify): the <s> text <e> input, padding and causality, the
// vocabulary extension, the combined loss, overfitting a handful of examples, the metrics, and
// the `classify` command's bad-input contract. Pico models only: the whole file runs in seconds
// plus two CLI starts and one `train classifier` run (~30 s on 2 cores).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint } from '../src/checkpoint';
import {
  accuracyOf, type ClassifierBatchData, DEFAULT_FINETUNE, encodeClassifierData, encodeForClassifier, EXTRACT, extendVocabulary,
  finetune, finetuneLoss, metricsFromProbs, predictProba, prepareClassifier, smallSetSchedule, START,
} from '../src/classify';
import { InputError } from '../src/errors';
import { GPT, makeConfig } from '../src/model';
import { classifierLogits } from '../src/model/classifier';
import { BpeTokenizer } from '../src/tokenize';
import { assertCleanFailure, cli } from './safety-helpers';

// Texts for a tiny BPE vocabulary (repeated so that whole words merge) and the overfitting test.
const SPAM = ['cheap meds now', 'win money fast', 'free offer inside', 'click here to win'];
const HAM = ['meeting at noon', 'kernel patch review', 'lunch on friday?', 'notes from the call'];
const CORPUS = [...SPAM, ...HAM].join('. ').repeat(12) + ' The whale, the whale! Call me Ishmael.';

/** A pico language model with a small BPE tokenizer, saved as an 'lm' checkpoint in `dir`. */
function savePicoBpeLm(dir: string, seed = 3): { tok: BpeTokenizer; vocab: number } {
  const tok = BpeTokenizer.train(CORPUS, 300);
  const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed });
  saveCheckpoint(dir, model, { kind: 'lm', tokenizer: tok.toJSON(), metrics: { valLoss: 5 } });
  model.dispose();
  return { tok, vocab: tok.vocabSize };
}

/** Mean of −log softmax(z)[y] over rows, in float64 from plain arrays. */
function meanCE(logits: number[][], targets: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  logits.forEach((z, i) => {
    const y = targets[i];
    if (y < 0) return;
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    sum += lse - z[y];
    n++;
  });
  return sum / n;
}

describe('classify: GPT-1 fine-tuning', () => {
  let tmp: string;
  let lmDir: string;
  let base: { tok: BpeTokenizer; vocab: number };

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-classify-'));
    lmDir = path.join(tmp, 'lm');
    base = savePicoBpeLm(lmDir);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('the input <s> text <e>', () => {
    const tok = (): BpeTokenizer => base.tok.withSpecialTokens([START, EXTRACT]);

    it('wraps the text ids in <s> … <e>, the two new ids after the old vocabulary', () => {
      const t = tok();
      const s = t.specialTokens.get(START)!;
      const e = t.specialTokens.get(EXTRACT)!;
      assert.deepEqual([s, e], [base.vocab, base.vocab + 1]);
      const r = encodeForClassifier(t, 'cheap meds now', 16);
      assert.deepEqual(r.ids, [s, ...t.encode('cheap meds now'), e]);
      assert.equal(r.truncated, false);
      assert.equal(t.decode(r.ids), '<s>cheap meds now<e>');
    });

    it('cuts a long text to T − 2 ids and keeps both markers', () => {
      const t = tok();
      const text = 'click here to win free money fast, the whale, the whale';
      const ids = t.encode(text);
      assert.ok(ids.length > 6, 'the text should need more than T − 2 ids');
      const r = encodeForClassifier(t, text, 8);
      assert.equal(r.ids.length, 8);
      assert.equal(r.truncated, true);
      assert.deepEqual(r.ids, [base.vocab, ...ids.slice(0, 6), base.vocab + 1]);
    });

    it('does not turn text that spells "<e>" into the extract token', () => {
      const t = tok();
      const r = encodeForClassifier(t, 'a <e> b <s>', 32);
      assert.equal(r.ids.filter((id) => id === base.vocab + 1).length, 1);
      assert.equal(r.ids.filter((id) => id === base.vocab).length, 1);
    });

    it('pads rows by repeating <e>, records its position, and sets LM targets to −1 from <e> on', () => {
      const t = tok();
      const d = encodeClassifierData(t, ['cheap meds now', 'click here to win free money fast, the whale'], [1, 0], 10);
      assert.equal(d.n, 2);
      assert.equal(d.T, 10);
      assert.equal(d.truncated, 1);
      assert.deepEqual(Array.from(d.labels), [1, 0]);
      const row0 = [base.vocab, ...t.encode('cheap meds now'), base.vocab + 1];
      const L = row0.length;
      assert.equal(d.extract[0], L - 1);
      assert.equal(d.extract[1], 9);
      assert.deepEqual(Array.from(d.ids.subarray(0, 10)), [...row0, ...new Array(10 - L).fill(base.vocab + 1)]);
      assert.deepEqual(Array.from(d.lmTargets.subarray(0, 10)), [...row0.slice(1), ...new Array(10 - L + 1).fill(-1)]);
      assert.equal(d.lmTargets[10 + 9], -1);
    });

    it('refuses T < 3 and a tokenizer without the markers', () => {
      assert.throws(() => encodeForClassifier(tok(), 'x', 2), InputError);
      assert.throws(() => encodeForClassifier(base.tok, 'x', 8), InputError);
      assert.throws(() => encodeClassifierData(tok(), ['a', 'b'], [1], 8), InputError);
    });
  });

  describe('the model', () => {
    it('padding after <e> never changes the logits read at <e> (causal mask)', () => {
      const { model, tokenizer } = prepareClassifier(lmDir, 'pretrained', 1);
      const ids = encodeForClassifier(tokenizer, 'free offer inside', 16).ids;
      const L = ids.length;
      tf.tidy(() => {
        const at = (row: number[]): Float32Array => classifierLogits(model, tf.tensor2d(row, [1, row.length], 'int32'), tf.tensor1d([L - 1], 'int32')).logits.dataSync() as Float32Array;
        const bare = at(ids);
        for (const pad of [ids[L - 1], 0, 7, tokenizer.specialTokens.get(START)!]) {
          const padded = at([...ids, ...new Array(16 - L).fill(pad)]);
          for (let k = 0; k < 2; k++) assert.ok(Math.abs(padded[k] - bare[k]) < 1e-5, `pad id ${pad}: ${padded[k]} vs ${bare[k]}`);
        }
        // …while a change *before* <e> does change them.
        const changed = at([ids[0], (ids[1] + 1) % base.vocab, ...ids.slice(2)]);
        assert.ok(Math.abs(changed[0] - bare[0]) + Math.abs(changed[1] - bare[1]) > 1e-6);
      });
      model.dispose();
    });

    it('extendVocabulary keeps every old weight, appends new rows, and leaves the original intact', () => {
      const small = new GPT(makeConfig({ preset: 'pico', vocabSize: 40 }), { seed: 5 });
      const before = new Map([...small.params].map(([k, v]) => [k, v.dataSync().slice()]));
      const buffers = tf.memory().numDataBuffers;
      const big = extendVocabulary(small, 3, 9);
      // Built from the weights (GPT.fromWeights): one new buffer, the longer wte; every other
      // weight shared with the original, none drawn at random and overwritten.
      assert.equal(tf.memory().numDataBuffers - buffers, 1);
      assert.equal(big.config.vocabSize, 43);
      assert.deepEqual(big.params.get('wte')!.shape, [43, 16]);
      assert.equal(big.numParams() - small.numParams(), 3 * 16);
      const wte = big.params.get('wte')!.dataSync();
      assert.deepEqual(Array.from(wte.subarray(0, 40 * 16)), Array.from(before.get('wte')!));
      const fresh = Array.from(wte.subarray(40 * 16));
      assert.ok(fresh.some((v) => v !== 0), 'the new rows are initialised, not zero');
      assert.ok(Math.max(...fresh.map(Math.abs)) < 0.2, 'and small, like fresh embeddings (σ = 0.02)');
      for (const [k, v] of small.params) {
        assert.deepEqual(Array.from(v.dataSync()), Array.from(before.get(k)!), `original ${k} changed`);
        if (k !== 'wte') assert.deepEqual(Array.from(big.params.get(k)!.dataSync()), Array.from(before.get(k)!), `${k} not copied`);
      }
      small.dispose();
      big.dispose();
    });

    it('prepareClassifier with a longer context and another dropout: old position rows kept, new ones copy the last', () => {
      const pre = prepareClassifier(lmDir, 'pretrained', 2);
      const long = prepareClassifier(lmDir, 'pretrained', 2, { context: 24, dropout: 0 });
      const B = pre.model.config.blockSize; // pico: 16
      const C = pre.model.config.nEmbd;
      assert.equal(long.model.config.blockSize, 24);
      assert.equal(long.model.config.dropout, 0);
      const w = Array.from(pre.model.params.get('wpe')!.dataSync());
      const wl = Array.from(long.model.params.get('wpe')!.dataSync());
      assert.deepEqual(wl.slice(0, B * C), w);
      for (let p = B; p < 24; p++) assert.deepEqual(wl.slice(p * C, (p + 1) * C), w.slice((B - 1) * C, B * C), `row ${p}`);
      // A 24-token row runs end to end (the pretrained model would refuse it).
      const b = encodeClassifierData(long.tokenizer, [SPAM[0].repeat(4)], [1], 24);
      const l = finetuneLoss(long.model, b, 0.5, true, 1);
      assert.ok(Number.isFinite(l.dataSync()[0]));
      l.dispose();
      const tensorsBefore = tf.memory().numTensors;
      assert.throws(() => prepareClassifier(lmDir, 'pretrained', 2, { context: 8 }), /context must be an integer of at least the pretrained model's 16 tokens/);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'a refused context leaves no tensors behind');
      [pre.model, long.model].forEach((m) => m.dispose());
    });

    it('prepareClassifier: the pretrained weights are kept, the scratch twin has the same shapes and not the weights', () => {
      const pre = prepareClassifier(lmDir, 'pretrained', 2);
      const scratch = prepareClassifier(lmDir, 'scratch', 2);
      const lm = new GPT(makeConfig({ preset: 'pico', vocabSize: base.vocab }), { seed: 3 }); // the weights savePicoBpeLm saved
      const w = (m: GPT, name: string): number[] => Array.from(m.params.get(name)!.dataSync());
      assert.deepEqual(w(pre.model, 'h.0.attn.c_attn.weight'), w(lm, 'h.0.attn.c_attn.weight'));
      assert.notDeepEqual(w(scratch.model, 'h.0.attn.c_attn.weight'), w(lm, 'h.0.attn.c_attn.weight'));
      assert.deepEqual(scratch.model.specs.map((s) => [s.name, s.shape]), pre.model.specs.map((s) => [s.name, s.shape]));
      assert.equal(pre.model.nClasses, 2);
      [pre.model, scratch.model, lm].forEach((m) => m.dispose());
    });
  });

  describe('tokenInit', () => {
    it("'separators': <s> and <e> start as copies of the blank line's and the newline's rows; other rows as with 'random'", () => {
      const rnd = prepareClassifier(lmDir, 'pretrained', 2);
      const sep = prepareClassifier(lmDir, 'pretrained', 2, { tokenInit: 'separators' });
      const rows = (m: GPT): number[][] => m.params.get('wte')!.arraySync() as number[][];
      const [r, s] = [rows(rnd.model), rows(sep.model)];
      const tok = sep.tokenizer;
      const last = (t: string): number => tok.encode(t)[tok.encode(t).length - 1];
      const S = tok.specialTokens.get(START)!, E = tok.specialTokens.get(EXTRACT)!;
      assert.deepEqual(s[S], r[last('\n\n')]);
      assert.deepEqual(s[E], r[last('\n')]);
      assert.notDeepEqual(r[E], r[last('\n')], 'random rows are not the newline');
      s.forEach((row, i) => { if (i !== S && i !== E) assert.deepEqual(row, r[i], `row ${i}`); });
      // The scratch twin gets the same treatment, from its own random rows.
      const scratch = prepareClassifier(lmDir, 'scratch', 2, { tokenInit: 'separators' });
      const z = rows(scratch.model);
      assert.deepEqual(z[E], z[last('\n')]);
      assert.notDeepEqual(z[E], s[E]);
      assert.throws(() => prepareClassifier(lmDir, 'pretrained', 2, { tokenInit: 'zeros' as never }), /tokenInit must be 'random' or 'separators'/);
      [rnd.model, sep.model, scratch.model].forEach((m) => m.dispose());
    });
  });

  describe('the loss L2 + λ·L1', () => {
    it('with λ = 0 equals the classifier cross-entropy, with λ = 0.5 adds half the LM cross-entropy (by hand)', () => {
      const { model, tokenizer } = prepareClassifier(lmDir, 'pretrained', 4);
      const b = encodeClassifierData(tokenizer, [...SPAM.slice(0, 2), ...HAM.slice(0, 2)], [1, 1, 0, 0], 12);
      const { clf, lm } = tf.tidy(() => {
        const r = classifierLogits(model, tf.tensor2d(b.ids, [b.n, b.T], 'int32'), tf.tensor1d(b.extract, 'int32'));
        const lmLogits = model.logits(r.hidden).arraySync() as number[][][];
        return { clf: r.logits.arraySync() as number[][], lm: lmLogits.flat() };
      });
      const clfCE = meanCE(clf, b.labels);
      const lmCE = meanCE(lm, b.lmTargets);
      const l0 = finetuneLoss(model, b, 0, false, 0);
      const l5 = finetuneLoss(model, b, 0.5, false, 0);
      assert.ok(Math.abs(l0.dataSync()[0] - clfCE) < 1e-5, `${l0.dataSync()[0]} vs ${clfCE}`);
      assert.ok(Math.abs(l5.dataSync()[0] - (clfCE + 0.5 * lmCE)) < 1e-4, `${l5.dataSync()[0]} vs ${clfCE + 0.5 * lmCE}`);
      tf.dispose([l0, l5]);
      model.dispose();
    });
  });

  describe('fine-tuning', () => {
    it('a pico classifier overfits 8 examples (accuracy 1, the loss falls)', async function () {
      this.timeout(60_000);
      const { model, tokenizer } = prepareClassifier(lmDir, 'pretrained', 1);
      const data: ClassifierBatchData = encodeClassifierData(tokenizer, [...SPAM, ...HAM], [1, 1, 1, 1, 0, 0, 0, 0], 12);
      const before = accuracyOf(predictProba(model, data), data.labels);
      const losses: number[] = [];
      const res = await finetune(model, data, data, { ...DEFAULT_FINETUNE, T: 12, epochs: 80, batchSize: 8, lr: 1e-2, weightDecay: 0, lambda: 0.5 },
        (p) => losses.push(p.loss));
      const probs = predictProba(model, data);
      assert.equal(res.steps, 80);
      assert.equal(accuracyOf(probs, data.labels), 1, `accuracy before ${before}, after: ${JSON.stringify(probs)}`);
      // finetune restores the first epoch with the best validation accuracy (here: the first to
      // reach 100 %), so the loss is that epoch's, well below log 2 but not near 0.
      const clfLoss = finetuneLoss(model, data, 0, false, 0);
      assert.ok(clfLoss.dataSync()[0] < 0.4, `classifier loss ${clfLoss.dataSync()[0]} (log 2 = 0.693)`);
      assert.ok(Math.min(...losses) < losses[0] / 4, `batch loss ${losses[0]} → min ${Math.min(...losses)}`);
      assert.ok(losses[losses.length - 1] < losses[0] / 2, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
      clfLoss.dispose();
      model.dispose();
    });
  });

  describe('small training sets', () => {
    it('smallSetSchedule: a fixed number of steps whatever n, validation every 10', () => {
      assert.deepEqual(smallSetSchedule(32, 32), { epochs: 200, maxSteps: 200, evalEvery: 10 });
      assert.deepEqual(smallSetSchedule(1024, 32), { epochs: 7, maxSteps: 200, evalEvery: 10 });
      assert.deepEqual(smallSetSchedule(100, 32, 6), { epochs: 2, maxSteps: 6, evalEvery: 6 });
      assert.throws(() => smallSetSchedule(0, 32), InputError);
    });

    it('evalEvery: validation every N steps (not each epoch), epochs still shuffle whole passes', async function () {
      this.timeout(60_000);
      const { model, tokenizer } = prepareClassifier(lmDir, 'pretrained', 1);
      const data: ClassifierBatchData = encodeClassifierData(tokenizer, [...SPAM, ...HAM], [1, 1, 1, 1, 0, 0, 0, 0], 12);
      const res = await finetune(model, data, data, { ...DEFAULT_FINETUNE, T: 12, epochs: 20, maxSteps: 30, evalEvery: 5, batchSize: 4, lr: 1e-2, weightDecay: 0 });
      assert.equal(res.steps, 30);
      assert.equal(res.valAccuracy.length, 6, 'one evaluation every 5 steps');
      model.dispose();
    });
  });

  describe('metricsFromProbs', () => {
    it('gives accuracy, spam F1, per-class recall, the confusion matrix and the loss of a hand example', () => {
      // true:      0     0     0     0     1     1     1
      // predicted: 0     0     1     0     1     0     1   → TN 3, FP 1, FN 1, TP 2
      const probs = [[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.8, 0.2], [0.2, 0.8], [0.55, 0.45], [0.1, 0.9]];
      const labels = [0, 0, 0, 0, 1, 1, 1];
      const m = metricsFromProbs(probs, labels);
      assert.equal(m.n, 7);
      assert.deepEqual(m.confusion, [[3, 1], [1, 2]]);
      assert.equal(m.accuracy, 5 / 7);
      // precision 2/3, recall 2/3 → F1 2/3
      assert.ok(Math.abs(m.f1 - 2 / 3) < 1e-12);
      assert.deepEqual(m.recall, [3 / 4, 2 / 3]);
      const loss = -[0.9, 0.6, 0.3, 0.8, 0.8, 0.45, 0.9].reduce((s, p) => s + Math.log(p), 0) / 7;
      assert.ok(Math.abs(m.loss - loss) < 1e-12);
    });

    it('a tie (0.5, 0.5) counts as ham; no predicted spam gives F1 0', () => {
      const m = metricsFromProbs([[0.5, 0.5], [0.7, 0.3]], [1, 0]);
      assert.deepEqual(m.confusion, [[1, 0], [1, 0]]);
      assert.equal(m.f1, 0);
      assert.equal(m.accuracy, 0.5);
    });
  });

  describe('literate-gpt classify', function () {
    this.timeout(180_000);
    let clfDir: string;

    before(async () => {
      clfDir = path.join(tmp, 'clf');
      const r = await cli(['train', 'classifier', '--pretrained', lmDir, '--seq', '16', '--steps', '2', '--out', clfDir, '--json'], { timeoutMs: 170_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { steps: number; accuracy: number };
      assert.equal(out.steps, 2);
      assert.ok(fs.existsSync(path.join(clfDir, 'manifest.json')));
    });

    it('labels a text on stdin (JSON: label and probabilities that sum to 1)', async () => {
      const r = await cli(['classify', '--checkpoint', clfDir, '--json'], { input: 'cheap meds now\n' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { label: string; probability: number; probabilities: { ham: number; spam: number } };
      assert.ok(out.label === 'ham' || out.label === 'spam');
      assert.ok(Math.abs(out.probabilities.ham + out.probabilities.spam - 1) < 1e-5);
      assert.equal(out.probability, out.probabilities[out.label as 'ham' | 'spam']);
    });

    it('empty or blank stdin: exit 2, one line', async () => {
      for (const input of ['', '  \n\t\n']) {
        assertCleanFailure(await cli(['classify', '--checkpoint', clfDir], { input }), /no text on stdin/, JSON.stringify(input));
      }
    });

    it('stdin that is not UTF-8: exit 2, one line', async () => {
      const r = await cli(['classify', '--checkpoint', clfDir], { input: Buffer.from([0x53, 0x75, 0x62, 0xff, 0xfe, 0x80, 0x0a]) });
      assertCleanFailure(r, /not valid UTF-8/, 'invalid UTF-8');
    });

    it('--context lengthens the classifier\'s context (and --dropout is recorded); shorter than the LM\'s: exit 2, one line', async () => {
      const longDir = path.join(tmp, 'clf-long');
      const r = await cli(['train', 'classifier', '--pretrained', lmDir, '--task', 'subject+body', '--context', '24', '--dropout', '0', '--steps', '2', '--out', longDir, '--json'], { timeoutMs: 170_000 });
      assert.equal(r.status, 0, r.stderr);
      const ck = JSON.parse(fs.readFileSync(path.join(longDir, 'checkpoint.json'), 'utf8')) as { config: { blockSize: number; dropout: number }; meta: { T: number } };
      assert.deepEqual([ck.config.blockSize, ck.config.dropout, ck.meta.T], [24, 0, 24]);
      const c = await cli(['classify', '--checkpoint', longDir, '--json'], { input: 'Subject: cheap meds\nbuy now, limited offer, click here' });
      assert.equal(c.status, 0, c.stderr);
      assertCleanFailure(await cli(['train', 'classifier', '--pretrained', lmDir, '--context', '8', '--out', path.join(tmp, 'never')]), /context must be an integer of at least the pretrained model's 16 tokens/, '--context 8');
      assert.equal(fs.existsSync(path.join(tmp, 'never')), false);
    });

    it('a language-model checkpoint is not a classifier: exit 2, one line', async () => {
      assertCleanFailure(await cli(['classify', '--checkpoint', lmDir], { input: 'hello' }), /not a classifier/, 'lm checkpoint');
    });
  });
});
