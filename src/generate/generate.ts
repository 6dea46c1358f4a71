/**
 * Autoregressive generation: feed the context, sample the next token, append, repeat.
 *
 * With the KV cache (the default) each step runs the model on one new position and reuses
 * the keys and values of all earlier ones: O(T) work per token instead of O(T²). When the
 * context outgrows blockSize, the oldest tokens are dropped and the cache is rebuilt from the
 * cropped context, which is exactly what the no-cache path computes — so both paths give the
 * same tokens for the same seed.
 *
 * The cached steps run in plain JavaScript (model/decoder.ts) by default: one position is a
 * few hundred tensor kernels whose launch overhead outweighs their arithmetic many times, so
 * on tensors a cached step cost about as much as a full recomputation (measured: ~250 kernels,
 * ~40 ms CPU per token on the native backend against ~1 ms in JavaScript). `cacheEngine:
 * 'tensors'` keeps the model's tensor KV cache (GPT.forward with `cache`) instead. Past
 * blockSize every token needs the whole shifted window anyway (positions are absolute), which
 * both engines hand to one tensor forward pass, like the no-cache path.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { InputError } from '../errors';
import { Decoder } from '../model/decoder';
import type { GPT, KVCache } from '../model/gpt';
import { sampleToken, type SamplingOptions } from './sampling';

/** What `generate` takes: how many tokens, how to sample them (SamplingOptions), and the seed. */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate at most (fewer when `stopToken` comes first). */
  readonly maxNewTokens: number;
  /** Seed of the sampling (default 0): the same seed, model and prompt give the same tokens. */
  readonly seed?: number;
  /** Stop after emitting this token id. */
  readonly stopToken?: number;
  /** Where the cached steps run: plain JavaScript (default below C = 512, fastest there) or the model's tensor KV cache (default from C = 512). */
  readonly cacheEngine?: 'javascript' | 'tensors';
  /** Use the KV cache (default true). */
  readonly useCache?: boolean;
  /** Called with each new token id as it is produced. */
  readonly onToken?: (id: number, index: number) => void;
  /** Or pass an Rng to continue a stream of randomness. */
  readonly rng?: Rng;
}

/** What `generate` returns. */
export interface GenerateResult {
  /** The new token ids (without the prompt). */
  readonly tokens: number[];
  /** Prompt tokens dropped from the left because the prompt was longer than blockSize. */
  readonly promptTruncated: number;
}

/**
 * The default engine: JavaScript for our small models, tensors from C = 512 up. There the
 * arithmetic outweighs the kernel launches, and the decoder's copy of every weight would cost as
 * much memory again (GPT-2 small, C = 768: tensors 4.5 tokens/s against 3.3, and 420 MB less).
 */
export function cacheEngineFor(model: GPT, opts: Pick<GenerateOptions, 'cacheEngine'> = {}): 'javascript' | 'tensors' {
  return opts.cacheEngine ?? (model.config.nEmbd >= 512 ? 'tensors' : 'javascript');
}

function lastLogits(model: GPT, idx: number[], cache?: KVCache): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(Int32Array.from(idx), [1, idx.length], 'int32');
    const { hidden } = model.forward(x, { cache });
    const T = idx.length;
    const last = hidden.slice([0, T - 1, 0], [1, 1, -1]) as tf.Tensor3D;
    return model.logits(last).dataSync() as Float32Array;
  });
}

export function disposeCache(cache: KVCache): void {
  for (const l of cache.layers) { l.k.dispose(); l.v.dispose(); }
  cache.layers = [];
  cache.length = 0;
}

/** NaN or a negative temperature would not fail: it would quietly sample garbage. */
function checkSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(Number.isFinite(o.temperature) && o.temperature >= 0)) throw new InputError(`temperature must be a number ≥ 0, got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0)) throw new InputError(`topK must be an integer ≥ 0, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP >= 0 && o.topP <= 1)) throw new InputError(`topP must be in [0, 1], got ${o.topP}`);
}

/** Generate up to maxNewTokens after `prompt` (token ids; must not be empty). */
/**
 * Generate up to `opts.maxNewTokens` token ids after `prompt` (ids, at least one), one at a time:
 * the model's logits for the next token, SamplingOptions applied (temperature 1, all tokens by
 * default; temperature 0 is greedy), one id drawn with the seeded Rng. A prompt longer than
 * blockSize keeps its last blockSize tokens, and so does the context as it grows. Uses the KV
 * cache unless `useCache: false` (same tokens, slower). Throws an InputError for an empty prompt,
 * an id outside the vocabulary, or a bad option.
 */
