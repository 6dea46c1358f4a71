import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { layerGroup, stage3Scale } from '../src/classify/schedule';
import { finetune } from '../src/classify/finetune';
import { DEFAULT_FINETUNE } from '../src/classify/options';
import { prepareClassifier } from '../src/classify/prepare';
import { encodeClassifierData } from '../src/classify/inputs';
import { saveCheckpoint } from '../src/checkpoint';
import { GPT, makeConfig } from '../src/model';
import { AdamW, learningRate, slantedTriangular } from '../src/train';
import { BpeTokenizer } from '../src/tokenize/bpe';

describe('classify/schedule: stage 3 (fine-tuning that does not forget)', () => {
  it('layerGroup: embeddings 0, block i is i + 1, final LayerNorm and head on top', () => {
    assert.equal(layerGroup('wte', 4), 0);
    assert.equal(layerGroup('wpe', 4), 0);
    assert.equal(layerGroup('h.0.attn.c_attn.weight', 4), 1);
    assert.equal(layerGroup('h.3.mlp.c_fc.bias', 4), 4);
    assert.equal(layerGroup('ln_f.weight', 4), 5);
    assert.equal(layerGroup('clf.bias', 4), 5);
  });

  it('discriminative: each layer 2.6 times slower than the one above', () => {
    const f = stage3Scale({ discriminative: 2.6 }, 4, 30)!;
    assert.equal(f('clf.weight', 0), 1);
    assert.ok(Math.abs(f('h.3.attn.c_proj.weight', 0) - 1 / 2.6) < 1e-12);
    assert.ok(Math.abs(f('wte', 29) - 2.6 ** -5) < 1e-12);
  });

  it('gradual: the head first, then one group more from the top, all by half the run', () => {
    const f = stage3Scale({ unfreeze: 'gradual' }, 4, 30)!;
    // 6 groups, interval ⌊30 / 10⌋ = 3 steps: block 3 joins at step 3, the embeddings at step 15.
    assert.equal(f('clf.weight', 0), 1);
    assert.equal(f('h.3.mlp.c_fc.weight', 2), 0);
    assert.equal(f('h.3.mlp.c_fc.weight', 3), 1);
    assert.equal(f('h.0.ln_1.weight', 11), 0);
    assert.equal(f('h.0.ln_1.weight', 12), 1);
    assert.equal(f('wte', 14), 0);
    assert.equal(f('wte', 15), 1);
  });

  it('head-first (LP-FT): only clf.* for the first half, then everything', () => {
    const f = stage3Scale({ unfreeze: 'head-first' }, 2, 20)!;
    assert.equal(f('clf.bias', 0), 1);
    assert.equal(f('ln_f.weight', 9), 0);
    assert.equal(f('h.1.attn.c_attn.weight', 9), 0);
    assert.equal(f('wte', 10), 1);
  });

  it('no device: null (the trainer does nothing extra); a bad factor or mode is refused', () => {
    assert.equal(stage3Scale({}, 4, 30), null);
    assert.equal(stage3Scale({ discriminative: 1, unfreeze: 'all' }, 4, 30), null);
    assert.throws(() => stage3Scale({ discriminative: 0.5 }, 4, 30), /at least 1/);
    assert.throws(() => stage3Scale({ unfreeze: 'sometimes' as never }, 4, 30), /unfreeze/);
  });

  it("slanted triangular rate: lr/32 at step 0, lr at the cut (10 %), back to lr/32 at the end (ULMFiT's eq. 3)", () => {
    assert.ok(Math.abs(slantedTriangular(0, 100, 1) - 1 / 32) < 1e-12);
    assert.ok(Math.abs(slantedTriangular(10, 100, 1) - 1) < 1e-12);
    assert.ok(Math.abs(slantedTriangular(55, 100, 1) - (1 + 0.5 * 31) / 32) < 1e-12);
    assert.ok(Math.abs(slantedTriangular(100, 100, 1) - 1 / 32) < 1e-12);
    assert.equal(learningRate(10, { lr: 1, minLr: 0.1, warmup: 5, total: 100, shape: 'slanted' }), 1);
  });

  it('AdamW with a scale vector: 0 leaves a parameter (and its decay) alone, ½ halves its step', () => {
    const p = new Map([['a', tf.variable(tf.tensor1d([1, 1]))], ['b', tf.variable(tf.tensor1d([1]))]]);
    const opt = new AdamW({ weightDecay: 0.1 });
    const layout = opt.layoutFor(p, ['a', 'b'], () => true);
    const g = tf.tensor1d([0.5, 0.5, 0.5]);
    const scale = tf.tensor1d([0, 0, 0.5]);
    opt.applyFlat(p, g, 0.01, scale);
    assert.deepEqual(Array.from(p.get('a')!.dataSync()), [1, 1]);
    // Step 1: the Adam part is sign(g) = 1, plus decay λθ = 0.1, at half the rate 0.005.
    assert.ok(Math.abs(p.get('b')!.dataSync()[0] - (1 - 0.005 * 1.1)) < 1e-6);
    assert.equal(layout.total, 3);
    tf.dispose([g, scale]);
    opt.dispose();
  });

  it('finetune with gradual unfreezing: frozen layers are untouched until their turn, then move', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-stage3-'));
    try {
      const texts = ['cheap meds now', 'win money fast', 'meeting at noon', 'kernel patch review'];
      const tok = BpeTokenizer.train(texts.join('. ').repeat(20), 280);
      const lm = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 3 });
      saveCheckpoint(dir, lm, { kind: 'lm', tokenizer: tok.toJSON() });
      lm.dispose();
      const run = async (steps: number): Promise<{ wpe: Float32Array; head: Float32Array; before: { wpe: Float32Array; head: Float32Array } }> => {
        const { model, tokenizer } = prepareClassifier(dir, 'pretrained', 1);
        const before = { wpe: model.params.get('wpe')!.dataSync().slice() as Float32Array, head: model.params.get('clf.weight')!.dataSync().slice() as Float32Array };
        const data = encodeClassifierData(tokenizer, texts, [1, 1, 0, 0], 10);
        await finetune(model, data, data, { ...DEFAULT_FINETUNE, T: 10, epochs: steps, batchSize: 4, maxSteps: steps, evalEvery: steps, unfreeze: 'gradual', schedule: 'slanted', discriminative: 2.6 });
        const after = { wpe: model.params.get('wpe')!.dataSync().slice() as Float32Array, head: model.params.get('clf.weight')!.dataSync().slice() as Float32Array };
        model.dispose();
        return { ...after, before };
      };
      // Pico has 2 blocks: 4 groups, interval ⌊20 / 6⌋ = 3, the embeddings join at step 9 of 20.
      const short = await run(20);
      assert.notDeepEqual(Array.from(short.head), Array.from(short.before.head), 'the head learns from step 0');
      assert.notDeepEqual(Array.from(short.wpe), Array.from(short.before.wpe), 'the embeddings learn once unfrozen');
      const frozen = await run(2); // with 2 steps the interval is 1: the embeddings would join at step 3
      assert.deepEqual(Array.from(frozen.wpe), Array.from(frozen.before.wpe), 'the embeddings stay frozen before their turn');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
