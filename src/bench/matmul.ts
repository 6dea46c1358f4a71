/**
 * Matrix-multiply throughput at the shapes a GPT training step uses, and at one large shape
 * that shows what the machine can do at best (the "peak" that MFU is measured against).
 */
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../model/config';
import { median, sig } from './timing';

export interface MatmulShape {
  readonly name: string;
  /** Shapes of a and b as stored (before the transpose flags). */
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

export interface MatmulResult {
  readonly name: string;
  readonly shape: string;
  /** Median over repeats. */
  readonly gflops: number;
  /** Best repeat: the capability, least disturbed by other processes. */
  readonly bestGflops: number;
}

/** FLOPs of one product (2 per multiply-add). */
export function matmulFlops(s: MatmulShape): number {
  const batch = s.a.slice(0, -2).reduce((x, y) => x * y, 1);
  const [ar, ac] = s.a.slice(-2);
  const [br, bc] = s.b.slice(-2);
  const m = s.transposeA ? ac : ar;
  const k = s.transposeA ? ar : ac;
  const n = s.transposeB ? br : bc;
  if ((s.transposeB ? bc : br) !== k) throw new Error(`matmul ${s.name}: inner dimensions differ`);
  return 2 * batch * m * k * n;
}

/** The products of one training step of `cfg` at batch B, forward and backward. */
export function modelMatmulShapes(cfg: GPTConfig, B: number): MatmulShape[] {
  const N = B * cfg.blockSize;
  const C = cfg.nEmbd;
  const T = cfg.blockSize;
  const hs = C / cfg.nHead;
  const BH = B * cfg.nHead;
  return [
    { name: 'c_fc forward x·W', a: [N, C], b: [C, 4 * C] },
    { name: 'c_proj backward dy·Wᵀ', a: [N, C], b: [4 * C, C], transposeB: true },
    { name: 'c_fc weight grad xᵀ·dy', a: [N, C], b: [N, 4 * C], transposeA: true },
    { name: 'lm head h·wteᵀ', a: [N, C], b: [cfg.vocabSize, C], transposeB: true },
    { name: 'attention scores q·kᵀ (batched)', a: [BH, T, hs], b: [BH, T, hs], transposeB: true },
    { name: 'attention output p·v (batched)', a: [BH, T, T], b: [BH, T, hs] },
  ];
}

/** A large square product: close to the best sgemm rate this backend reaches here. */
export function peakShape(n = 1024): MatmulShape {
  return { name: `peak ${n}³`, a: [n, n], b: [n, n] };
}

/** Time `reps` products (after one warm-up) and report the median and best GFLOP/s. */
export function benchMatmul(s: MatmulShape, reps = 7, minMs = 0): MatmulResult {
  const a = tf.randomNormal([...s.a], 0, 1, 'float32', 1);
  const b = tf.randomNormal([...s.b], 0, 1, 'float32', 2);
  const flops = matmulFlops(s);
  const once = (): number => {
    const t0 = performance.now();
    // Every backend here runs kernels synchronously (tfjs-node's eager TensorFlow context is
    // not async), so the product is done when matMul returns; reading it back would add a
    // copy of the whole result to the time.
    const c = tf.matMul(a, b, s.transposeA ?? false, s.transposeB ?? false);
    const ms = performance.now() - t0;
    c.dispose();
    return ms;
  };
  once();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minMs) times.push(once());
  tf.dispose([a, b]);
  const shape = `${s.a.join('×')}${s.transposeA ? 'ᵀ' : ''} · ${s.b.join('×')}${s.transposeB ? 'ᵀ' : ''}`;
  return { name: s.name, shape, gflops: sig(flops / median(times) / 1e6, 3), bestGflops: sig(flops / Math.min(...times) / 1e6, 3) };
}
