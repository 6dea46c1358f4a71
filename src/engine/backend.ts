/**
 * Backend selection: the fastest TensorFlow.js backend that works here, always reported.
 *
 * Order: `tensorflow` from @tensorflow/tfjs-node-gpu (when CUDA is visible) → `tensorflow`
 * from @tensorflow/tfjs-node → `wasm` → `cpu`. `LGPT_BACKEND=tensorflow|wasm|cpu` forces one;
 * a forced backend that cannot load is an error, not a silent fallback.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { registerWasmFallbackKernels } from './wasm-kernels';
import { registerWasmFastMatMul } from './wasm-matmul';
import { withQuietStderr } from './quiet-stderr';
import { registerSegmentSum } from './segment-sum';
import { bridgeLegacyUtil } from './node-compat';
import { checkEnvironment } from './env-check';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What initBackend started (describeBackend writes it as one line). */
export interface BackendInfo {
  /** The tfjs backend in use. */
  readonly backend: BackendName;
  /** The @tensorflow/tfjs version. */
  readonly tfjs: string;
  /** True when running on the native TensorFlow C library. */
  readonly native: boolean;
  /** True when the native library runs on a CUDA GPU. */
  readonly gpu: boolean;
  /** The npm package that provides the backend. */
  readonly package: string;
  /** Why a faster backend was skipped, if one was. */
  readonly fallbackReason?: string;
  /** Kernels borrowed from the cpu backend (wasm only). */
  readonly borrowedKernels?: readonly string[];
  /** Kernels of the backend replaced by faster ones of ours (wasm, cpu: see engine/). */
  readonly replacedKernels?: readonly string[];
  /** Native only: whether TensorFlow's oneDNN kernels are on (see oneDnnSetting). */
  readonly oneDnn?: boolean;
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** Is an NVIDIA GPU with a driver visible to this process? */
export function cudaVisible(): boolean {
  if (process.env.LGPT_NO_GPU === '1' || process.env.CUDA_VISIBLE_DEVICES === '-1') return false;
  return fs.existsSync('/proc/driver/nvidia/version') || fs.existsSync('/dev/nvidia0');
}

/** Parse a backend name from the environment or an argument; throws on an unknown one. */
export function parseBackendName(name: string | undefined): BackendName | undefined {
  if (name === undefined || name === '' || name === 'auto') return undefined;
  if ((BACKENDS as readonly string[]).includes(name)) return name as BackendName;
  throw new InputError(`unknown backend '${name}' (LGPT_BACKEND must be one of: ${BACKENDS.join(', ')})`);
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

/**
 * Thread pools of the native library, fixed when it starts (TensorFlow reads these variables
 * then). Intra-op threads split one kernel (a matmul, a big elementwise op) across cores:
 * one per core, or LGPT_THREADS. Inter-op threads run independent kernels side by side, but
 * tfjs-node executes eagerly, one kernel at a time, so a second one only idles: one is enough.
 * Variables already set by the user win.
 */
export function nativeThreadSettings(env: NodeJS.ProcessEnv = process.env): { intraOp: number; interOp: number } {
  const cores = Math.max(1, os.cpus().length);
  const wanted = Number(env.LGPT_THREADS);
  const intraOp = Number(env.TF_NUM_INTRAOP_THREADS) || (Number.isInteger(wanted) && wanted > 0 ? wanted : cores);
  const interOp = Number(env.TF_NUM_INTEROP_THREADS) || 1;
  return { intraOp, interOp };
}

/**
 * oneDNN (Intel's deep-learning kernels, shipped inside TensorFlow's x86 builds) for matmuls,
 * batched matmuls and a few other ops. TensorFlow turns it on by default only on CPUs with
 * AVX-512 VNNI/BF16 or AMX; on this project's AVX2 machine (2-core Zen 3) it was off. Switched
 * on, it made the attention's batched matmuls (128 products of 128×32 by 32×128) ~3× and a nano
 * training step ~13 % faster (scripts/bench-profile.ts; environment.md). TF_ENABLE_ONEDNN_OPTS=0
 * turns it off; a value the user set wins. Returns whether it is on.
 */
export function oneDnnSetting(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.TF_ENABLE_ONEDNN_OPTS;
  if (v === undefined || v === '') return true;
  return !['0', 'false', 'off', 'no'].includes(v.trim().toLowerCase());
}

function loadNative(): { gpu: boolean; pkg: string; oneDnn: boolean } {
  // The native library logs at start; keep it to warnings unless the user asked for more.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const threads = nativeThreadSettings();
  process.env.TF_NUM_INTRAOP_THREADS = String(threads.intraOp);
  process.env.TF_NUM_INTEROP_THREADS = String(threads.interOp);
  const oneDnn = oneDnnSetting();
  process.env.TF_ENABLE_ONEDNN_OPTS = oneDnn ? '1' : '0';
  // With oneDNN on, the library prints an INFO banner while it loads that no log level hides.
  const load = (pkg: string): void => { withQuietStderr(() => require(pkg)); };
  // Node 23+ removed util.isNullOrUndefined, which tfjs-node 4.22 still calls (node-compat.ts).
  bridgeLegacyUtil();
  if (cudaVisible()) {
    try {
      load('@tensorflow/tfjs-node-gpu');
      return { gpu: true, pkg: '@tensorflow/tfjs-node-gpu', oneDnn };
    } catch {
      // Fall through to the CPU build.
    }
  }
  load('@tensorflow/tfjs-node');
  return { gpu: false, pkg: '@tensorflow/tfjs-node', oneDnn };
}

/**
 * The cpu backend prints a banner ("install our node backend") on first use in Node. We pick
 * it knowingly (or borrow its kernels for wasm) and report the backend ourselves, so mute it.
 */
function muteCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

async function select(requested: BackendName | undefined): Promise<BackendInfo> {
  const base = { tfjs: tf.version.tfjs };
  muteCpuBanner();
  let fallbackReason: string | undefined;
  if (requested === undefined || requested === 'tensorflow') {
    try {
      const { gpu, pkg, oneDnn } = loadNative();
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") failed');
      return { ...base, backend: 'tensorflow', native: true, gpu, package: pkg, oneDnn };
    } catch (e) {
      if (requested === 'tensorflow') throw new Error(`LGPT_BACKEND=tensorflow but the native backend cannot load: ${firstLine(e)}`);
      fallbackReason = `native TensorFlow unavailable (${firstLine(e)})`;
    }
  }
  if (requested === undefined || requested === 'wasm') {
    try {
      require('@tensorflow/tfjs-backend-wasm');
      // Our scatter-add gradient of gather first, so the slow cpu one is not borrowed for it.
      registerSegmentSum('wasm');
      const borrowed = registerWasmFallbackKernels();
      const replaced = registerWasmFastMatMul() ? ['BatchMatMul'] : [];
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
      return { ...base, backend: 'wasm', native: false, gpu: false, package: '@tensorflow/tfjs-backend-wasm', fallbackReason, borrowedKernels: borrowed, replacedKernels: ['UnsortedSegmentSum', ...replaced] };
    } catch (e) {
      if (requested === 'wasm') throw new Error(`LGPT_BACKEND=wasm but the wasm backend cannot load: ${firstLine(e)}`);
      fallbackReason = `${fallbackReason ?? ''}; wasm unavailable (${firstLine(e)})`;
    }
  }
  registerSegmentSum('cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('even the cpu backend failed to start');
  return { ...base, backend: 'cpu', native: false, gpu: false, package: '@tensorflow/tfjs-backend-cpu', fallbackReason, replacedKernels: ['UnsortedSegmentSum'] };
}

/**
 * Pick and start the backend (once per process): native TensorFlow on a CUDA GPU where there is
 * one, native TensorFlow on the CPU, then WebAssembly, then plain JavaScript, the first that
 * starts. `backend` (or the environment variable `LGPT_BACKEND`: 'tensorflow', 'wasm', 'cpu')
 * forces one. Returns what runs and why a faster one was skipped (describeBackend prints it).
 * Call it (and await it) before anything else in a notebook. Calling it again with a different
 * backend switches (used by the cross-backend test).
 */
export async function initBackend(backend?: BackendName): Promise<BackendInfo> {
  checkEnvironment(); // a bad thread count aborts the native library without a word (env-check.ts)
  const requested = backend ?? parseBackendName(process.env.LGPT_BACKEND);
  if (current && (requested === undefined || requested === current.backend)) return current;
  if (pending && requested === undefined) return pending;
  pending = select(requested).then((info) => { current = info; pending = null; return info; },
    (e) => { pending = null; throw e; });
  return pending;
}

/** The backend in use; throws if initBackend() has not run. */
export function backendInfo(): BackendInfo {
  if (!current) throw new Error('no backend yet: await initBackend() first');
  return current;
}

/** One line for logs and notebooks: "tensorflow (native, CPU) · tfjs 4.22.0". */
export function describeBackend(info: BackendInfo = backendInfo()): string {
  const kind = info.native ? `native, ${info.gpu ? 'CUDA GPU' : 'CPU'}` : info.backend === 'wasm' ? 'WebAssembly, 1 thread' : 'pure JavaScript';
  const why = info.fallbackReason ? ` — ${info.fallbackReason}` : '';
  return `${info.backend} (${kind}) · tfjs ${info.tfjs}${why}`;
}
