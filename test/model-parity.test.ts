// Parity of the (optimised) model with pinned reference numbers, and across backends.
//
// test/fixtures/model-parity.json was computed on the cpu backend by the model as it was
// before the speed work (scripts/bench-parity-fixture.ts). The optimisations of issue 9
// (matmul formulations per backend, fused kernels, embedding without gather, a faster AdamW)
// must not change what the model computes: a checkpoint trained before them must load and
// give the same logits. Float32 on different kernels rounds differently, hence tolerances.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, type BackendName, initBackend } from '../src/engine';
import { gelu, layerNorm, setKernelMode } from '../src/model';
import { setNativeKernels, setNativeMatMul } from '../src/model/fused';
import { linear } from '../src/model/layers';
import { crossEntropy } from '../src/model/gpt';
import { type Fingerprint, type ParityProbe, runParityProbe } from './parity-probe';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'model-parity.json'), 'utf8')) as ParityProbe;

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (|Δ| ${Math.abs(actual - expected).toExponential(2)} > ${tol.toExponential(1)})`);
}

function closeArrays(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], tol, `${what}[${i}]`);
}

/** Fingerprints agree when norm, sum and random projection agree relative to the norm. */
function closePrints(actual: Record<string, Fingerprint>, expected: Record<string, Fingerprint>, rel: number, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: parameter names`);
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    const tol = rel * e.norm + 1e-7;
    close(a.norm, e.norm, tol, `${what} ${name} norm`);
    close(a.sum, e.sum, 4 * tol, `${what} ${name} sum`);
    close(a.dot, e.dot, tol, `${what} ${name} dot`);
  }
}

/** The probe must match the fixture; `rel` scales every tolerance. */
function assertMatches(p: ParityProbe, ref: ParityProbe, rel: number): void {
  assert.deepEqual(p.config, ref.config);
  closeArrays(p.logits, ref.logits, 5 * rel, 'logits');
  close(p.loss, ref.loss, 5 * rel, 'loss');
  closePrints(p.grads, ref.grads, 20 * rel, 'gradient');
  close(p.dropoutLoss, ref.dropoutLoss, 5 * rel, 'dropout loss');
  closeArrays(p.cachedLogits, ref.cachedLogits, 5 * rel, 'cached logits');
  closeArrays(p.stepLosses, ref.stepLosses, 20 * rel, 'AdamW step losses');
  closeArrays(p.gradNorms, ref.gradNorms, 20 * rel, 'gradient norms');
  // Adam divides by √v: components with tiny gradients amplify rounding, so looser here.
  closePrints(p.paramsAfter, ref.paramsAfter, 200 * rel, 'parameters after AdamW');
}

describe('model parity', () => {
  it(`matches the pinned reference numbers on this backend`, () => {
    assertMatches(runParityProbe(), fixture, 1e-5);
  });

  it('the cached incremental forward gives the full forward\'s last logits', () => {
    const V = fixture.config.vocabSize;
    const T = fixture.config.blockSize;
    const lastRow = fixture.logits.slice((T - 1) * V, T * V); // batch row 0, position T−1
    closeArrays(fixture.cachedLogits, lastRow, 1e-5, 'fixture cached vs full');
  });
});

describe('fused kernels equal the textbook ones', () => {
  /** Value and gradients of sum(f(inputs)·w) in one kernel mode. */
  function valueAndGrads(mode: 'fused' | 'reference', f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): number[][] {
    const prev = setKernelMode(mode);
    try {
      return tf.tidy(() => {
        const w = tf.sin(tf.range(0, f(...inputs).size).reshape(f(...inputs).shape)); // a fixed, uneven weighting
        const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), w)));
        const value = Array.from(f(...inputs).dataSync());
        return [value, ...g(inputs).map((t) => Array.from(t.dataSync()))];
      });
    } finally {
      setKernelMode(prev);
    }
  }

  it('GELU over [−8, 8]: values and gradient', () => {
    const x = tf.linspace(-8, 8, 257).reshape([1, 257]);
    const [fused, ref] = [valueAndGrads('fused', gelu, [x]), valueAndGrads('reference', gelu, [x])];
    fused.forEach((arr, i) => closeArrays(arr, ref[i], 2e-5 * 8, i === 0 ? 'gelu' : 'gelu gradient'));
    x.dispose();
  });

  it('LayerNorm (B, T, C): values and gradients of x, γ, β', () => {
    const x = tf.mul(tf.sin(tf.range(0, 2 * 5 * 12).reshape([2, 5, 12])), 3);
    const g = tf.linspace(0.5, 1.5, 12) as tf.Tensor1D;
    const b = tf.linspace(-0.2, 0.2, 12) as tf.Tensor1D;
    const ln = (a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor): tf.Tensor => layerNorm(a, gm as tf.Tensor1D, bt as tf.Tensor1D);
    const [fused, ref] = [valueAndGrads('fused', ln, [x, g, b]), valueAndGrads('reference', ln, [x, g, b])];
    ['value', 'dx', 'dγ', 'dβ'].forEach((what, i) => closeArrays(fused[i], ref[i], 2e-5, `layerNorm ${what}`));
    tf.dispose([x, g, b]);
  });

  it('on the native backend LayerNorm runs on the batch-norm kernels, and equals the composite form', async function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    const x = tf.mul(tf.sin(tf.range(0, 4 * 20 * 16).reshape([4, 20, 16])), 2); // 80 rows: at least NATIVE_MIN_ROWS
    const g = tf.linspace(0.5, 1.5, 16) as tf.Tensor1D;
    const b = tf.linspace(-0.2, 0.2, 16) as tf.Tensor1D;
    const ln = (a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor): tf.Tensor => layerNorm(a, gm as tf.Tensor1D, bt as tf.Tensor1D);
    const profile = await tf.profile(() => { valueAndGrads('fused', ln, [x, g, b]); });
    const names = new Set(profile.kernels.map((k) => k.name));
    assert.ok(names.has('LgptRowNorm') && names.has('LgptRowNormGrad'), `kernels: ${[...names].join(', ')}`);
    const native = valueAndGrads('fused', ln, [x, g, b]);
    const prev = setNativeKernels(false);
    let composite: number[][];
    try { composite = valueAndGrads('fused', ln, [x, g, b]); } finally { setNativeKernels(prev); }
    ['value', 'dx', 'dγ', 'dβ'].forEach((what, i) => closeArrays(native[i], composite[i], 2e-5, `native layerNorm ${what}`));
    tf.dispose([x, g, b]);
  });

  it('on the native backend GELU\'s backward runs SigmoidGrad, and equals the composite form', async function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    const x = tf.linspace(-8, 8, 257).reshape([1, 257]);
    const profile = await tf.profile(() => { valueAndGrads('fused', gelu, [x]); });
    assert.ok(profile.kernels.some((k) => k.name === 'LgptSigmoidGrad'), 'SigmoidGrad did not run');
    const native = valueAndGrads('fused', gelu, [x]);
    const prev = setNativeKernels(false);
    let composite: number[][];
    try { composite = valueAndGrads('fused', gelu, [x]); } finally { setNativeKernels(prev); }
    native.forEach((arr, i) => closeArrays(arr, composite[i], 1e-5 * 8, i === 0 ? 'gelu' : 'gelu gradient'));
    x.dispose();
  });
});

