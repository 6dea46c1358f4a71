/**
 * The benchmark suite behind `literate-gpt bench`: matmul throughput, the machine's peak,
 * training tokens/s and MFU, the same step in PyTorch (interleaved), sampling with and without
 * the KV cache, and memory over many steps. One function, one JSON-ready result.
 *
 * Method (the machine may be two shared cores): every timing is a median over repeats; comparisons
 * (tfjs against PyTorch, fused against reference kernels, cache against no cache) alternate
 * round by round in one process, and the ratio of each round is kept; the load average is
 * recorded at the start and end of each section.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, type BackendInfo, type BackendName, initBackend } from '../engine/backend';
import { setFastSegmentSum } from '../engine/segment-sum';
import { setWasmFastMatMul } from '../engine/wasm-matmul';
import { flopsPerToken, type GPTConfig, makeConfig, paramCount, type PresetName } from '../model/config';
import { setKernelMode, setNativeKernels, setNativeMatMul } from '../model/fused';
import { GPT } from '../model/gpt';
import { benchMatmul, type MatmulResult, modelMatmulShapes, peakShape } from './matmul';
import { benchSampling, type SampleResult } from './sample';
import { profileTable, profileTrainStep, type StepProfile } from './profile';
import { ensureTorch, type TorchProfile, torchProfile, TorchReference } from './torch';
import { currentLoad, type Load, median, rssMiB, sig } from './timing';
import { type MemoryProbe, probeMemory, profileStep, TrainRunner } from './train';

export interface BenchOptions {
  readonly preset: PresetName;
  /** A second, larger preset to time training on (null: none). */
  readonly largePreset: PresetName | null;
  readonly batch: number;
  readonly vocabSize: number;
  /** Timed steps per round, and rounds (each round: tfjs, then PyTorch, then tfjs reference). */
  readonly stepsPerRound: number;
  readonly rounds: number;
  readonly sampleTokens: number;
  readonly sampleRounds: number;
  /** Context length of the model the KV cache is timed on (at least sampleTokens + 1). */
  readonly sampleBlockSize: number;
  /** Training steps of the memory probe (on the small `pico` model; 0 skips it). */
  readonly memorySteps: number;
  /** Run the PyTorch reference; `installTorch` lets it apt-get install PyTorch if missing. */
  readonly torch: boolean;
  readonly installTorch: boolean;
  /** PyTorch thread counts to time, each in its own process; the best of them is the anchor. */
  readonly torchThreads: readonly number[];
  /** Also time the textbook formulations (setKernelMode('reference'), the model before the fused kernels) for a speed-up ratio. */
  readonly compareReference: boolean;
  /** Profile one step by kind of work (src/bench/profile.ts), and PyTorch's with torch.profiler when `torch`. */
  readonly profile: boolean;
  /** A few seconds end to end (tests): pico sizes, few steps; all fields still present. */
  readonly tiny: boolean;
  readonly log: (line: string) => void;
}

export const DEFAULT_BENCH: BenchOptions = {
  preset: 'nano', largePreset: 'micro', batch: 32, vocabSize: 65, stepsPerRound: 3, rounds: 5,
  sampleTokens: 256, sampleRounds: 3, sampleBlockSize: 512, memorySteps: 1000, torch: false, installTorch: false, torchThreads: [1, 2],
  compareReference: true, profile: true, tiny: false, log: () => undefined,
};

export interface TrainFigures {
  readonly preset: string;
  readonly batch: number;
  readonly tokensPerStep: number;
  readonly params: number;
  readonly flopsPerToken: number;
  /** Median over rounds of each round's median step. */
  readonly tokensPerSecond: number;
  readonly stepMs: number;
  readonly gflops: number;
  readonly mfu: number;
  readonly rounds: number[];
  readonly load: { start: Load; end: Load };
}

