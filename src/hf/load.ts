/**
 * Load a Hugging Face GPT-2 folder (`config.json` + `model.safetensors`, as `hf download` or
 * `save_pretrained` writes it) into our GPT: the released GPT-2 weights, any size of the family,
 * or a model exported by `literate-gpt export hf`.
 *
 * Everything is checked before the first weight is read: the config (gpt2-config.ts), the
 * header (safetensors.ts), every expected tensor present with its expected shape, nothing
 * unexpected. Then the tensors are read one at a time straight into the model's variables (no
 * random initialisation first, no copy of the whole file in memory) and checked for NaN/∞.
 *
 * The tokenizer: the folder's `vocab.json` + `merges.txt` (or `tokenizer.json`) when it has them, else GPT-2's own BPE
 * (tokenize/gpt2.ts) for a 50,257-token vocabulary, else none (the model then takes raw ids).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { GPT } from '../model/gpt';
import { paramSpecs } from '../model/params';
import type { GPTConfig } from '../model/config';
import { BpeTokenizer } from '../tokenize/bpe';
import { gpt2Tokenizer } from '../tokenize/gpt2';
import { gptConfigFromHf, ourParamName } from './gpt2-config';
import { readSafetensor, readSafetensorsHeader, type SafetensorsEntry } from './safetensors';
import { bpeFromHfFiles, bpeFromTokenizerJson } from './tokenizer-files';

/** The model config of a Hugging Face folder (`n_layer`, `n_head`, `n_embd`, `n_positions`, `vocab_size`, …). */
export const HF_CONFIG_FILE = 'config.json';
/** The weights of a Hugging Face folder: one safetensors file (GPT-2 small's is 548 MB, float32). */
export const HF_WEIGHTS_FILE = 'model.safetensors';
const MAX_SMALL_FILE = 64 * 1024 * 1024;
/** The dtypes a weight may be stored in (read as float32). */
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'];

/** What loadGpt2 returns. The caller disposes `model`. */
export interface LoadedGpt2 {
  /** The model as our GPT (tied LM head, GPT-2's shape from config.json). */
  readonly model: GPT;
  /** The folder's tokenizer, GPT-2's for its vocabulary, or null. */
  readonly tokenizer: BpeTokenizer | null;
  /** The model's shape in our terms (n_layer → nLayer, n_embd → nEmbd, n_positions → blockSize, …). */
  readonly config: GPTConfig;
  /** config.json as read. */
  readonly hfConfig: Record<string, unknown>;
  /** The folder it was read from. */
  readonly dir: string;
}

/**
 * Where the project looks for GPT-2 small: `$LGPT_GPT2_DIR`, else `models/gpt2` under the
 * project root (git-ignored). README.md says how to fetch it.
 */
export function defaultGpt2Dir(): string {
  return process.env.LGPT_GPT2_DIR ?? path.join(__dirname, '..', '..', 'models', 'gpt2');
}

/**
 * The one command that fetches GPT-2 small's two files into models/gpt2 (from the project root):
 * config.json and model.safetensors from the Hugging Face hub, no account or Python needed.
 */
export const GPT2_FETCH_COMMAND = 'mkdir -p models/gpt2 && cd models/gpt2 && curl -L --fail --remote-name-all https://huggingface.co/openai-community/gpt2/resolve/main/{config.json,model.safetensors}';

/** True when `dir` looks like a Hugging Face model folder (and not one of our checkpoints). */
export function isHfFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, HF_CONFIG_FILE)) && !fs.existsSync(path.join(dir, 'checkpoint.json'));
}

function readSmallJson(file: string, what: string): unknown {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch { throw new InputError(`${file}: missing (${what})`); }
  if (!st.isFile()) throw new InputError(`${file}: not a regular file`);
  if (st.size > MAX_SMALL_FILE) throw new InputError(`${file}: ${st.size} bytes, too large for ${what}`);
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { throw new InputError(`${file}: not valid JSON`); }
}

