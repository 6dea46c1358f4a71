/**
 * Growing a pretrained model's vocabulary by a few tokens (GPT-1's <s> and <e> are new to the
 * pretrained model): copy every weight, append freshly initialised embedding rows.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { GPT } from '../model/gpt';

/** A new model with vocabSize + extra tokens; the original is left untouched. */
export function extendVocabulary(model: GPT, extra: number, seed = 0): GPT {
  const cfg = { ...model.config, vocabSize: model.config.vocabSize + extra };
  const bigger = new GPT(cfg, { seed, nClasses: model.nClasses > 0 ? model.nClasses : undefined });
  for (const [name, v] of model.params) {
    if (name === 'wte') {
      const rng = new Rng(seed + 1);
      const rows = tf.tensor2d(rng.normalArray(extra * cfg.nEmbd, 0.02), [extra, cfg.nEmbd]);
      const wte = tf.concat([v, rows], 0);
      bigger.params.get('wte')!.assign(wte);
      tf.dispose([rows, wte]);
    } else {
      bigger.params.get(name)!.assign(v);
    }
  }
  return bigger;
}
