/**
 * A fixed experiment on a seeded `pico` GPT whose numbers pin the model's behaviour:
 * logits, loss, gradients, a few AdamW steps with clipping, a dropout forward and a KV-cache
 * forward. `scripts/bench-parity-fixture.ts` ran it once on the cpu backend *before* the
 * speed work of issue 9 and wrote test/fixtures/model-parity.json; test/model-parity.test.ts
 * runs it again on every backend and compares. Shared by both so they cannot drift.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/random';
import { makeConfig } from '../src/model/config';
import { GPT } from '../src/model/gpt';
import { Trainer } from '../src/train/trainer';

/** Per-parameter fingerprint: L2 norm, sum, and the dot product with a fixed random vector. */
export interface Fingerprint { readonly norm: number; readonly sum: number; readonly dot: number }

export interface ParityProbe {
  readonly config: ReturnType<typeof makeConfig>;
  /** Logits (B, T, V) of the fresh model, row-major. */
  readonly logits: number[];
  readonly loss: number;
  readonly grads: Record<string, Fingerprint>;
  /** Loss at each of the AdamW steps, then the parameters after them. */
  readonly stepLosses: number[];
  readonly gradNorms: number[];
  readonly paramsAfter: Record<string, Fingerprint>;
  /** Loss of one forward with dropout 0.1 and a fixed seed. */
  readonly dropoutLoss: number;
  /** Last-position logits of a prompt fed through the KV cache in three pieces. */
  readonly cachedLogits: number[];
}

export const PROBE = { vocabSize: 11, seed: 7, B: 2, steps: 3, lr: 1e-2, clip: 0.5 } as const;

function fingerprint(values: Float32Array | Int32Array | Uint8Array, seed: number): Fingerprint {
  const r = new Rng(seed);
  let norm = 0;
  let sum = 0;
  let dot = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    norm += v * v;
    sum += v;
    dot += v * (r.next() - 0.5);
  }
  return { norm: Math.sqrt(norm), sum, dot };
}

function ids(rng: Rng, n: number, V: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(V);
  return out;
}

/** Run the probe on the current backend. */
export function runParityProbe(): ParityProbe {
  const config = makeConfig({ preset: 'pico', vocabSize: PROBE.vocabSize });
  const T = config.blockSize;
  const { B } = PROBE;
  const rng = new Rng(PROBE.seed + 1);
  const x = ids(rng, B * T, PROBE.vocabSize);
  const y = ids(rng, B * T, PROBE.vocabSize);
  const model = new GPT(config, { seed: PROBE.seed });
  const idx = tf.tensor2d(x, [B, T], 'int32');
  const tgt = tf.tensor2d(y, [B, T], 'int32');
  try {
    const logits = tf.tidy(() => Array.from(model.logits(model.forward(idx).hidden).dataSync()));
    const names = [...model.params.keys()];
    const vars = names.map((n) => model.params.get(n)!);
    const { value, grads } = tf.variableGrads(() => model.lmLoss(idx, tgt), vars);
    const loss = value.dataSync()[0];
    const byVar = new Map(vars.map((v, i) => [v.name, names[i]]));
    const gradPrints: Record<string, Fingerprint> = {};
    for (const [k, g] of Object.entries(grads)) gradPrints[byVar.get(k)!] = fingerprint(g.dataSync() as Float32Array, 99);
    tf.dispose([value, ...Object.values(grads)]);

    const dropoutModel = new GPT({ ...config, dropout: 0.1 }, { seed: PROBE.seed });
    const dropoutLoss = tf.tidy(() => dropoutModel.lmLoss(idx, tgt, { training: true, seed: 1234 }).dataSync()[0]);
    dropoutModel.dispose();

    const cachedLogits = tf.tidy(() => {
      const cache = { length: 0, layers: [] as { k: tf.Tensor4D; v: tf.Tensor4D }[] };
      const row = Array.from(x.subarray(0, T));
      let last: tf.Tensor3D | null = null;
      for (const [a, b] of [[0, 5], [5, 6], [6, T]]) {
        const piece = tf.tensor2d(Int32Array.from(row.slice(a, b)), [1, b - a], 'int32');
        const { hidden } = model.forward(piece, { cache });
        last = hidden.slice([0, b - a - 1, 0], [1, 1, -1]) as tf.Tensor3D;
      }
      const out = Array.from(model.logits(last!).dataSync());
      for (const l of cache.layers) { l.k.dispose(); l.v.dispose(); }
      return out;
    });

    const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
    const trainer = new Trainer(model.params, (n) => decay.get(n) ?? false, {
      schedule: { lr: PROBE.lr, minLr: PROBE.lr, warmup: 0, total: PROBE.steps },
      gradAccum: 1, clip: PROBE.clip, tokensPerMicroBatch: B * T,
    });
    const stepLosses: number[] = [];
    const gradNorms: number[] = [];
    for (let s = 0; s < PROBE.steps; s++) {
      const info = trainer.trainStep(() => model.lmLoss(idx, tgt));
      stepLosses.push(info.loss);
      gradNorms.push(info.gradNorm);
    }
    trainer.dispose();
    const paramsAfter: Record<string, Fingerprint> = {};
    for (const [n, v] of model.params) paramsAfter[n] = fingerprint(v.dataSync() as Float32Array, 98);
    return { config, logits, loss, grads: gradPrints, stepLosses, gradNorms, paramsAfter, dropoutLoss, cachedLogits };
  } finally {
    tf.dispose([idx, tgt]);
    model.dispose();
  }
}