export interface BenchResult {
  readonly backend: BackendName;
  readonly preset: string;
  readonly trainTokensPerSecond: number;
  readonly mfu: number;
  readonly sampleTokensPerSecond: number;
  readonly sampleTokensPerSecondNoCache: number;
  readonly [key: string]: unknown;
}

/** The machine, for the record next to the numbers. */
export function machineInfo(): Record<string, unknown> {
  return {
    cpuModel: cpuModelName(),
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
  };
}

/** The native library's thread settings (read by TensorFlow when it starts). */
function threadSettings(): Record<string, string | undefined> {
  return {
    TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS,
    TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS,
    OMP_NUM_THREADS: process.env.OMP_NUM_THREADS,
  };
}

/** Run `f` on another backend and come back (used to measure the machine's peak natively). */
async function onBackend<T>(name: BackendName, f: () => T): Promise<T> {
  const home = backendInfo().backend;
  if (home === name) return f();
  await initBackend(name);
  try {
    return f();
  } finally {
    await initBackend(home);
  }
}

function trainFigures(cfg: GPTConfig, preset: string, runner: TrainRunner, roundMs: number[], peak: number, load: { start: Load; end: Load }): TrainFigures {
  const ms = median(roundMs);
  const tps = runner.tokensPerStep / (ms / 1000);
  const fpt = flopsPerToken(cfg);
  return {
    preset, batch: runner.batch, tokensPerStep: runner.tokensPerStep, params: paramCount(cfg), flopsPerToken: fpt,
    tokensPerSecond: sig(tps), stepMs: sig(ms), gflops: sig((tps * fpt) / 1e9, 3), mfu: sig((tps * fpt) / (peak * 1e9), 3),
    rounds: roundMs.map((m) => sig(runner.tokensPerStep / (m / 1000))), load,
  };
}

