// image/: a pico pixel GPT trains a few steps, checkpoints, resumes, samples, completes and
// explains itself (attention) with the right shapes.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readCheckpointJson } from '../src/checkpoint';
import {
  completeImages, type ImageData, labelToken, loadImageData, loadImageModel, meanOverHeads, pickDigits, pixelAttention,
  pixelNll, positionTable2d, sampleImages, trainImage,
} from '../src/image';

describe('image: a pico pixel GPT', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-image-'));
  const opts = { preset: 'pico' as const, batchSize: 4, steps: 4, evalEvery: 2, evalImages: 10, lr: 3e-3, warmup: 1, seed: 7 };
  let data: ImageData;
  let small: ImageData; // the same, with a 20-digit test split: the final evaluation scores all of it
  let trained: Awaited<ReturnType<typeof trainImage>>;
  const losses: number[] = [];
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    data = loadImageData();
    const S = data.layout.seqLength;
    small = { ...data, test: { ...data.test, seqs: data.test.seqs.subarray(0, 20 * S), labels: data.test.labels.subarray(0, 20), count: 20 } };
    // Checkpoint 'a', used by every test below.
    trained = await trainImage(path.join(dir, 'a'), opts, false, { onStep: (i) => losses.push(i.loss) }, small);
    trained.model.dispose();
  });

  it('loads MNIST as [label, 196 pixels] sequences with a k-means palette fitted on the training split', () => {
    assert.equal(data.train.count, 9001);
    assert.equal(data.test.count, 999);
    assert.equal(data.layout.seqLength, 197);
    assert.equal(data.train.seqs.length, 9001 * 197);
    assert.equal(data.quantizer.kind, 'kmeans');
    assert.equal(data.train.seqs[0], labelToken(data.layout, data.train.labels[0]));
    assert.ok(data.train.seqs.subarray(1, 197).every((v) => v >= 0 && v < 4));
  });

  it('trains: the loss falls, the checkpoint says kind image with the layout in meta', () => {
    const res = trained;
    assert.equal(res.steps, 4);
    assert.ok(losses[3] < losses[0], `loss ${losses[0]} → ${losses[3]}`);
    assert.ok(res.bitsPerPixel > 0 && res.bitsPerPixel < 4, String(res.bitsPerPixel));
    assert.equal(res.state.tokensSeen, 4 * 4 * 196);
    const json = readCheckpointJson(path.join(dir, 'a'));
    assert.equal(json.kind, 'image');
    assert.equal(json.config.blockSize, 196);
    assert.equal(json.config.vocabSize, 14);
    assert.deepEqual((json.meta as { palette: number[] }).palette.length, 4);
    assert.equal((json.meta as { labelOffset: number }).labelOffset, 4);
  });

  it('resumes to the same weights as an uninterrupted run', async () => {
    const straight = await trainImage(path.join(dir, 'b'), opts, false, {}, small);
    let n = 0;
    const first = await trainImage(path.join(dir, 'c'), opts, false, { shouldStop: () => n++ >= 2 }, small);
    assert.equal(first.steps, 2);
    assert.ok(first.stoppedEarly);
    first.model.dispose();
    const resumed = await trainImage(path.join(dir, 'c'), {}, true, {}, small);
    assert.equal(resumed.steps, 4);
    const a = straight.model.params.get('h.0.attn.c_attn.weight')!.dataSync();
    const b = resumed.model.params.get('h.0.attn.c_attn.weight')!.dataSync();
    assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-6), 'weights differ after resume');
    straight.model.dispose();
    resumed.model.dispose();
  });

  it('samples images of the right shape, seeded per image, without leaking tensors', () => {
    const { model, layout } = loadImageModel(path.join(dir, 'a'));
    // The model caches causal masks (a few dozen, by length and offset): count tensors without them.
    const live = (): number => tf.memory().numTensors - (model as unknown as { masks: Map<string, unknown> }).masks.size;
    const before = live();
    const imgs = sampleImages(model, layout, [3, 7], { seed: 5 });
    assert.equal(live(), before, 'sampling leaks no tensors');
    assert.equal(imgs.length, 2);
    for (const img of imgs) { assert.equal(img.length, 196); assert.ok(img.every((v) => v < 4)); }
    // Image k depends on (seed, k) only, not on the batch it was drawn in (checked on the last
    // 16 pixels after a fixed prefix, to keep the test quick).
    const prefix = Array.from(data.test.seqs.subarray(1, 181));
    const together = sampleImages(model, layout, [3, 3, 7], { seed: 5 }, [prefix, prefix, prefix]);
    const alone = sampleImages(model, layout, [3, 3, 7], { seed: 5, batchSize: 1 }, [prefix, prefix, prefix]);
    assert.deepEqual(alone.map((x) => Array.from(x)), together.map((x) => Array.from(x)));
    assert.deepEqual(Array.from(together[0].slice(0, 180)), prefix);
    model.dispose();
  });

  it('completes the top half of real test digits, keeping the given rows', () => {
    const { model, layout } = loadImageModel(path.join(dir, 'a'));
    const picked = pickDigits(data.test, 3, 5);
    assert.ok(picked.every((i) => data.test.labels[i] === 5));
    const done = completeImages(model, layout, data.test, picked, { perImage: 2, seed: 1 });
    assert.equal(done.length, 3);
    for (const c of done) {
      assert.equal(c.samples.length, 2);
      assert.deepEqual(Array.from(c.samples[0].slice(0, 98)), Array.from(c.original.slice(0, 98)));
      assert.ok(c.prompt.slice(98).every((v) => v === 0));
    }
    assert.equal(pickDigits(data.test, 12).length, 12);
    model.dispose();
  });

  it('bits per pixel agrees with the mean of −log₂ p over the pixels; attention rows sum to 1', () => {
    const { model, layout } = loadImageModel(path.join(dir, 'a'));
    const seqs = data.test.seqs.subarray(0, 2 * 197);
    const nats = pixelNll(model, layout, seqs, 1);
    const byHand = tf.tidy(() => {
      const x = tf.tensor2d(Int32Array.from([...seqs.subarray(0, 196), ...seqs.subarray(197, 393)]), [2, 196], 'int32');
      const logp = tf.logSoftmax(model.logits(model.forward(x).hidden)).arraySync() as number[][][];
      let s = 0;
      for (let r = 0; r < 2; r++) for (let t = 0; t < 196; t++) s -= logp[r][t][seqs[r * 197 + 1 + t]];
      return s / (2 * 196);
    });
    assert.ok(Math.abs(nats - byHand) < 1e-4, `${nats} vs ${byHand}`);
    const att = pixelAttention(model, layout, seqs.subarray(0, 197), 30);
    assert.equal(att.grids.length, 1); // one layer
    assert.equal(att.grids[0].length, 2); // two heads
    const { grid, label } = meanOverHeads(att, 0);
    assert.ok(Math.abs(label + grid.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.ok(grid.slice(30).every((w) => w === 0), 'no weight on pixels not yet drawn');
    model.dispose();
  });

  it('2-D position table: rows share the row code, columns the column code', () => {
    const C = 16;
    const t = positionTable2d(data.layout, 196, C);
    const row = (p: number): number[] => Array.from(t.subarray(p * C, p * C + C / 2));
    const col = (p: number): number[] => Array.from(t.subarray(p * C + C / 2, (p + 1) * C));
    assert.deepEqual(row(14), row(27)); // both on row 1
    assert.deepEqual(col(3), col(3 + 14 * 5)); // both in column 3
    assert.notDeepEqual(row(0), row(14));
  });
});
