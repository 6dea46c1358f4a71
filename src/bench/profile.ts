/**
 * Where one training step's time goes, by kind of work, in the categories PyTorch's profiler
 * reports too: matmuls, batched matmuls (attention), softmax, LayerNorm, GELU, the rest of the
 * attention (scale and mask), embeddings, the loss, layout copies (reshape, transpose, split,
 * concat), other elementwise work, gradient accumulation, clipping and AdamW. What no kernel
 * accounts for is the framework's own time per kernel: the JavaScript engine, the tape, the
 * native call (the "launch overhead").
 *
 * How kernels are attributed: tf.profile lists every kernel of the step with its time and shapes.
 * During that one step this module wraps two methods of the tfjs engine (put back afterwards):
 * `runKernelFunc`, to note for each kernel the innermost named scope it ran in (the model names
 * its LayerNorm, GELU, Attention, Embedding and CrossEntropy scopes) and whether it is a
 * tf.customGrad wrapper (whose time includes its inner kernels, so it is not counted), and
 * `addTapeNode`, so that the kernels of each backward function inherit the scope and kernel of
 * the forward operation they differentiate. Matmuls are filed by kernel name wherever they run.
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../train/adamw';
import type { TrainRunner } from './train';

/** The kinds of work a step is split into, in display order. */
export const OP_KINDS = [
  'matmul', 'batched matmul', 'softmax', 'layernorm', 'gelu', 'attention scale+mask', 'embedding', 'loss',
  'layout copies', 'elementwise', 'gradient accumulation', 'clip+flatten', 'adamw',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** One matmul shape of the step: M×K by K×N, `batch` of them per call. */
export interface MatmulShapeTime {
  /** A 2-D product, or a batch of them (attention). */
  readonly kind: 'matmul' | 'batched matmul';
  /** e.g. "4096×128 · 128×384" or "128 × (128×32 · 32×128)". */
  readonly shape: string;
  /** Calls of this shape per step. */
  readonly calls: number;
  /** Their time together, ms per step. */
  readonly ms: number;
  /** Their work together, GFLOP per step (2·M·N·K each). */
  readonly gflops: number;
  /** gflops / time. */
  readonly gflopPerSecond: number;
}

/** Where one training step's time went on our side (`profileTrainStep`). */
export interface StepProfile {
  /** Median wall time of unprofiled steps (ms). */
  readonly stepMs: number;
  /** Kernel time per kind in one profiled step (ms). */
  readonly byKind: Record<OpKind, number>;
  /** Kernels launched per step (customGrad wrappers excluded). */
  readonly kernels: number;
  /** Sum of kernel times (ms). */
  readonly kernelMs: number;
  /** stepMs − kernelMs: time outside any kernel (framework, tape, native calls), ms. */
  readonly overheadMs: number;
  /** Median time of a kernel that does no work (adding two scalars), µs: the floor per launch. */
  readonly emptyKernelUs: number;
  /** Time and FLOP/s per matmul shape, largest time first. */
  readonly matmuls: MatmulShapeTime[];
}

const LAYOUT = new Set(['Reshape', 'Transpose', 'SplitV', 'Split', 'Concat', 'Slice', 'StridedSlice', 'Pack', 'Unpack',
  'Tile', 'Cast', 'Identity', 'Fill', 'ZerosLike', 'OnesLike', 'Range', 'ExpandDims', 'Squeeze', 'Reverse', 'PadV2']);
const SCOPE_KIND: Record<string, OpKind> = { LayerNorm: 'layernorm', GELU: 'gelu', Embedding: 'embedding', CrossEntropy: 'loss' };

/** Which part of the step a kernel ran in. */
export type Phase = 'forward' | 'backward' | 'update';

/** What the profiler notes about one kernel as it runs (see the module comment). */
export interface KernelNote {
  /** The innermost named scope (LayerNorm, GELU, Attention, Embedding, CrossEntropy) or ''. */
  readonly scope: string;
  /** In the backward pass: the kernel (or customGrad scope) of the forward op being differentiated. */
  readonly forwardKernel?: string;
  readonly phase: Phase;
  /** A tf.customGrad wrapper, whose time includes its inner kernels (not counted). */
  readonly wrapper: boolean;
  /** Inside AdamW's update. */
  readonly adamw: boolean;
}
type Note = KernelNote;

/** The kind a kernel's time is filed under (by name; the caller tells 2-D from batched matmuls by shape). */
export function kindOf(kernel: string, note: Note): OpKind {
  if (kernel === 'MatMul' || kernel === '_FusedMatMul' || kernel === 'LgptMatMul') return 'matmul';
  if (kernel.startsWith('BatchMatMul')) return 'batched matmul';
  if (note.phase === 'update') return note.adamw ? 'adamw' : 'clip+flatten';
  if (note.scope in SCOPE_KIND) return SCOPE_KIND[note.scope];
  if (note.scope === 'Attention') return kernel === 'Softmax' || note.forwardKernel === 'Softmax' ? 'softmax' : 'attention scale+mask';
  if (note.phase === 'backward' && note.forwardKernel === undefined) return 'gradient accumulation';
  return LAYOUT.has(kernel) ? 'layout copies' : 'elementwise';
}

const SCOPES = new Set([...Object.keys(SCOPE_KIND), 'Attention']);

interface EngineInternals {
  state: { scopeStack: { name: string }[]; activeTape: { gradient?: (dys: tf.Tensor[]) => unknown }[] | null; activeProfile: { kernels: unknown[] } };
  runKernelFunc: (params: { kernelName?: string }) => unknown;
  addTapeNode: (kernelName: string, ...rest: unknown[]) => void;
}

/** Median of a list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

/** The time of a kernel that does nothing useful: a scalar add, tidied, many times (µs). */
export function emptyKernelMicros(repeats = 2000): number {
  const a = tf.scalar(1);
  const b = tf.scalar(2);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) tf.add(a, b).dispose();
    times.push(((performance.now() - t0) * 1000) / repeats);
  }
  tf.dispose([a, b]);
  return median(times);
}