export async function runBench(partial: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const o: BenchOptions = { ...DEFAULT_BENCH, ...partial };
  const log = o.log;
  const t0 = performance.now();
  const info = backendInfo();
  const preset: PresetName = o.tiny ? 'pico' : o.preset;
  const cfg = makeConfig({ preset, vocabSize: o.vocabSize });
  const batch = o.tiny ? 2 : o.batch;
  const steps = o.tiny ? 1 : o.stepsPerRound;
  const rounds = o.tiny ? 2 : o.rounds;
  const loadStart = currentLoad();
  log(`bench on ${info.backend}: ${preset}, batch ${batch}, load ${loadStart.load1} on ${loadStart.cpus} CPUs`);

  // 0. Memory over many steps (pico: a leak shows in the counts whatever the model size), first,
  //    while the process is fresh: after the larger models and the sampling runs the process
  //    holds gigabytes and malloc's reuse of them makes RSS drift either way by tens of KiB per step.
  let memory: MemoryProbe | null = null;
  if (o.memorySteps > 0) {
    memory = probeMemory(makeConfig({ preset: 'pico', vocabSize: o.vocabSize }), 8, o.tiny ? Math.min(o.memorySteps, 20) : o.memorySteps);
    log(`memory: ${memory.warmupSteps} warm-up + ${memory.steps} steps, tensors ${memory.tensorsStart} → ${memory.tensorsEnd}, RSS ${memory.rssStartMiB} → ${memory.rssEndMiB} MiB, ${memory.rssKiBPerStep} KiB/step over the second half: ${memory.pass ? 'no growth' : 'GROWS'}`);
  }

  // 1. Matrix products at the model's shapes, and the peak (a large square product). The
  //    machine's peak is measured on the native backend when it loads (it uses every core);
  //    otherwise on this backend.
  const matmul: MatmulResult[] = modelMatmulShapes(cfg, batch).map((s) => benchMatmul(s, o.tiny ? 2 : 5));
  const peakN = o.tiny ? 128 : 1024;
  const backendPeak = benchMatmul(peakShape(peakN), o.tiny ? 2 : 5, o.tiny ? 0 : 1500);
  let peak = backendPeak;
  let peakBackend: BackendName = info.backend;
  if (info.backend !== 'tensorflow' && !o.tiny) {
    try {
      peak = await onBackend('tensorflow', () => benchMatmul(peakShape(peakN), 5, 1500));
      peakBackend = 'tensorflow';
    } catch {
      // No native library here: this backend's own peak is the best we can measure.
    }
  }
  const peakGflops = Math.max(peak.bestGflops, backendPeak.bestGflops);
  if (backendPeak.bestGflops > peak.bestGflops) peakBackend = info.backend;
  log(`matmul: peak ${peakGflops} GFLOP/s (${peakBackend}); ${matmul.map((m) => `${m.name} ${m.gflops}`).join('; ')}`);

  // 2. Training, interleaved round by round with the PyTorch reference and with the
  //    reference (textbook) kernels, so that each ratio compares runs seconds apart.
  // PyTorch at each thread count in its own process (a thread pool is fixed when torch starts);
  // every round times ours, then each of them, and the best PyTorch of the round is the anchor.
  const torches: TorchReference[] = [];
  let torchInfo: Record<string, unknown> | null = null;
  if (o.torch) {
    const status = ensureTorch(log, o.installTorch);
    if (status.available) {
      for (const threads of o.torchThreads) {
        const t = new TorchReference({ python: status.python!, preset, batch, vocab: o.vocabSize, threads });
        torches.push(t);
        await t.ready();
      }
      const h = torches[0].header!;
      torchInfo = { available: true, version: h.torch, python: status.python, kernels: h.kernels ?? null, threadsTried: torches.map((t) => t.header!.threads), blas: status.blas, params: h.params };
      log(`PyTorch ${h.torch} (${h.kernels ?? 'kernels unknown'}) from ${status.python}, threads ${torches.map((t) => t.header!.threads).join(' and ')}`);
    } else {
      torchInfo = { available: false, reason: status.reason };
      log(`PyTorch reference skipped: ${status.reason}`);
    }
  }
  const torch = torches.length > 0 ? torches : null;
  const runner = new TrainRunner(cfg, batch);
  const loadTrain = currentLoad();
  const fusedMs: number[] = [];
  const fusedCpu: number[] = [];
  const torchCpu: number[] = [];
  const referenceMs: number[] = [];
  const torchMs: number[] = [];
  const torchMsByThreads: number[][] = torches.map(() => []);
  const bestThreads: number[] = [];
  const vsTorch: number[] = [];
  const vsReference: number[] = [];
  // On the native backend, the same step without the TensorFlow ops tfjs does not expose
  // (LayerNorm as batch norm, SigmoidGrad, 2-D MatMul): what those kernels buy, round by round.
  const compareNative = info.backend === 'tensorflow' && o.compareReference;
  const vsNative: number[] = [];
  try {
    runner.steps(o.tiny ? 1 : 2); // warm-up: first-step allocations and graph set-up
    if (o.compareReference) withReferenceKernels(() => runner.steps(1));
    for (let r = 0; r < rounds; r++) {
      const timed = runner.timedSteps(steps);
      const ms = median(timed.ms);
      fusedMs.push(ms);
      fusedCpu.push(median(timed.cpuMs));
      if (torch) {
        let best = -1;
        let bestCpu = 0;
        for (const [k, ref] of torch.entries()) {
          const t = await ref.steps(steps);
          const tms = median(t.ms);
          torchMsByThreads[k].push(tms);
          if (best < 0 || tms < torchMsByThreads[best][r]) { best = k; bestCpu = median(t.cpuMs); }
        }
        torchMs.push(torchMsByThreads[best][r]);
        torchCpu.push(bestCpu);
        bestThreads.push(torch[best].header!.threads);
        vsTorch.push(torchMs[r] / ms);
      }
      if (compareNative) {
        const prev = [setNativeKernels(false), setNativeMatMul(false)];
        try { vsNative.push(median(runner.steps(steps)) / ms); } finally { setNativeKernels(prev[0]); setNativeMatMul(prev[1]); }
      }
      if (o.compareReference) {
        const rms = median(withReferenceKernels(() => runner.steps(steps)));
        referenceMs.push(rms);
        vsReference.push(rms / ms);
      }
      log(`train round ${r + 1}/${rounds}: ${Math.round(runner.tokensPerStep / ms * 1000)} tokens/s`
        + (torch ? `, PyTorch ${Math.round(runner.tokensPerStep / torchMs[r] * 1000)}` : '')
        + (compareNative ? `, without the native kernels ${(1 / vsNative[r]).toFixed(2)}× as fast` : '')
        + (o.compareReference ? `, reference kernels ${Math.round(runner.tokensPerStep / referenceMs[r] * 1000)}` : '')
        + ` (load ${currentLoad().load1})`);
    }
  } finally {
    for (const t of torches) t.close();
  }
  const train = { ...trainFigures(cfg, preset, runner, fusedMs, peakGflops, { start: loadTrain, end: currentLoad() }), cpuMsPerStep: sig(median(fusedCpu)) };
  const { peakBytes, kernels } = await profileStep(runner);
  // Where the step's time goes, ours and PyTorch's (at the thread count that won most rounds).
  let profile: { ours: StepProfile; torch: TorchProfile | null; table: string[] } | null = null;
  if (o.profile) {
    const ours = await profileTrainStep(runner, { warmup: 1, timedSteps: o.tiny ? 1 : 5 });
    const python = torchInfo && torchInfo.available ? String(torchInfo.python) : null;
    const tp = python && torches.length > 0
      ? torchProfile({ python, preset, batch, vocab: o.vocabSize, threads: mode(bestThreads) }, log)
      : null;
    profile = { ours, torch: tp, table: profileTable(ours, tp) };
    log(`where a ${preset} step's time goes${tp ? ` (PyTorch ${tp.torch}, ${tp.threads} thread${tp.threads === 1 ? '' : 's'}, torch.profiler)` : ''}:`);
    for (const line of profile.table) log(`  ${line}`);
  }
  runner.dispose();
  const rssAfterTrain = rssMiB();
  const reference = o.compareReference ? {
    tokensPerSecond: sig(runner.tokensPerStep / (median(referenceMs) / 1000)),
    speedup: sig(median(vsReference), 3),
    rounds: vsReference.map((x) => sig(x, 3)),
    what: 'the same step with the textbook formulations (setKernelMode("reference")'
      + (info.backend === 'tensorflow' ? '' : ', tfjs\'s own BatchMatMul and UnsortedSegmentSum kernels') + '): the model before the fused kernels',
  } : null;
  const nativeKernels = compareNative ? {
    speedup: sig(median(vsNative), 3),
    rounds: vsNative.map((x) => sig(x, 3)),
    what: 'the same step without the native TensorFlow kernels tfjs does not expose (LayerNorm as batch normalisation, SigmoidGrad in GELU\'s backward, the 2-D MatMul kernel): setNativeKernels(false), setNativeMatMul(false)',
  } : null;
  const torchResult = torch ? {
    ...torchInfo,
    // The thread count that was fastest in most rounds, and each count's own median.
    threads: mode(bestThreads),
    tokensPerSecondByThreads: Object.fromEntries(torch.map((t, k) => [String(t.header!.threads), sig(runner.tokensPerStep / (median(torchMsByThreads[k]) / 1000))])),
    // Per round, the faster of the thread counts: the best a user gets from this PyTorch.
    tokensPerSecond: sig(runner.tokensPerStep / (median(torchMs) / 1000)),
    ratio: sig(median(vsTorch), 3),
    rounds: vsTorch.map((x) => sig(x, 3)),
    // CPU milliseconds per step, both sides: how much work each does, whatever the load.
    cpuMsPerStep: sig(median(torchCpu)),
    tfjsCpuMsPerStep: sig(median(fusedCpu)),
    cpuRatio: sig(median(torchCpu) / median(fusedCpu), 3),
  } : torchInfo;

  // 3. A larger model, fewer steps.
  let large: TrainFigures | null = null;
  let rssAfterLarge: number | null = null;
  if (o.largePreset && !o.tiny && o.largePreset !== preset) {
    const lcfg = makeConfig({ preset: o.largePreset, vocabSize: o.vocabSize });
    const lrunner = new TrainRunner(lcfg, batch);
    const ls = currentLoad();
    lrunner.steps(1);
    // One step per round, three rounds: a micro step takes seconds, and `npm run bench` (both
    // backends) has to stay within ten minutes.
    const lms = Array.from({ length: Math.min(3, rounds) }, () => lrunner.steps(1)[0]);
    large = trainFigures(lcfg, o.largePreset, lrunner, lms, peakGflops, { start: ls, end: currentLoad() });
    lrunner.dispose();
    rssAfterLarge = rssMiB();
    log(`train ${o.largePreset}: ${large.tokensPerSecond} tokens/s, MFU ${large.mfu}`);
  }

  // 4. Sampling with and without the KV cache, after a one-token prompt. The position
  //    embeddings are absolute, so once the context outgrows blockSize every new token needs
  //    the whole shifted window recomputed, with or without a cache; a cache can only pay off
  //    while the context fits. Hence two rows: the nano shape with a block long enough for
  //    the prompt and every new token (the figure the cache is for), and the nano preset
  //    itself (block 128), where past the block both paths do the same work.
  const sampleTokens = o.tiny ? 24 : o.sampleTokens;
  const sampleRounds = o.tiny ? 1 : o.sampleRounds;
  const longBlock = Math.max(o.sampleBlockSize, sampleTokens + 1);
  const longModel = new GPT(makeConfig({ ...cfg, blockSize: longBlock }), { seed: 0 });
  const sampleLoad = currentLoad();
  let sample: SampleResult;
  try {
    sample = benchSampling(longModel, sampleTokens, sampleRounds);
  } finally {
    longModel.dispose();
  }
  log(`sampling ${sample.newTokens} tokens, block ${sample.blockSize}: ${sample.tokensPerSecond} tokens/s with the KV cache, ${sample.tokensPerSecondNoCache} without (${sample.speedup}×)${sample.sameTokens ? '' : '; THE TOKENS DIFFER'}`);
  let samplePastBlock: SampleResult | null = null;
  if (sampleTokens > cfg.blockSize) {
    const model = new GPT(cfg, { seed: 0 });
    try {
      samplePastBlock = benchSampling(model, sampleTokens, sampleRounds);
    } finally {
      model.dispose();
    }
    log(`sampling ${samplePastBlock.newTokens} tokens, block ${samplePastBlock.blockSize}: ${samplePastBlock.tokensPerSecond} tokens/s with the KV cache, ${samplePastBlock.tokensPerSecondNoCache} without (${samplePastBlock.speedup}×)${samplePastBlock.sameTokens ? '' : '; THE TOKENS DIFFER'}`);
  }

  return {
    backend: info.backend,
    kernels: ourKernels(info),
    preset,
    trainTokensPerSecond: train.tokensPerSecond,
    mfu: train.mfu,
    sampleTokensPerSecond: sample.tokensPerSecond,
    sampleTokensPerSecondNoCache: sample.tokensPerSecondNoCache,
    sampleCacheSpeedup: sample.speedup,
    sample: {
      ...sample,
      model: `the ${preset} shape (${cfg.nLayer} layers, ${cfg.nHead} heads, ${cfg.nEmbd} wide, vocabulary ${cfg.vocabSize}) with blockSize ${sample.blockSize}, so that the one-token prompt and all ${sample.newTokens} new tokens fit in the context`,
    },
    samplePastBlock: samplePastBlock && {
      ...samplePastBlock,
      model: `the ${preset} preset itself (blockSize ${cfg.blockSize})`,
      why: `past the block (the last ${samplePastBlock.tokensPastBlock} tokens) both paths recompute the whole shifted window for every token, because the position embeddings are absolute; only the first ${cfg.blockSize - 1} tokens use the cache`,
    },
    memoryNoGrowth: memory ? memory.pass : null,
    trainVsTorch: torchResult && 'ratio' in torchResult ? torchResult.ratio : null,
    peakGflops,
    peakBackend,
    backendPeakGflops: backendPeak.bestGflops,
    mfuBackend: sig(train.mfu * peakGflops / backendPeak.bestGflops, 3),
    train,
    trainLarge: large,
    reference,
    nativeKernels,
    torch: torchResult,
    profile,
    matmul,
    memory: {
      // Resident memory of the whole process (the native allocator keeps what it once used).
      peakRssMiB: Math.round(Math.max(rssMiB(), memory?.rssPeakMiB ?? 0)),
      rssAfterTrainMiB: Math.round(rssAfterTrain),
      rssAfterLargeMiB: rssAfterLarge === null ? null : Math.round(rssAfterLarge),
      peakTensorBytesInStep: peakBytes,
      kernelsPerStep: kernels,
      tfMemory: tf.memory(),
      probe: memory,
    },
    sampleLoad,
    load: { start: loadStart, end: currentLoad() },
    tfjs: info.tfjs,
    native: info.native,
    threads: info.backend === 'tensorflow' ? threadSettings() : 1,
    machine: machineInfo(),
    tiny: o.tiny,
    date: new Date().toISOString(),
    seconds: Math.round((performance.now() - t0) / 1000),
  };
}