describe('cross-entropy on TensorFlow\'s fused kernel', () => {
  it('gives the loss and logit gradients of the composite form, ignored targets included', async function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    const z = tf.mul(tf.sin(tf.range(0, 3 * 7 * 11).reshape([3, 7, 11])), 4);
    const t = tf.tensor2d([[1, 0, 10, -1, 3, 3, 5], [2, -1, -1, 4, 7, 9, 0], [6, 6, 6, 1, 2, 8, 10]], [3, 7], 'int32');
    const run = (on: boolean): number[][] => {
      const prev = setNativeKernels(on);
      try {
        return tf.tidy(() => {
          const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => crossEntropy(x, t))(z);
          return [Array.from(value.dataSync()), Array.from(grad.dataSync())];
        });
      } finally {
        setNativeKernels(prev);
      }
    };
    const profile = await tf.profile(() => { run(true); });
    assert.ok(profile.kernels.some((k) => k.name === 'LgptSparseCrossEntropy'), 'the fused kernel did not run');
    const [on, off] = [run(true), run(false)];
    closeArrays(on[0], off[0], 1e-5, 'loss');
    closeArrays(on[1], off[1], 1e-6, 'dL/dz');
    assert.ok(on[1].slice(3 * 11, 4 * 11).every((g) => g === 0), 'an ignored target gets no gradient');
    tf.dispose([z, t]);
  });
});

describe('linear on TensorFlow\'s MatMul kernel', () => {
  it('gives the values and gradients of the BatchMatMul path', function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    const x = tf.sin(tf.range(0, 3 * 5 * 8).reshape([3, 5, 8]));
    const w = tf.cos(tf.range(0, 8 * 6).reshape([8, 6])) as tf.Tensor2D;
    const b = tf.linspace(-1, 1, 6) as tf.Tensor1D;
    const run = (on: boolean): number[][] => {
      const prev = setNativeMatMul(on);
      try {
        return tf.tidy(() => {
          const wt = tf.sin(tf.range(0, 3 * 5 * 6).reshape([3, 5, 6]));
          const f = (a: tf.Tensor, m: tf.Tensor, c: tf.Tensor): tf.Tensor => tf.sum(tf.mul(linear(a, m as tf.Tensor2D, c as tf.Tensor1D), wt));
          const [dx, dw, db] = tf.grads(f)([x, w, b]);
          return [linear(x, w, b), dx, dw, db].map((t) => Array.from(t.dataSync()));
        });
      } finally {
        setNativeMatMul(prev);
      }
    };
    const [on, off] = [run(true), run(false)];
    ['value', 'dx', 'dW', 'db'].forEach((what, i) => closeArrays(on[i], off[i], 1e-4, `linear ${what}`));
    tf.dispose([x, w, b]);
  });
});

describe('cross-backend parity (tensorflow, wasm, cpu)', function () {
  this.timeout(300_000);
  const original = (): BackendName => backendInfo().backend;
  let start: BackendName;
  before(() => { start = original(); });
  after(async () => { await initBackend(start); });

  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    it(`${name}: pico forward + backward + AdamW equal the reference`, async function () {
      try {
        await initBackend(name);
      } catch (e) {
        // The native library is optional (FINDINGS: it is built at install, not downloaded).
        if (name === 'tensorflow') this.skip();
        throw e;
      }
      assert.equal(tf.getBackend(), name);
      assertMatches(runParityProbe(), fixture, 1e-5);
    });
  }
});