/** "M×K · K×N" with batch, and its FLOPs, from a matmul kernel's shapes. */
function matmulShape(inputs: number[][], output: number[]): { shape: string; flops: number } {
  const [a] = inputs;
  const M = output[output.length - 2];
  const N = output[output.length - 1];
  const batch = output.slice(0, -2).reduce((p, d) => p * d, 1);
  const K = a.reduce((p, d) => p * d, 1) / (batch * M);
  const core = `${M}×${K} · ${K}×${N}`;
  return { shape: batch > 1 ? `${batch} × (${core})` : core, flops: 2 * batch * M * N * K };
}

/**
 * Profile one training step of `runner` (after `warmup` steps, and `timedSteps` unprofiled ones
 * for the wall time).
 */
export async function profileTrainStep(runner: TrainRunner, opts: { warmup?: number; timedSteps?: number } = {}): Promise<StepProfile> {
  runner.steps(opts.warmup ?? 2);
  const stepMs = median(runner.steps(opts.timedSteps ?? 5));
  const engine = tf.engine() as unknown as EngineInternals;
  const notes: Note[] = [];
  let phase: Phase = 'forward';
  let backward: { scope: string; forwardKernel?: string } | null = null;
  let inAdamW = false;
  let gradientsDone = false;
  const run = engine.runKernelFunc;
  const addNode = engine.addTapeNode;
  const applyFlat = AdamW.prototype.applyFlat;
  const innerScope = (): string => {
    const stack = engine.state.scopeStack;
    for (let i = stack.length - 1; i >= 0; i--) if (SCOPES.has(stack[i].name)) return stack[i].name;
    return '';
  };
  engine.runKernelFunc = function (this: EngineInternals, params: { kernelName?: string }) {
    const note: Omit<Note, 'phase'> = backward
      ? { scope: backward.scope, forwardKernel: backward.forwardKernel, wrapper: params.kernelName == null, adamw: inAdamW }
      : { scope: innerScope(), wrapper: params.kernelName == null, adamw: inAdamW };
    const p: Phase = gradientsDone ? 'update' : phase;
    const out = run.call(this, params);
    const kernels = engine.state.activeProfile?.kernels;
    if (kernels) notes[kernels.length - 1] = { ...note, phase: p };
    return out;
  } as EngineInternals['runKernelFunc'];
  engine.addTapeNode = function (this: EngineInternals, kernelName: string, ...rest: unknown[]) {
    const scope = innerScope();
    addNode.call(this, kernelName, ...rest);
    const tape = engine.state.activeTape;
    const node = tape?.[tape.length - 1];
    const grad = node?.gradient;
    if (node && grad) {
      const forwardKernel = kernelName;
      const label = { scope: SCOPES.has(kernelName) ? kernelName : scope, forwardKernel };
      const within = <T>(f: () => T): T => {
        phase = 'backward';
        const outer = backward;
        backward = label;
        try { return f(); } finally { backward = outer; }
      };
      // A gradient function returns one closure per input, which the tape calls afterwards:
      // their kernels belong to this operation too.
      node.gradient = (dys: tf.Tensor[]) => within(() => {
        const closures = grad(dys) as Record<string, () => tf.Tensor>;
        return Object.fromEntries(Object.entries(closures).map(([k, f]) => [k, () => within(f)]));
      });
    }
  } as EngineInternals['addTapeNode'];
  AdamW.prototype.applyFlat = function (this: AdamW, ...args: Parameters<AdamW['applyFlat']>) {
    gradientsDone = true;
    inAdamW = true;
    try { applyFlat.apply(this, args); } finally { inAdamW = false; }
  };
  // The update phase starts when variableGrads returns: the first kernel after the backward
  // pass that is not inside a backward function. Mark it by wrapping tf.variableGrads' engine call.
  const gradients = (engine as unknown as { gradients: (...a: unknown[]) => unknown }).gradients;
  (engine as unknown as { gradients: (...a: unknown[]) => unknown }).gradients = function (this: unknown, ...a: unknown[]) {
    phase = 'forward';
    gradientsDone = false;
    try { return gradients.apply(this, a); } finally { gradientsDone = true; }
  };
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(() => { runner.step(); });
  } finally {
    engine.runKernelFunc = run;
    engine.addTapeNode = addNode;
    AdamW.prototype.applyFlat = applyFlat;
    (engine as unknown as { gradients: unknown }).gradients = gradients;
  }
  const byKind = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
  const shapes = new Map<string, { kind: 'matmul' | 'batched matmul'; calls: number; ms: number; flops: number }>();
  let kernels = 0;
  let kernelMs = 0;
  info.kernels.forEach((k, i) => {
    const note = notes[i] ?? { scope: '', phase: 'forward' as Phase, wrapper: false, adamw: false };
    if (note.wrapper) return;
    const ms = Number(k.kernelTimeMs) || 0;
    let kind = kindOf(k.name, note);
    // tfjs runs every matmul as a BatchMatMul kernel; a batch of one is a plain matmul.
    if (kind === 'batched matmul' && (k.outputShapes[0] as number[]).slice(0, -2).reduce((p, d) => p * d, 1) === 1) kind = 'matmul';
    byKind[kind] += ms;
    kernels++;
    kernelMs += ms;
    if (kind === 'matmul' || kind === 'batched matmul') {
      const { shape, flops } = matmulShape(k.inputShapes as number[][], k.outputShapes[0] as number[]);
      const e = shapes.get(shape) ?? { kind, calls: 0, ms: 0, flops };
      e.calls++;
      e.ms += ms;
      shapes.set(shape, e);
    }
  });
  const matmuls = [...shapes.entries()].map(([shape, e]) => ({
    kind: e.kind, shape, calls: e.calls, ms: e.ms, gflops: (e.flops * e.calls) / 1e9, gflopPerSecond: (e.flops * e.calls) / 1e9 / (e.ms / 1000),
  })).sort((a, b) => b.ms - a.ms);
  return { stepMs, byKind, kernels, kernelMs, overheadMs: stepMs - kernelMs, emptyKernelUs: emptyKernelMicros(), matmuls };
}

