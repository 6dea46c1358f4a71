/**
 * Hugging Face's GPT-2 `config.json` ↔ our GPTConfig, and the tensor names of its
 * `GPT2LMHeadModel` ↔ ours.
 *
 * Our parameters already carry GPT-2's names and layout (params.ts: Conv1D matrices stored
 * (in, out), q, k, v fused in c_attn, the head tied to wte), so the mapping is a prefix:
 *
 *   transformer.wte.weight            (V, C)    ↔ wte
 *   transformer.wpe.weight            (T, C)    ↔ wpe
 *   transformer.h.N.ln_1.weight|bias  (C)       ↔ h.N.ln_1.weight|bias
 *   transformer.h.N.attn.c_attn.*     (C, 3C)   ↔ h.N.attn.c_attn.*       q, k, v side by side
 *   transformer.h.N.attn.c_proj.*     (C, C)    ↔ h.N.attn.c_proj.*
 *   transformer.h.N.ln_2.*, mlp.c_fc.* (C, 4C), mlp.c_proj.* (4C, C)     ↔ the same names
 *   transformer.ln_f.weight|bias      (C)       ↔ ln_f.weight|bias
 *   lm_head.weight                    (V, C)    ↔ none: tied to wte (checked equal when present)
 *   transformer.h.N.attn.bias, .masked_bias     ↔ none: the causal mask, a buffer, not a weight
 *
 * OpenAI's own files (the hub's openai-community/gpt2) store the names without `transformer.`.
 * What the config may say is limited to what our model computes; anything else is refused.
 */
import { InputError } from '../errors';
import { type GPTConfig, validateConfig } from '../model/config';
import { LN_EPS } from '../model/constants';

/** GPT-2's activation: GELU's tanh approximation, under either of its names in transformers. */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];

/** Our parameter name for a tensor of a GPT2LMHeadModel file; null for a buffer we ignore. */
export function ourParamName(hfName: string): string | null {
  const n = hfName.startsWith('transformer.') ? hfName.slice('transformer.'.length) : hfName;
  if (/^h\.\d+\.attn\.(bias|masked_bias)$/.test(n)) return null;
  if (n === 'wte.weight') return 'wte';
  if (n === 'wpe.weight') return 'wpe';
  return n;
}

/** The GPT2LMHeadModel name of one of our parameters. */
export function hfTensorName(ours: string): string {
  return `transformer.${ours === 'wte' || ours === 'wpe' ? `${ours}.weight` : ours}`;
}

/** Our GPTConfig from a parsed config.json; InputError (naming `where`) for what we cannot run. */
export function gptConfigFromHf(json: unknown, where: string): GPTConfig {
  const fail: (what: string) => never = (what) => { throw new InputError(`${where}: ${what}`); };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('not a JSON object');
  const c = json as Record<string, unknown>;
  if (c.model_type !== 'gpt2') fail(`model_type is ${JSON.stringify(c.model_type)}; only GPT-2 ('gpt2') is this model`);
  const int = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (!Number.isInteger(v)) fail(`${key} must be an integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const nEmbd = int('n_embd');
  const act = c.activation_function ?? 'gelu_new';
  if (typeof act !== 'string' || !TANH_GELU.includes(act)) fail(`activation_function ${JSON.stringify(act)}: this model computes GELU's tanh approximation (gelu_new) only`);
  if (c.n_inner !== undefined && c.n_inner !== null && c.n_inner !== 4 * nEmbd) fail(`n_inner ${JSON.stringify(c.n_inner)}: the MLP here is 4 × n_embd wide`);
  const eps = c.layer_norm_epsilon ?? 1e-5;
  if (eps !== LN_EPS) fail(`layer_norm_epsilon ${JSON.stringify(eps)}: LayerNorm here uses ${LN_EPS}`);
  if (c.tie_word_embeddings === false) fail('tie_word_embeddings is false: the head here is always the token embedding');
  if (c.add_cross_attention === true) fail('add_cross_attention: a decoder with cross-attention is not this model');
  if (c.scale_attn_weights === false) fail('scale_attn_weights is false: attention here always divides by √hs');
  if (c.scale_attn_by_inverse_layer_idx === true) fail('scale_attn_by_inverse_layer_idx: not computed here');
  const drop = c.resid_pdrop ?? 0.1;
  const cfg: GPTConfig = {
    vocabSize: int('vocab_size'),
    blockSize: int('n_positions', c.n_ctx as number | undefined),
    nLayer: int('n_layer'),
    nHead: int('n_head'),
    nEmbd,
    dropout: typeof drop === 'number' && drop >= 0 && drop < 1 ? drop : 0.1,
  };
  try { validateConfig(cfg); } catch (e) { fail((e as Error).message); }
  return cfg;
}

/** A config.json that transformers reads as GPT2LMHeadModel with our model's shape. */
export function hfConfigFromGpt(cfg: GPTConfig, tokens: { bos?: number; eos?: number } = {}): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: cfg.vocabSize,
    n_positions: cfg.blockSize,
    n_ctx: cfg.blockSize,
    n_embd: cfg.nEmbd,
    n_layer: cfg.nLayer,
    n_head: cfg.nHead,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: LN_EPS,
    initializer_range: 0.02,
    resid_pdrop: cfg.dropout,
    embd_pdrop: cfg.dropout,
    attn_pdrop: cfg.dropout,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    bos_token_id: tokens.bos ?? null,
    eos_token_id: tokens.eos ?? null,
    torch_dtype: 'float32',
  };
}
