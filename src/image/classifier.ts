/**
 * A judge for generated digits: a small MLP (W·H → hidden → ReLU → 10) trained on *real*
 * quantized training digits. Conditional accuracy asks it "is this sample of label d a d?".
 *
 * Why an MLP: nearest-centroid reaches 80.8 % on the 999 test digits (14×14, four k-means levels);
 * one hidden layer gets 94–96 % depending on width and epochs, and with 512 units plus random
 * one-pixel shifts of the training digits (a cheap augmentation) 96.7 % in about 20 s on a CPU.
 * That is what a judge needs: its own error rate bounds how much we can read into conditional
 * accuracy, so we report it next to it.
 * Everything is seeded (initialisation and shuffling use our Rng), so a seed gives the same judge.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { check } from '../errors';
import { dequantize, type Quantizer } from './quantize';

/** How the judge (DigitClassifier) is trained; DEFAULT_CLASSIFIER has the defaults. */
export interface DigitClassifierOptions {
  /** Units in its one hidden layer (default 512). */
  readonly hidden: number;
  /** Passes over the training digits (default 15). */
  readonly epochs: number;
  /** Digits per step (default 128). */
  readonly batchSize: number;
  /** Adam's learning rate (default 2e-3). */
  readonly lr: number;
  /** Seeds initialisation, order and shifts (default 0). */
  readonly seed: number;
  /** Shift each training image by up to this many pixels, at random per epoch (0 = off). */
  readonly shift: number;
}

export const DEFAULT_CLASSIFIER: DigitClassifierOptions = { hidden: 512, epochs: 15, batchSize: 128, lr: 2e-3, seed: 0, shift: 1 };

/**
 * The judge: a small MLP (W·H gray values → hidden → ReLU → 10 digits) trained on real quantized
 * digits (`DigitClassifier.train`, or trainJudge), which reads generated ones. Seeded. Holds
 * tensors: call `dispose()` when done.
 */
export class DigitClassifier {
  private constructor(
    /** The gray levels its inputs are read with (level indices → gray values). */
    readonly quantizer: Quantizer,
    /** D: pixels per image it reads (W·H). */
    readonly inputs: number,
    private readonly w1: tf.Variable, private readonly b1: tf.Variable,
    private readonly w2: tf.Variable, private readonly b2: tf.Variable,
  ) {}

  /**
   * Train on N images of quantized levels (N·D values, row-major) with labels (N).
   * Inputs are the levels' gray values, the same thing a viewer of the sample sees.
   */
  static train(levels: ArrayLike<number>, labels: ArrayLike<number>, quantizer: Quantizer, options: Partial<DigitClassifierOptions> = {}): DigitClassifier {
    const o = { ...DEFAULT_CLASSIFIER, ...options };
    const N = labels.length;
    check(N > 0 && levels.length % N === 0, `classifier: ${levels.length} pixel values for ${N} labels`);
    const D = levels.length / N;
    const side = Math.round(Math.sqrt(D));
    check(o.shift === 0 || side * side === D, `classifier: shifting needs square images, got ${D} pixels`);
    const rng = new Rng(o.seed);
    // He initialisation for the ReLU layer, small for the output layer.
    const w1 = tf.variable(tf.tensor2d(rng.normalArray(D * o.hidden, Math.sqrt(2 / D)), [D, o.hidden]));
    const b1 = tf.variable(tf.zeros([o.hidden]));
    const w2 = tf.variable(tf.tensor2d(rng.normalArray(o.hidden * 10, 0.01), [o.hidden, 10]));
    const b2 = tf.variable(tf.zeros([10]));
    const clf = new DigitClassifier(quantizer, D, w1, b1, w2, b2);
    const x = dequantize(levels, quantizer); // (N, D)
    const y = Int32Array.from(labels);
    const optimizer = tf.train.adam(o.lr);
    const order = Array.from({ length: N }, (_, i) => i);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = N - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
      for (let s = 0; s < N; s += o.batchSize) {
        const idx = order.slice(s, s + o.batchSize);
        const xb = new Float32Array(idx.length * D);
        idx.forEach((r, k) => {
          const img = x.subarray(r * D, (r + 1) * D);
          xb.set(o.shift > 0 ? shiftImage(img, side, rng.int(2 * o.shift + 1) - o.shift, rng.int(2 * o.shift + 1) - o.shift) : img, k * D);
        });
        const yb = Int32Array.from(idx.map((r) => y[r]));
        tf.tidy(() => {
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(yb, 'int32'), 10), clf.logits(tf.tensor2d(xb, [idx.length, D]))) as tf.Scalar, false, [w1, b1, w2, b2]);
        });
      }
    }
    optimizer.dispose();
    return clf;
  }

  /** Class logits (B, 10) from gray inputs (B, D). */
  private logits(x: tf.Tensor2D): tf.Tensor2D {
    const h = tf.relu(tf.add(tf.matMul(x, this.w1 as tf.Tensor2D), this.b1)); // (B, hidden)
    return tf.add(tf.matMul(h, this.w2 as tf.Tensor2D), this.b2) as tf.Tensor2D; // (B, 10)
  }

  /** Predicted digit of each image (images given as level indices, D each). */
  predict(images: readonly ArrayLike<number>[]): number[] {
    if (images.length === 0) return [];
    const D = this.inputs;
    const x = new Float32Array(images.length * D);
    images.forEach((img, k) => {
      check(img.length === D, `classifier: image ${k} has ${img.length} pixels, expected ${D}`);
      x.set(dequantize(img, this.quantizer), k * D);
    });
    return Array.from(tf.tidy(() => tf.argMax(this.logits(tf.tensor2d(x, [images.length, D])), -1).dataSync()));
  }

  /** Fraction of images whose predicted digit equals its label. */
  accuracy(images: readonly ArrayLike<number>[], labels: ArrayLike<number>): number {
    const pred = this.predict(images);
    let ok = 0;
    pred.forEach((p, i) => { if (p === labels[i]) ok += 1; });
    return ok / Math.max(1, pred.length);
  }

  /** Free its weights; it cannot be used afterwards. */
  dispose(): void {
    tf.dispose([this.w1, this.b1, this.w2, this.b2]);
  }
}

/**
 * A square image (side², row-major) moved by (dx, dy) pixels, background (0) filling in.
 * Small shifts are the cheapest augmentation there is: a digit one pixel to the left is the
 * same digit, and the judge should not care where exactly a sample put its strokes.
 */
export function shiftImage(img: ArrayLike<number>, side: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(side * side);
  for (let r = 0; r < side; r++) {
    const sr = r - dy;
    if (sr < 0 || sr >= side) continue;
    for (let c = 0; c < side; c++) {
      const sc = c - dx;
      if (sc >= 0 && sc < side) out[r * side + c] = img[sr * side + sc];
    }
  }
  return out;
}