/** The profile of a PyTorch step (src/bench/torch.ts), in the same kinds. */
export interface OtherProfile {
  /** Median wall time of an unprofiled step, ms. */
  readonly stepMs: number;
  /** Self time per kind, ms per step. */
  readonly byKind: Record<string, number>;
  /** Sum of all ops' self times, ms per step. */
  readonly opMs: number;
}

/**
 * Both profiles as a text table, ms per step by kind, with the ratio ours / PyTorch, then the
 * time outside kernels (ours) or outside ops (PyTorch: Python and the dispatcher).
 */
export function profileTable(ours: StepProfile, other: OtherProfile | null): string[] {
  const f = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(1));
  return [
    `${'ms per step'.padEnd(24)} ${'ours'.padStart(8)} ${'PyTorch'.padStart(9)} ${'ratio'.padStart(7)}`,
    ...profileRows(ours, other).map((r) => `${r.kind.padEnd(24)} ${f(r.ours).padStart(8)} ${f(r.pytorch).padStart(9)} ${(r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`).padStart(7)}`),
    `ours: ${ours.kernels} kernels per step; an empty kernel (adding two scalars) costs ${ours.emptyKernelUs.toFixed(1)} µs`,
  ];
}

/** One row of the profile table: a kind of work, ms per step on each side, and ours / theirs. */
export interface ProfileRow {
  /** One of OP_KINDS, a kind only PyTorch has ("autograd engine"), or a total row. */
  readonly kind: string;
  /** Our ms per step (null: we have no such kind). */
  readonly ours: number | null;
  /** PyTorch's ms per step (null: no PyTorch profile, or no such kind there). */
  readonly pytorch: number | null;
  /** ours / pytorch, when PyTorch spends more than 0.05 ms on it. */
  readonly ratio: number | null;
}

/**
 * The profile as rows for a table (lg.showTable): every kind, then all kernels, the time outside
 * them and the wall step. `other` null: the PyTorch column is empty.
 */
export function profileRows(ours: StepProfile, other: OtherProfile | null): ProfileRow[] {
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0.05 ? a / b : null);
  const kinds: string[] = [...OP_KINDS, ...Object.keys(other?.byKind ?? {}).filter((k) => !(OP_KINDS as readonly string[]).includes(k))];
  const row = (kind: string, a: number | undefined, b: number | undefined): ProfileRow => {
    const x = a === undefined ? null : a;
    const y = b === undefined ? null : b;
    return { kind, ours: x, pytorch: y, ratio: ratio(x, y) };
  };
  return [
    ...kinds.map((k) => row(k, (ours.byKind as Record<string, number>)[k], other?.byKind[k])),
    row('all kernels / ops', ours.kernelMs, other?.opMs),
    row('outside them', ours.overheadMs, other ? other.stepMs - other.opMs : undefined),
    row('step (wall)', ours.stepMs, other?.stepMs),
  ];
}
