import { strict as assert } from 'assert';
import { Rng } from '../src/engine/random';
import { InputError } from '../src/errors';
import { countSequentialBatches, sampleBatch, sampleMixedBatch, sequentialBatches } from '../src/data';

const ids = Int32Array.from({ length: 100 }, (_, i) => i); // token id = position, so windows are easy to check

describe('data/batches', () => {
  it('sampleBatch: shapes, contiguous windows, y = x shifted by one', () => {
    const B = 4;
    const T = 8;
    const { x, y, batchSize, blockSize } = sampleBatch(ids, B, T, new Rng(1));
    assert.equal(x.length, B * T);
    assert.equal(y.length, B * T);
    assert.deepEqual([batchSize, blockSize], [B, T]);
    for (let b = 0; b < B; b++) {
      const start = x[b * T];
      assert.ok(start >= 0 && start + T < ids.length);
      for (let t = 0; t < T; t++) {
        assert.equal(x[b * T + t], start + t);
        assert.equal(y[b * T + t], start + t + 1);
      }
    }
  });

  it('sampleBatch: same seed, same batches; other seed, other batches', () => {
    const a = sampleBatch(ids, 8, 16, new Rng(42));
    const b = sampleBatch(ids, 8, 16, new Rng(42));
    const c = sampleBatch(ids, 8, 16, new Rng(43));
    assert.deepEqual(a.x, b.x);
    assert.deepEqual(a.y, b.y);
    assert.notDeepEqual(a.x, c.x);
  });

  it('sampleBatch: reaches the last possible window', () => {
    const small = Int32Array.from([5, 6, 7, 8]); // T = 2: windows start at 0 or 1 (y needs one more token)
    const rng = new Rng(0);
    const starts = new Set<number>();
    for (let i = 0; i < 50; i++) starts.add(sampleBatch(small, 1, 2, rng).x[0]);
    assert.deepEqual([...starts].sort(), [5, 6]);
  });

  it('sequentialBatches: non-overlapping windows in order, last batch smaller', () => {
    const T = 10;
    const batches = [...sequentialBatches(ids, 4, T)];
    // floor(99 / 10) = 9 windows → batches of 4, 4, 1
    assert.deepEqual(batches.map((b) => b.batchSize), [4, 4, 1]);
    assert.equal(countSequentialBatches(ids.length, 4, T), 3);
    const xs = batches.flatMap((b) => Array.from(b.x));
    const ys = batches.flatMap((b) => Array.from(b.y));
    assert.deepEqual(xs, Array.from({ length: 90 }, (_, i) => i));
    assert.deepEqual(ys, Array.from({ length: 90 }, (_, i) => i + 1));
  });

  it('rejects a text shorter than a block and bad sizes with InputError', () => {
    const short = Int32Array.from([1, 2, 3]);
    assert.throws(() => sampleBatch(short, 1, 3, new Rng(0)), InputError);
    assert.throws(() => [...sequentialBatches(short, 1, 3)], InputError);
    assert.throws(() => sampleBatch(ids, 0, 4, new Rng(0)), InputError);
    assert.throws(() => sampleBatch(ids, 2, 2.5, new Rng(0)), InputError);
  });

  it('sampleMixedBatch: each row is one window of one text, texts drawn by their shares', () => {
    // Text k holds ids 1000k .. 1000k + 99, so a row's first id names its text.
    const texts = [0, 1, 2].map((k) => Int32Array.from({ length: 100 }, (_, i) => 1000 * k + i));
    const counts = [0, 0, 0];
    const rng = new Rng(3);
    for (let rep = 0; rep < 50; rep++) {
      const b = sampleMixedBatch(texts, [0.6, 0, 0.4], 20, 8, rng);
      for (let r = 0; r < 20; r++) {
        const row = Array.from(b.x.subarray(r * 8, r * 8 + 8));
        const k = Math.floor(row[0] / 1000);
        counts[k]++;
        assert.deepEqual(row, row.map((_, t) => row[0] + t), 'a window is contiguous inside one text');
        assert.equal(b.y[r * 8 + 7], row[7] + 1);
      }
    }
    assert.equal(counts[1], 0, 'a text with share 0 is never drawn');
    assert.ok(Math.abs(counts[0] / 1000 - 0.6) < 0.05, `share of text 0: ${counts[0] / 1000}`);
    const again = (seed: number): Int32Array => sampleMixedBatch(texts, [1, 1, 1], 4, 8, new Rng(seed)).x;
    assert.deepEqual(again(7), again(7));
    assert.throws(() => sampleMixedBatch(texts, [1, 1], 4, 8, new Rng(1)), InputError);
    assert.throws(() => sampleMixedBatch(texts, [0, 0, 0], 4, 8, new Rng(1)), InputError);
  });
});
