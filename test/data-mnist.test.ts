import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import { downsample, hashString, loadMnist } from '../src/data';
import type { MnistDataset } from '../src/data';

describe('data/mnist', () => {
  let data: MnistDataset;
  before(function () {
    this.timeout(30000);
    data = loadMnist();
  });

  it('splits 10,000 digits 90/10, stratified exactly by label', () => {
    assert.equal(data.train.length + data.test.length, 10000);
    assert.equal(data.test.length, 999);
    const count = (xs: MnistDataset['train'], d: number): number => xs.filter((e) => e.label === d).length;
    for (let d = 0; d < 10; d++) {
      const n = count(data.train, d) + count(data.test, d);
      assert.equal(count(data.test, d), Math.round(0.1 * n), `digit ${d}`);
    }
  });

  it('is deterministic: a pinned checksum of the test ids, no overlap with train', () => {
    const ids = data.test.map((e) => e.id);
    assert.equal(hashString(ids.join(',')), 575468958);
    const train = new Set(data.train.map((e) => e.id));
    assert.ok(ids.every((id) => !train.has(id)));
  });

  it('gives Float32Array(784) pixels in [0, 1] with labels 0–9', () => {
    for (const e of [data.train[0], data.train[5000], data.test[998]]) {
      assert.ok(e.pixels instanceof Float32Array);
      assert.equal(e.pixels.length, 784);
      assert.ok(e.pixels.every((v) => v >= 0 && v <= 1));
      assert.ok(e.pixels.some((v) => v > 0.5), 'an image with ink');
      assert.equal(e.label, Number(e.id.split('/')[0]));
    }
  });

  it('downsamples by average pooling (factor 2 and 3, by hand)', () => {
    // 4×4 → 2×2: each output is the mean of one 2×2 block
    const img = [
      0, 1, 2, 3,
      4, 5, 6, 7,
      8, 9, 10, 11,
      12, 13, 14, 15,
    ];
    assert.deepEqual(Array.from(downsample(img, 4, 2)), [2.5, 4.5, 10.5, 12.5]);
    // 6×6 → 2×2 with a single 1 in the top-left 3×3 block
    const six = new Array<number>(36).fill(0);
    six[7] = 1; // row 1, col 1
    six[35] = 0.9; // bottom-right corner
    assert.deepEqual(Array.from(downsample(six, 6, 2)), [Math.fround(1 / 9), 0, 0, Math.fround(0.1)]);
    assert.equal(downsample(data.train[0].pixels).length, 196);
  });

  it('rejects sizes that do not pool evenly', () => {
    assert.throws(() => downsample(new Float32Array(784), 28, 10), InputError);
    assert.throws(() => downsample(new Float32Array(100), 28, 14), InputError);
  });
});
