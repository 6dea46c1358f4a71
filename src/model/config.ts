/**
 * The GPT's hyper-parameters: one interface, one default object, named presets.
 * Sizes follow nanoGPT's naming; counts follow GPT-2's layout (see paramCount).
 */
import { check } from '../errors';

/**
 * The shape of a GPT: vocabulary, context, depth, heads, width, dropout. Build one with makeConfig
 * (defaults and presets filled in, then validated); the shipped checkpoints store theirs.
 */
export interface GPTConfig {
  /** V: number of token ids the model reads and predicts. */
  readonly vocabSize: number;
  /** Longest context the position embedding covers (T ≤ blockSize). */
  readonly blockSize: number;
  /** L: number of Transformer blocks. */
  readonly nLayer: number;
  /** nh: attention heads per block. */
  readonly nHead: number;
  /** C: width of the residual stream; each head has hs = C / nh. */
  readonly nEmbd: number;
  /** Dropout on attention weights, residual branches and embeddings while training. */
  readonly dropout: number;
}

/** What makeConfig starts from: the nano preset with a 65-symbol vocabulary and no dropout. */
export const DEFAULT_CONFIG: Required<GPTConfig> = {
  vocabSize: 65,
  blockSize: 128,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  dropout: 0,
};

/** The named model shapes of PRESETS, from `pico` (tests) to `mini` (for a GPU). */
export type PresetName = 'pico' | 'nano' | 'micro' | 'mini';

/**
 * Model shapes by name (the vocabulary comes from the tokenizer):
 * pico (blockSize 16, 1 layer, 2 heads, C 16; for tests),
 * nano (128, 4, 4, 128; the benchmark model, nanoGPT's shakespeare-char scale),
 * micro (256, 6, 6, 192, dropout 0.1) and mini (256, 8, 8, 256, dropout 0.1; for a GPU).
 */
export const PRESETS: Readonly<Record<PresetName, Omit<GPTConfig, 'vocabSize'>>> = {
  // For tests: tiny enough for finite differences and one-batch overfitting in seconds.
  pico: { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0 },
  // The benchmark model (`npm run bench`; nanoGPT shakespeare-char scale, 0.8 M parameters).
  nano: { blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0 },
  // ~3.2 M parameters in the blocks: a couple of hours on 2 CPU cores is enough to train it.
  micro: { blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 192, dropout: 0.1 },
  // ~9.5 M parameters in the blocks: for a GPU, or patience.
  mini: { blockSize: 256, nLayer: 8, nHead: 8, nEmbd: 256, dropout: 0.1 },
};

export function isPreset(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, name);
}

/**
 * A complete config: DEFAULT_CONFIG, then the preset's shape if `preset` is given, then the fields
 * of `partial`. Throws an InputError naming the field when a value is out of range or nEmbd is not
 * divisible by nHead (validateConfig).
 */
export function makeConfig(partial: Partial<GPTConfig> & { preset?: PresetName } = {}): GPTConfig {
  const { preset, ...rest } = partial;
  const cfg: GPTConfig = { ...DEFAULT_CONFIG, ...(preset ? PRESETS[preset] : {}), ...rest };
  validateConfig(cfg);
  return cfg;
}

/** Ranges a config must respect; also guards checkpoint loading against absurd sizes. */
export function validateConfig(cfg: GPTConfig): void {
  const int = (v: unknown, lo: number, hi: number, name: string): void =>
    check(Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi, `config.${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  int(cfg.vocabSize, 2, 1_000_000, 'vocabSize');
  int(cfg.blockSize, 1, 65_536, 'blockSize');
  int(cfg.nLayer, 1, 256, 'nLayer');
  int(cfg.nHead, 1, 256, 'nHead');
  int(cfg.nEmbd, 1, 65_536, 'nEmbd');
  check(cfg.nEmbd % cfg.nHead === 0, `config.nEmbd (${cfg.nEmbd}) must be divisible by nHead (${cfg.nHead})`);
  check(typeof cfg.dropout === 'number' && cfg.dropout >= 0 && cfg.dropout < 1, `config.dropout must be in [0, 1), got ${String(cfg.dropout)}`);
}

/**
 * Number of parameters of a GPT with config `cfg`: L blocks (two LayerNorms, c_attn,
 * attn.c_proj, c_fc, mlp.c_proj, with their biases), ln_f, and the token and position embeddings
 * unless `includeEmbeddings: false` (chapter 03 counts them by hand). The LM head is tied to wte,
 * so it adds nothing; a classification head is not counted.
 */
export function paramCount(cfg: GPTConfig, opts: { includeEmbeddings?: boolean } = {}): number {
  const C = cfg.nEmbd;
  const perBlock = 2 * 2 * C /* ln_1, ln_2 */ + (C * 3 * C + 3 * C) /* c_attn */ + (C * C + C) /* attn.c_proj */
    + (C * 4 * C + 4 * C) /* c_fc */ + (4 * C * C + C) /* mlp.c_proj */;
  const emb = cfg.vocabSize * C + cfg.blockSize * C;
  return cfg.nLayer * perBlock + 2 * C /* ln_f */ + (opts.includeEmbeddings === false ? 0 : emb);
}

/**
 * Training FLOPs per token (forward + backward ≈ 3× forward), as in the PaLM appendix and
 * nanoGPT's estimate_mfu: 6·N for the weight matmuls (N counts the tied LM head once, not the
 * position table) plus 12·L·T·C for attention scores and their use.
 */
export function flopsPerToken(cfg: GPTConfig, T = cfg.blockSize): number {
  const N = paramCount(cfg) - cfg.blockSize * cfg.nEmbd;
  return 6 * N + 12 * cfg.nLayer * T * cfg.nEmbd;
}