export function generate(model: GPT, prompt: readonly number[], opts: GenerateOptions): GenerateResult {
  const out: number[] = [];
  const run = tokenStream(model, prompt, opts);
  for (const id of run.tokens) out.push(id);
  return { tokens: out, promptTruncated: run.promptTruncated };
}

export interface GenerateAsyncOptions extends GenerateOptions {
  /** Checked after every token: true stops generation there (e.g. set by a Ctrl-C handler). */
  readonly shouldStop?: () => boolean;
}

/**
 * `generate`, yielding to the event loop between tokens so that a signal handler (Ctrl-C) can
 * run and ask it to stop through `shouldStop`; the tokens so far are returned, with
 * `stoppedEarly`. The same tokens as `generate` for the same options.
 */
export async function generateAsync(model: GPT, prompt: readonly number[], opts: GenerateAsyncOptions): Promise<GenerateResult & { stoppedEarly: boolean }> {
  const out: number[] = [];
  const run = tokenStream(model, prompt, opts);
  let stoppedEarly = false;
  let last = performance.now();
  for (const id of run.tokens) {
    out.push(id);
    // A macrotask turn (not a microtask) lets pending signals and I/O run; every ~20 ms is enough.
    if (performance.now() - last > 20) { await new Promise<void>((r) => setImmediate(r)); last = performance.now(); }
    if (opts.shouldStop?.() && out.length < opts.maxNewTokens) { stoppedEarly = true; break; } // `break` ends the stream: its cache is freed
  }
  return { tokens: out, promptTruncated: run.promptTruncated, stoppedEarly };
}

/** The checks of `generate`, done at once, and a lazy stream of its tokens (its `finally` frees the cache). */
function tokenStream(model: GPT, prompt: readonly number[], opts: GenerateOptions): { tokens: Generator<number>; promptTruncated: number } {
  const { blockSize, vocabSize } = model.config;
  if (prompt.length === 0) throw new InputError('the prompt is empty: give at least one token');
  for (const id of prompt) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new InputError(`token id ${id} is outside the vocabulary [0, ${vocabSize})`);
  }
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 0) throw new InputError(`maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`);
  checkSampling(opts);
  if (opts.stopToken !== undefined && !Number.isInteger(opts.stopToken)) throw new InputError(`stopToken must be a token id, got ${opts.stopToken}`);
  const promptTruncated = Math.max(0, prompt.length - blockSize);
  return { tokens: streamTokens(model, prompt.slice(promptTruncated), opts), promptTruncated };
}

function* streamTokens(model: GPT, start: readonly number[], opts: GenerateOptions): Generator<number> {
  const { blockSize } = model.config;
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const useCache = opts.useCache ?? true;
  let context = start.slice();
  const cache: KVCache = { length: 0, layers: [] };
  const decoder = useCache && cacheEngineFor(model, opts) === 'javascript' && opts.maxNewTokens > 0 ? new Decoder(model) : null;
  let pending: number[] = context; // positions not yet in the cache
  try {
    for (let i = 0; i < opts.maxNewTokens; i++) {
      let logits: Float32Array;
      if (decoder) {
        if (decoder.length + pending.length <= blockSize) {
          logits = new Float32Array(0);
          for (const id of pending) logits = decoder.step(id);
        } else {
          logits = lastLogits(model, context); // out of positions: the whole window, as without a cache
        }
      } else if (useCache) {
        if (cache.length + pending.length > blockSize) {
          // Out of positions: rebuild from the last blockSize tokens, as the no-cache path does.
          disposeCache(cache);
          pending = context;
        }
        logits = lastLogits(model, pending, cache);
      } else {
        logits = lastLogits(model, context);
      }
      const next = sampleToken(logits, opts, rng);
      opts.onToken?.(next, i);
      yield next;
      if (opts.stopToken !== undefined && next === opts.stopToken) break;
      context = [...context, next];
      if (context.length > blockSize) context = context.slice(context.length - blockSize);
      pending = [next];
    }
  } finally {
    disposeCache(cache);
  }
}
