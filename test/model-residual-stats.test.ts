// model/residual-stats.ts: the variance a stack adds = the branches' own + twice their covariance with the stream.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { residualVarianceParts } from '../src/model';

describe('residualVarianceParts (model/residual-stats.ts)', () => {
  it('splits the variance added into the branches\' own and twice their covariance with the stream', () => {
    tf.tidy(() => {
      const x0 = tf.tensor1d([1, -1, 2, -2]);
      const d = tf.tensor1d([0.5, -0.5, 0, 0]); // Var 0.125, Cov(x0, d) = 0.25
      const parts = residualVarianceParts([x0, tf.add(x0, d)]);
      assert.ok(Math.abs(parts.branches - 0.125) < 1e-6, `branches ${parts.branches}`);
      assert.ok(Math.abs(parts.covariance - 0.5) < 1e-6, `covariance ${parts.covariance}`);
      assert.ok(Math.abs(parts.added - (parts.branches + parts.covariance)) < 1e-6, `added ${parts.added}`);
    });
  });
});