/** Read config.json and check the header against it; nothing big is read. */
export function inspectGpt2Folder(dir: string): { config: GPTConfig; hfConfig: Record<string, unknown>; tensors: Map<string, SafetensorsEntry>; lmHead: SafetensorsEntry | null; file: string } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`${dir}: no such folder`);
  const cfgFile = path.join(dir, HF_CONFIG_FILE);
  const hfConfig = readSmallJson(cfgFile, 'a model config') as Record<string, unknown>;
  const config = gptConfigFromHf(hfConfig, cfgFile);
  const file = path.join(dir, HF_WEIGHTS_FILE);
  if (!fs.existsSync(file)) {
    const bin = fs.existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (pytorch_model.bin is a pickle, which could run code: not read; fetch model.safetensors)' : '';
    throw new InputError(`${file}: missing${bin}`);
  }
  const header = readSafetensorsHeader(file);
  const expected = new Map(paramSpecs(config).map((s) => [s.name, s.shape]));
  const tensors = new Map<string, SafetensorsEntry>();
  let lmHead: SafetensorsEntry | null = null;
  for (const e of header.entries.values()) {
    if (e.name === 'lm_head.weight') { lmHead = e; continue; }
    const ours = ourParamName(e.name);
    if (ours === null) continue;
    const shape = expected.get(ours);
    if (!shape) throw new InputError(`${file}: unexpected tensor '${e.name.slice(0, 80)}' for a GPT-2 with ${config.nLayer} layers`);
    if (tensors.has(ours)) throw new InputError(`${file}: tensor '${ours}' appears twice (with and without 'transformer.')`);
    if (!FLOAT_DTYPES.includes(e.dtype)) throw new InputError(`${file}: tensor '${e.name}' is ${e.dtype}, not a floating-point weight`);
    if (e.shape.join() !== shape.join()) throw new InputError(`${file}: tensor '${e.name}' has shape [${e.shape.join(', ')}], config.json implies [${shape.join(', ')}]`);
    tensors.set(ours, e);
  }
  for (const name of expected.keys()) if (!tensors.has(name)) throw new InputError(`${file}: tensor '${name}' (or 'transformer.${name}') is missing`);
  if (lmHead && !FLOAT_DTYPES.includes(lmHead.dtype)) throw new InputError(`${file}: lm_head.weight is ${lmHead.dtype}, not a floating-point weight`);
  if (lmHead && lmHead.shape.join() !== expected.get('wte')!.join()) throw new InputError(`${file}: lm_head.weight has shape [${lmHead.shape.join(', ')}], not wte's`);
  return { config, hfConfig, tensors, lmHead, file };
}

/** The folder's tokenizer files (vocab.json + merges.txt, else tokenizer.json) as our BpeTokenizer, GPT-2's for its vocabulary, or null. */
export function gpt2FolderTokenizer(dir: string, vocabSize: number): BpeTokenizer | null {
  const vocabFile = path.join(dir, 'vocab.json');
  const mergesFile = path.join(dir, 'merges.txt');
  if (fs.existsSync(vocabFile) && fs.existsSync(mergesFile)) {
    const vocab = readSmallJson(vocabFile, 'a vocabulary');
    const tok = bpeFromHfFiles(vocab, fs.readFileSync(mergesFile, 'utf8'), dir);
    if (tok.vocabSize > vocabSize) throw new InputError(`${dir}: the tokenizer has ${tok.vocabSize} tokens, the model ${vocabSize}`);
    return tok;
  }
  const oneFile = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(oneFile)) {
    const tok = bpeFromTokenizerJson(readSmallJson(oneFile, 'a tokenizer'), dir);
    if (tok.vocabSize > vocabSize) throw new InputError(`${dir}: the tokenizer has ${tok.vocabSize} tokens, the model ${vocabSize}`);
    return tok;
  }
  return vocabSize === gpt2Tokenizer().vocabSize ? gpt2Tokenizer() : null;
}

/**
 * Load GPT-2 (or any GPT2LMHeadModel folder: config.json and model.safetensors) as our GPT, its
 * weights renamed to ours and read as float32, with the folder's tokenizer (GPT-2's own when the
 * vocabulary is GPT-2's). GPT-2 small (124 M parameters) takes about half a gigabyte of memory.
 * Throws an InputError naming the file when the folder is missing, not GPT-2 shaped, or holds a
 * non-finite weight.
 * @example const { model, tokenizer } = lg.loadGpt2(lg.defaultGpt2Dir());
 */
export function loadGpt2(dir: string = defaultGpt2Dir()): LoadedGpt2 {
  const { config, hfConfig, tensors, lmHead, file } = inspectGpt2Folder(dir);
  const tokenizer = gpt2FolderTokenizer(dir, config.vocabSize);
  const read = (name: string): Float32Array => {
    const values = readSafetensor(file, tensors.get(name)!);
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new InputError(`${file}: tensor '${name}' has a non-finite value at index ${i}`);
    return values;
  };
  if (lmHead) {
    // A tied head is stored by some writers; it must be the embedding itself.
    const head = readSafetensor(file, lmHead);
    const wte = read('wte');
    for (let i = 0; i < wte.length; i++) if (head[i] !== wte[i]) throw new InputError(`${file}: lm_head.weight differs from wte at index ${i}; an untied head is not this model`);
  }
  const model = GPT.fromWeights(config, (spec) => read(spec.name));
  return { model, tokenizer, config, hfConfig, dir };
}
