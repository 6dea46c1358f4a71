/**
 * How the residual stream's variance grows, block by block, split into its two parts. With
 * x_{l+1} = x_l + Δ_l (Δ_l: the block's two branch outputs together),
 *
 *   Var(x_{l+1}) − Var(x_l) = Var(Δ_l) + 2·Cov(x_l, Δ_l)
 *
 * summed over the blocks. Chapter 03 uses it to say why GPT-2's 1/√(2L) scaling cuts the variance
 * the stack adds by more than 2L: the first part is the branches' own size, the second how much
 * they line up with the stream they are added to. Variances are over every number of the tensors.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The variance the blocks add to the residual stream, in two parts (residualVarianceParts); added =
 * branches + covariance.
 */
export interface ResidualVarianceParts {
  /** Var(x_L) − Var(x_0): what all the blocks added together. */
  readonly added: number;
  /** Σ_l Var(Δ_l): the branches' outputs on their own. */
  readonly branches: number;
  /** Σ_l 2·Cov(x_l, Δ_l): how much they line up with the stream. */
  readonly covariance: number;
}

/**
 * Split the variance the blocks add to the residual stream, Var(x_L) − Var(x_0), into the
 * branches' own variance Σ Var(Δ_l) and twice their covariance with the stream, Σ 2·Cov(x_l, Δ_l).
 * `residuals` is the stream as L + 1 tensors of one shape, e.g. (B, T, C): the embeddings, then
 * after each block (GPT.forward with `returnResiduals: true`). Variances are over every number.
 */
export function residualVarianceParts(residuals: readonly tf.Tensor[]): ResidualVarianceParts {
  return tf.tidy(() => {
    const variance = (t: tf.Tensor): number => tf.moments(t).variance.dataSync()[0];
    let branches = 0;
    let covariance = 0;
    for (let l = 0; l + 1 < residuals.length; l++) {
      const x = tf.sub(residuals[l], tf.mean(residuals[l]));
      const delta = tf.sub(residuals[l + 1], residuals[l]);
      const d = tf.sub(delta, tf.mean(delta));
      branches += variance(delta);
      covariance += 2 * tf.mean(tf.mul(x, d)).dataSync()[0];
    }
    return { added: variance(residuals[residuals.length - 1]) - variance(residuals[0]), branches, covariance };
  });
}
