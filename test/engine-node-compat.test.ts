import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, bridgeLegacyUtil } from '../src/engine';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeSupport = require('../scripts/node-support.js') as {
  satisfies(version: string, range: string): boolean;
  parseRange(range: string): number[][];
  nodeWarning(version?: string, range?: string): string | null;
  engineRange(): string;
};

describe('engine/node-compat: Node 23+ lacks util.isNullOrUndefined, tfjs-node 4.22 calls it', () => {
  it('adds the missing legacy helpers with Node\'s semantics, and only those', () => {
    const target: Record<string, unknown> = {};
    assert.deepEqual(bridgeLegacyUtil(target).sort(), ['isArray', 'isNullOrUndefined']);
    const isNil = target.isNullOrUndefined as (x: unknown) => boolean;
    assert.deepEqual([null, undefined, 0, '', false, NaN, [], {}].map(isNil), [true, true, false, false, false, false, false, false]);
    const isArray = target.isArray as (x: unknown) => boolean;
    assert.deepEqual([[], [1], new Float32Array(2), 'ab', null].map(isArray), [true, true, false, false, false]);
    assert.deepEqual(bridgeLegacyUtil(target), [], 'a second call adds nothing');
    assert.ok(!Object.keys(target).includes('isArray'), 'the helpers are not enumerable, as in Node\'s util');
  });

  it('leaves a helper Node still has untouched', () => {
    const own = (): boolean => true;
    const target: Record<string, unknown> = { isNullOrUndefined: own };
    assert.deepEqual(bridgeLegacyUtil(target), ['isArray']);
    assert.equal(target.isNullOrUndefined, own);
  });

  it('replaces a helper Node only has behind a runtime deprecation (Node 22+ util.isArray)', () => {
    const deprecated = function deprecated(): boolean { throw new Error('the deprecated wrapper was called'); };
    const target: Record<string, unknown> = { isNullOrUndefined: (x: unknown) => x == null, isArray: deprecated };
    assert.deepEqual(bridgeLegacyUtil(target), ['isArray']);
    assert.equal((target.isArray as (x: unknown) => boolean)([1]), true);
  });

  it('the util module has the helper once the backend is up, whatever the Node version', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('util') as Record<string, (x: unknown) => boolean>;
    assert.equal(typeof util.isNullOrUndefined, 'function');
    assert.notEqual(util.isArray.name, 'deprecated', 'no DeprecationWarning from tfjs-node\'s isArray calls');
  });

  it('the native kernels that call it run: topk and a training step\'s multi-output ops', () => {
    // TopK.js and nodejs_kernel_backend's getDTypes/executeMultipleOutputs call the helper; on
    // Node 24/26 without the bridge these throw "(0 , util_1.isNullOrUndefined) is not a function".
    const x = tf.tensor1d([3, 1, 4, 1, 5, 9, 2, 6]);
    const { values, indices } = tf.topk(x, 3);
    assert.deepEqual(Array.from(values.dataSync()), [9, 6, 5]);
    assert.deepEqual(Array.from(indices.dataSync()), [5, 7, 4]);
    const w = tf.variable(tf.tensor2d([[0.5, -0.25], [0.1, 0.2]]));
    const opt = tf.train.adam(0.1);
    const before = Array.from(w.dataSync());
    opt.minimize(() => tf.sum(tf.square(tf.matMul(w, tf.tensor2d([[1], [2]])))) as tf.Scalar);
    assert.notDeepEqual(Array.from(w.dataSync()), before, 'the step changed the weights');
    tf.dispose([x, values, indices, w]);
    opt.dispose();
    assert.ok(backendInfo().backend.length > 0);
  });
});

describe('scripts/node-support: engines says which Node lines are tested', () => {
  it('reads package.json\'s range and accepts exactly the tested lines', () => {
    const range = nodeSupport.engineRange();
    assert.deepEqual(nodeSupport.parseRange(range).map((r) => r[0]), [20, 22, 24, 26]);
    for (const v of ['v20.19.0', 'v20.20.2', 'v22.12.0', 'v22.23.3', 'v24.0.0', 'v24.21.0', 'v26.10.0']) {
      assert.ok(nodeSupport.satisfies(v, range), v);
    }
    for (const v of ['v18.20.0', 'v20.18.3', 'v21.7.0', 'v22.11.0', 'v23.5.0', 'v25.0.0', 'v27.0.0', 'garbage']) {
      assert.ok(!nodeSupport.satisfies(v, range), v);
    }
  });

  it('says it in one line for a version outside, nothing for one inside', () => {
    const w = nodeSupport.nodeWarning('v25.2.1');
    assert.ok(w !== null && !w.includes('\n') && w.includes('v25.2.1') && w.includes('^24.0.0'));
    assert.equal(nodeSupport.nodeWarning('v24.21.0'), null);
    assert.throws(() => nodeSupport.parseRange('>=20'), /expected '\^X\.Y\.Z'/);
  });
});
