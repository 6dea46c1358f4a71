/**
 * Growing a pretrained model's vocabulary by a few tokens (GPT-1's <s> and <e> are new to the
 * pretrained model): copy every weight, append freshly initialised embedding rows.
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
 */
export function extendVocabulary(model: GPT, extra: number, seed = 0, overrides: Partial<Pick<GPTConfig, 'dropout' | 'blockSize'>> = {}): GPT {
  const cfg = { ...model.config, ...overrides, vocabSize: model.config.vocabSize + extra };
  if (cfg.blockSize < model.config.blockSize) throw new Error(`extendVocabulary: blockSize ${cfg.blockSize} is shorter than the pretrained ${model.config.blockSize}`);
  const bigger = new GPT(cfg, { seed, nClasses: model.nClasses > 0 ? model.nClasses : undefined });
  for (const [name, v] of model.params) {
    if (name === 'wte') {
      const rng = new Rng(seed + 1);
      const rows = tf.tensor2d(rng.normalArray(extra * cfg.nEmbd, 0.02), [extra, cfg.nEmbd]);
      const wte = tf.concat([v, rows], 0);
      bigger.params.get('wte')!.assign(wte);
      tf.dispose([rows, wte]);
    } else if (name === 'wpe' && cfg.blockSize > model.config.blockSize) {
      const wpe = tf.tidy(() => {
        const last = tf.slice(v, [model.config.blockSize - 1, 0], [1, cfg.nEmbd]); // (1, C)
        return tf.concat([v, tf.tile(last, [cfg.blockSize - model.config.blockSize, 1])], 0); // (blockSize, C)
      });
      bigger.params.get('wpe')!.assign(wpe);
      wpe.dispose();
    } else {
      bigger.params.get(name)!.assign(v);
    }
  }
  return bigger;
}
