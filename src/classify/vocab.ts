/**
 * Stage 3's hand-over, continued: growing a pretrained model's vocabulary by a few tokens (GPT-1's
 * <s> and <e> are new to the pretrained model): keep every weight, append freshly initialised
 * embedding rows, and build the bigger model from those weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import type { GPTConfig } from '../model/config';
import { GPT } from '../model/gpt';

/**
 * A new model with vocabSize + extra tokens; the original is left untouched. `overrides`
 * changes the dropout rate fine-tuning uses, and can lengthen the context: a blockSize above
 * the pretrained one adds position-embedding rows, each a copy of the last learned row (a
 * position late in a sequence is what the new ones are), for fine-tuning to tell apart.
 * The new model is built from these weights (GPT.fromWeights): the `extra` embedding rows are
 * drawn from `seed` + 1, nothing else is drawn, and every unchanged weight shares the original's
 * data rather than being copied.
 */
export function extendVocabulary(model: GPT, extra: number, seed = 0, overrides: Partial<Pick<GPTConfig, 'dropout' | 'blockSize'>> = {}): GPT {
  const cfg = { ...model.config, ...overrides, vocabSize: model.config.vocabSize + extra };
  if (cfg.blockSize < model.config.blockSize) throw new Error(`extendVocabulary: blockSize ${cfg.blockSize} is shorter than the pretrained ${model.config.blockSize}`);
  const grown = tf.tidy(() => {
    const rows = tf.tensor2d(new Rng(seed + 1).normalArray(extra * cfg.nEmbd, 0.02), [extra, cfg.nEmbd]); // (extra, C)
    const wte = tf.concat([model.p('wte'), rows], 0); // (V + extra, C)
    if (cfg.blockSize === model.config.blockSize) return { wte };
    const wpe = model.p('wpe');
    const last = tf.slice(wpe, [model.config.blockSize - 1, 0], [1, cfg.nEmbd]); // (1, C)
    return { wte, wpe: tf.concat([wpe, tf.tile(last, [cfg.blockSize - model.config.blockSize, 1])], 0) }; // (blockSize, C)
  });
  const weights = new Map<string, tf.Tensor>([...model.params, ...Object.entries(grown)]);
  try {
    return GPT.fromWeights(cfg, weights, { nClasses: model.nClasses > 0 ? model.nClasses : undefined });
  } finally {
    tf.dispose(Object.values(grown)); // the new model holds its own references
  }
}
