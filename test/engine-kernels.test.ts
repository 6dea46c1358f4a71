// The kernels src/engine adds or replaces (wasm BatchMatMul, wasm/cpu UnsortedSegmentSum)
// against the cpu backend's own results and a hand computation.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, type BackendName, initBackend, setWasmFastMatMul } from '../src/engine';
import { scatterAdd, setFastSegmentSum } from '../src/engine/segment-sum';

/** Run `f` on backend `name` and return plain arrays (values cross backends as arrays). */
async function on<T>(name: BackendName, f: () => T): Promise<T> {
  await initBackend(name);
  return f();
}

function maxDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 2);

describe('engine kernels', function () {
  this.timeout(120_000);
  let start: BackendName;
  before(() => { start = backendInfo().backend; });
  after(async () => { await initBackend(start); });

  it('scatterAdd sums rows into segments and drops out-of-range ids', () => {
    const out = new Float32Array(6);
    scatterAdd([1, 2, 3, 4, 5, 6, 7, 8], [2, 0, 2, 5], 2, 3, out);
    assert.deepEqual(Array.from(out), [3, 4, 0, 0, 1 + 5, 2 + 6]);
  });

  const cases: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[4, 6, 5], [4, 5, 3], false, false],
    [[4, 5, 6], [4, 5, 3], true, false],
    [[2, 3, 6, 5], [2, 3, 3, 5], false, true],
    [[2, 3, 5, 6], [2, 3, 3, 5], true, true],
    [[4, 6, 5], [5, 3], false, false], // shared right operand: one tall product
    [[6, 5], [4, 5, 3], false, false], // shared left operand
  ];
  for (const [sa, sb, ta, tb] of cases) {
    it(`wasm matMul ${sa.join('×')}${ta ? 'ᵀ' : ''} · ${sb.join('×')}${tb ? 'ᵀ' : ''} equals the cpu backend's`, async () => {
      const a = values(sa.reduce((x, y) => x * y, 1), 1);
      const b = values(sb.reduce((x, y) => x * y, 1), 2);
      const product = (): { shape: number[]; data: number[] } => tf.tidy(() => {
        const c = tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb);
        return { shape: c.shape, data: Array.from(c.dataSync()) };
      });
      const ref = await on('cpu', product);
      const fast = await on('wasm', product);
      assert.deepEqual(fast.shape, ref.shape);
      assert.ok(maxDiff(fast.data, ref.data) < 1e-5, `max |Δ| ${maxDiff(fast.data, ref.data)}`);
      const prev = setWasmFastMatMul(false);
      const slow = product();
      setWasmFastMatMul(prev);
      assert.ok(maxDiff(fast.data, slow.data) < 1e-5);
    });
  }

  for (const name of ['wasm', 'cpu'] as const) {
    it(`${name}: the gradient of gather (UnsortedSegmentSum) is a scatter-add`, async () => {
      const grad = (): number[] => tf.tidy(() => {
        const table = tf.tensor2d(values(12, 3), [4, 3]);
        const ids = tf.tensor1d([3, 0, 3, 1, 3], 'int32');
        const w = tf.tensor2d(values(15, 4), [5, 3]);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
        return Array.from(g.dataSync());
      });
      const g = await on(name, grad);
      const w = values(15, 4);
      const expect = new Array(12).fill(0);
      [3, 0, 3, 1, 3].forEach((id, i) => { for (let j = 0; j < 3; j++) expect[id * 3 + j] += w[i * 3 + j]; });
      assert.ok(maxDiff(g, expect) < 1e-5, `${g} vs ${expect}`);
      // tfjs's own (slow) kernel, kept for before/after measurements, agrees.
      const prev = setFastSegmentSum(false);
      const slow = grad();
      setFastSegmentSum(prev);
      assert.ok(maxDiff(slow, expect) < 1e-5, `${slow} vs ${expect}`);
    });
  }

  it('the wasm matMul leaves no tensors behind', async () => {
    await initBackend('wasm');
    const a = tf.randomNormal([4, 6, 5]);
    const b = tf.randomNormal([4, 3, 5]);
    const before = tf.memory().numTensors;
    const ids = (): number => tf.engine().backend.numDataIds(); // the slice views must be unregistered too
    const idsBefore = ids();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, false, true).dispose();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(ids(), idsBefore);
    tf.dispose([a, b]);
  });
});