/**
 * Run `f` as before the fused kernels: the textbook formulations, and tfjs's own kernels for BatchMatMul
 * (wasm) and UnsortedSegmentSum (wasm borrows the cpu one; cpu).
 */
export function withReferenceKernels<T>(f: () => T): T {
  const prevMode = setKernelMode('reference');
  const prevMm = setWasmFastMatMul(false);
  const prevSeg = setFastSegmentSum(false);
  try {
    return f();
  } finally {
    setKernelMode(prevMode);
    setWasmFastMatMul(prevMm);
    setFastSegmentSum(prevSeg);
  }
}

/** The most frequent value (the first seen on ties). */
function mode(xs: readonly number[]): number {
  const n = new Map<number, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  let best = xs[0];
  for (const [x, c] of n) if (c > (n.get(best) ?? 0)) best = x;
  return best;
}

/**
 * The CPU's full name from /proc/cpuinfo where there is one (Node's os.cpus() gives only "AMD
 * EPYC" on some virtual machines), with its widest vector extension: the machines change from
 * one day to the next, and a figure means little without them.
 */
export function cpuModelName(): string {
  const base = os.cpus()[0]?.model ?? 'unknown';
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const name = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? base;
    const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
    const isa = flags.includes('amx_tile') ? 'AVX-512, AMX' : flags.includes('avx512f') ? 'AVX-512' : flags.includes('avx2') ? 'AVX2' : '';
    return isa ? `${name} (${isa})` : name;
  } catch {
    return base;
  }
}

/** Which kernels our step runs on, named the way the PyTorch side names its own. */
function ourKernels(info: BackendInfo): string {
  if (info.backend !== 'tensorflow') return info.backend === 'wasm' ? 'XNNPACK (tfjs wasm, SIMD, one thread)' : 'tfjs cpu (JavaScript)';
  let version = 'unknown';
  try {
    version = String((tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version ?? 'unknown');
  } catch {
    // No binding to ask.
  }
  return `TensorFlow ${version} C library, ${info.oneDnn ? 'oneDNN' : 'Eigen'} kernels`;
}
