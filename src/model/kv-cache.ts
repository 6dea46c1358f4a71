/**
 * The key/value cache for incremental decoding with the tensor model (the plain-JavaScript
 * decoder in decoder.ts keeps its own). Off the reading path of a block: attention calls
 * `extendCache` through a hook and attends to whatever keys and values it returns.
 */
import * as tf from '@tensorflow/tfjs';

/** Per-layer keys and values of the positions seen so far, for incremental decoding. */
export interface KVCache {
  /** Number of positions cached. */
  length: number;
  /** Per layer: keys and values, each (B, nh, length, hs). Owned by the cache. */
  layers: { k: tf.Tensor4D; v: tf.Tensor4D }[];
}

/**
 * Append layer l's new keys and values k, v (B, nh, T, hs) to the cache and return all of them,
 * (B, nh, length + T, hs). The cache holds them past tf.tidy (tf.keep) and frees the ones it replaces.
 */
export function extendCache(cache: KVCache, l: number, k: tf.Tensor4D, v: tf.Tensor4D): { k: tf.Tensor4D; v: tf.Tensor4D } {
  const layer = cache.layers[l];
  const kAll = layer ? (tf.concat([layer.k, k], 2) as tf.Tensor4D) : k;
  const vAll = layer ? (tf.concat([layer.v, v], 2) as tf.Tensor4D) : v;
  const keptK = tf.keep(kAll);
  const keptV = tf.keep(vAll);
  if (layer) { layer.k.dispose(); layer.v.dispose(); }
  cache.layers[l] = { k: keptK, v: keptV };
  return { k: kAll, v: vAll };
}
