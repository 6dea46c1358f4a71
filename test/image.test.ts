// image/: quantization, the sequence layout, and the judge classifier on tiny inputs.
import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import {
  dequantize, DigitClassifier, describeLayout, imageLayout, imageToSequence, inputsAndTargets, kmeansQuantizer, labelToken, nearest,
  paletteOf, quantizationError, quantize, quantizerFromJson, sequenceToImage, topRows, uniformQuantizer,
} from '../src/image';
import { shiftImage } from '../src/image/classifier';
import { Rng } from '../src/engine';

describe('image/quantize', () => {
  it('uniform levels: centers k/(L−1), palette 0…255, nearest center (ties to the lower level)', () => {
    const q = uniformQuantizer(4);
    assert.deepEqual(q.centers, [0, 1 / 3, 2 / 3, 1]);
    assert.deepEqual(paletteOf(q), [0, 85, 170, 255]);
    assert.deepEqual(Array.from(quantize([0, 0.1, 0.2, 0.45, 0.9, 1], q)), [0, 0, 1, 1, 3, 3]);
    assert.equal(nearest([0, 1], 0.5), 0);
  });

  it('round trip: dequantize ∘ quantize is the identity on the centers, and idempotent elsewhere', () => {
    for (const q of [uniformQuantizer(2), uniformQuantizer(8), kmeansQuantizer([0, 0, 0.1, 0.5, 0.55, 0.9, 1, 1], 3)]) {
      const levels = Uint8Array.from({ length: q.levels }, (_, k) => k);
      assert.deepEqual(Array.from(quantize(dequantize(levels, q), q)), Array.from(levels));
      const rng = new Rng(3);
      const x = Float32Array.from({ length: 50 }, () => rng.next());
      const once = quantize(x, q);
      assert.deepEqual(Array.from(quantize(dequantize(once, q), q)), Array.from(once));
    }
  });

  it('k-means: deterministic, converges to the cluster means of well-separated data, never worse than uniform', () => {
    const data = [...new Array(60).fill(0), ...new Array(20).fill(0.4), ...new Array(20).fill(0.6), ...new Array(30).fill(1)];
    const q = kmeansQuantizer(data, 3);
    assert.deepEqual(q, kmeansQuantizer(data, 3), 'same data, same centers');
    // Started from 0, ½, 1: the middle cluster takes 0.4 and 0.6 and settles on their mean.
    assert.ok(Math.abs(q.centers[0]) < 1e-12 && Math.abs(q.centers[1] - 0.5) < 0.003 && Math.abs(q.centers[2] - 1) < 1e-12, String(q.centers));
    assert.ok(quantizationError([data], q) <= quantizationError([data], uniformQuantizer(3)) + 1e-12);
  });

  it('rejects bad levels and bad stored quantizers with InputError', () => {
    assert.throws(() => uniformQuantizer(1), InputError);
    assert.throws(() => dequantize([4], uniformQuantizer(4)), InputError);
    assert.throws(() => quantizerFromJson({ kind: 'kmeans', levels: 2, centers: [0.9, 0.1] }), /ascending/);
    assert.throws(() => quantizerFromJson({ kind: 'magic', levels: 2, centers: [0, 1] }), /kind/);
    assert.deepEqual(quantizerFromJson(JSON.parse(JSON.stringify(uniformQuantizer(4)))), uniformQuantizer(4));
  });
});

describe('image/sequence', () => {
  const layout = imageLayout(3, 2, 4); // a 3×2 image: 6 pixels

  it('lays out ids as levels 0…L−1, then labels L…L+9', () => {
    assert.equal(layout.vocabSize, 14);
    assert.equal(layout.seqLength, 7);
    assert.equal(layout.blockSize, 6);
    assert.equal(labelToken(layout, 0), 4);
    assert.equal(labelToken(layout, 9), 13);
    assert.throws(() => labelToken(layout, 10), InputError);
    assert.throws(() => labelToken(layout, 1.5), InputError);
    assert.match(describeLayout(layout), /ids 0…3: pixel levels; ids 4…13: labels/);
  });

  it('[label, p0 … p5] in raster order, and back', () => {
    const levels = [0, 1, 2, 3, 2, 1]; // rows [0 1 2] and [3 2 1]
    const seq = imageToSequence(layout, levels, 7);
    assert.deepEqual(Array.from(seq), [11, 0, 1, 2, 3, 2, 1]);
    const back = sequenceToImage(layout, seq);
    assert.equal(back.label, 7);
    assert.deepEqual(Array.from(back.levels), levels);
    assert.throws(() => imageToSequence(layout, [0, 1, 2, 3, 2, 4], 7), /level 4/);
    assert.throws(() => sequenceToImage(layout, [0, 0, 1, 2, 3, 2, 1]), /not a label token/);
  });

  it('x = seq[0…S−2], y = seq[1…S−1]: every target is a pixel, the label is only an input', () => {
    const seqs = new Int32Array([...imageToSequence(layout, [0, 1, 2, 3, 2, 1], 7), ...imageToSequence(layout, [3, 3, 3, 0, 0, 0], 2)]);
    const { x, y, rows } = inputsAndTargets(layout, seqs);
    assert.equal(rows, 2);
    assert.deepEqual(Array.from(x), [11, 0, 1, 2, 3, 2, /**/ 6, 3, 3, 3, 0, 0]);
    assert.deepEqual(Array.from(y), [0, 1, 2, 3, 2, 1, /**/ 3, 3, 3, 0, 0, 0]);
    assert.ok(Array.from(y).every((id) => id < layout.levels));
  });

  it('the top rows of an image are a prefix of its pixels', () => {
    assert.deepEqual(Array.from(topRows(layout, [0, 1, 2, 3, 2, 1], 1)), [0, 1, 2]);
    assert.throws(() => topRows(layout, [0, 1, 2, 3, 2, 1], 2), InputError);
  });
});

describe('image/classifier', () => {
  it('shifts images with background filling in (by hand)', () => {
    // 3×3 with a single 1 in the centre.
    const img = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    assert.deepEqual(Array.from(shiftImage(img, 3, 1, 0)), [0, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(Array.from(shiftImage(img, 3, 0, -1)), [0, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(shiftImage(img, 3, 2, 0)), new Array(9).fill(0));
  });

  it('learns ten 6×6 patterns (a bar per class) from a tiny noisy set, deterministically', function () {
    this.timeout(30_000);
    const q = uniformQuantizer(4);
    const side = 6;
    const rng = new Rng(11);
    // Class c: a horizontal bar on row c (c < 6) or a vertical bar on column c − 6 + 1 (c ≥ 6).
    const make = (c: number): number[] => Array.from({ length: side * side }, (_, i) => {
      const r = Math.floor(i / side);
      const col = i % side;
      const on = c < 6 ? r === c : col === c - 5;
      return on ? 3 : rng.next() < 0.05 ? 1 : 0;
    });
    const labels = Array.from({ length: 100 }, (_, i) => i % 10);
    const images = labels.map(make);
    const opts = { hidden: 32, epochs: 8, batchSize: 25, lr: 1e-2, shift: 0, seed: 1 };
    const clf = DigitClassifier.train(images.flat(), labels, q, opts);
    const testLabels = Array.from({ length: 50 }, (_, i) => (i * 3) % 10);
    const acc = clf.accuracy(testLabels.map(make), testLabels);
    const again = DigitClassifier.train(images.flat(), labels, q, opts);
    const probe = testLabels.map(make);
    assert.deepEqual(again.predict(probe), clf.predict(probe), 'same seed, same judge');
    clf.dispose();
    again.dispose();
    assert.equal(acc, 1);
  });
});
