import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as cp from 'child_process';
import * as path from 'path';
import { backendInfo, BACKENDS, type BackendName, canQuietStderr, initBackend, oneDnnSetting, parseBackendName, Rng } from '../src/engine';
import { InputError } from '../src/errors';
import { cli } from './safety-helpers';

/** A tiny forward and backward pass touching matmul, softmax, layer norm and gather. */
function tinyPass(): { loss: number; grads: Record<string, number[]> } {
  const rng = new Rng(7);
  const table = tf.tensor2d(rng.normalArray(6 * 4, 0.5), [6, 4]);
  const w = tf.tensor2d(rng.normalArray(4 * 5, 0.5), [4, 5]);
  const gamma = tf.tensor1d(rng.normalArray(4, 0.1).map((x) => 1 + x));
  const ids = tf.tensor1d([0, 3, 3, 5, 1], 'int32');
  const target = tf.oneHot(tf.tensor1d([1, 0, 4, 2, 3], 'int32'), 5);
  const f = (tbl: tf.Tensor, weight: tf.Tensor, g: tf.Tensor): tf.Scalar => {
    const x = tf.gather(tbl, ids); // (5, 4) embedding lookup
    const { mean, variance } = tf.moments(x, -1, true);
    const ln = tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g);
    const p = tf.softmax(tf.matMul(ln, weight as tf.Tensor2D)); // (5, 5)
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(p)), -1))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(f)([table, w, gamma]);
  const out = {
    loss: value.dataSync()[0],
    grads: { table: Array.from(grads[0].dataSync()), w: Array.from(grads[1].dataSync()), gamma: Array.from(grads[2].dataSync()) },
  };
  tf.dispose([table, w, gamma, ids, target, value, ...grads]);
  return out;
}

describe('engine', () => {
  it('reports the backend with the fields the CLI promises', () => {
    const info = backendInfo();
    assert.ok(BACKENDS.includes(info.backend));
    assert.equal(info.tfjs, tf.version.tfjs);
    assert.equal(typeof info.native, 'boolean');
    assert.equal(typeof info.gpu, 'boolean');
    assert.equal(info.native, info.backend === 'tensorflow');
  });

  it('rejects an unknown LGPT_BACKEND with an InputError', () => {
    assert.equal(parseBackendName(undefined), undefined);
    assert.equal(parseBackendName('wasm'), 'wasm');
    assert.throws(() => parseBackendName('tpu'), InputError);
  });

  it('turns oneDNN on unless told otherwise, and says so in the report', () => {
    assert.equal(oneDnnSetting({}), true);
    assert.equal(oneDnnSetting({ TF_ENABLE_ONEDNN_OPTS: '1' }), true);
    for (const off of ['0', 'false', 'OFF', ' no ']) assert.equal(oneDnnSetting({ TF_ENABLE_ONEDNN_OPTS: off }), false, off);
    const info = backendInfo();
    if (info.native) assert.equal(info.oneDnn, oneDnnSetting());
    else assert.equal(info.oneDnn, undefined);
  });

  it('`info --json` reports the backend, and oneDNN on the native one, with nothing on stderr', async function () {
    this.timeout(120_000);
    const r = await cli(['info', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['backend', 'tfjs', 'native', 'gpu']) assert.ok(k in out, k);
    if (out.native === true) assert.equal(out.oneDnn, oneDnnSetting());
    if (canQuietStderr()) assert.equal(r.stderr, '');
  });

  it('keeps what the native library writes to stderr while it loads off stderr, and only that', function () {
    this.timeout(60_000);
    // The child writes through file descriptor 2 directly, as the C library does.
    const script = `const fs = require('fs'); const { withQuietStderr } = require('./src/engine/quiet-stderr');
      fs.writeSync(2, 'before\\n'); withQuietStderr(() => fs.writeSync(2, 'hidden\\n')); fs.writeSync(2, 'after\\n');
      try { withQuietStderr(() => { throw new Error('thrown'); }); } catch (e) { fs.writeSync(2, e.message + '\\n'); }`;
    const r = cp.spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    if (process.env.LGPT_REQUIRE_NATIVE === '1') assert.ok(canQuietStderr(), 'build/quiet-stderr.node is missing (npm install builds it)');
    assert.equal(r.stderr, canQuietStderr() ? 'before\nafter\nthrown\n' : 'before\nhidden\nafter\nthrown\n');
  });

  it('gives the same forward and backward numbers on every available backend', async function () {
    this.timeout(120_000);
    const start = backendInfo().backend;
    const results = new Map<BackendName, ReturnType<typeof tinyPass>>();
    try {
      for (const b of BACKENDS) {
        try {
          await initBackend(b);
        } catch {
          continue; // not available here (e.g. no native build): compared among the rest
        }
        results.set(b, tinyPass());
      }
    } finally {
      await initBackend(start);
    }
    // On this project's machines all three must run; elsewhere at least wasm and cpu.
    assert.ok(results.has('wasm') && results.has('cpu'), `backends that ran: ${[...results.keys()].join(', ')}`);
    if (process.env.LGPT_REQUIRE_NATIVE === '1') assert.ok(results.has('tensorflow'), 'the native backend did not run');
    const ref = results.get('cpu')!;
    for (const [b, r] of results) {
      assert.ok(Math.abs(r.loss - ref.loss) < 1e-5, `${b} loss ${r.loss} vs cpu ${ref.loss}`);
      for (const k of Object.keys(ref.grads)) {
        const a = r.grads[k];
        const e = ref.grads[k];
        assert.equal(a.length, e.length);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - e[i]) < 1e-5, `${b} grad ${k}[${i}] ${a[i]} vs cpu ${e[i]}`);
      }
    }
  });
});

describe('Rng', () => {
  it('is deterministic per seed and resumable from its state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextUint32()));
    const s = a.getState();
    const next = a.next();
    const c = new Rng(0);
    c.setState(s);
    assert.equal(c.next(), next);
    assert.notDeepEqual(new Rng(1).getState(), new Rng(2).getState());
  });

  it('draws normals with mean ≈ 0 and std ≈ 1, and ints in range', () => {
    const r = new Rng(3);
    const n = 20000;
    const v = r.normalArray(n);
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(std - 1) < 0.03, `mean ${mean} std ${std}`);
    for (let i = 0; i < 1000; i++) { const k = r.int(7); assert.ok(k >= 0 && k < 7 && Number.isInteger(k)); }
    assert.throws(() => r.setState([1, 2, 3] as unknown as [number, number, number, number]), RangeError);
  });
});
