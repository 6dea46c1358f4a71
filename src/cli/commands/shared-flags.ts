/** Flags shared by the `train` commands (imported by them; it registers no command). */
import type { FlagSpec, Flags } from '../args';
import { get } from '../args';
import type { GPTConfig } from '../../model/config';
import { PRESETS } from '../../model/config';

export const trainFlags: Record<string, FlagSpec> = {
  preset: { type: 'string', help: `model size (${Object.keys(PRESETS).join(', ')})`, choices: Object.keys(PRESETS) },
  steps: { type: 'int', help: 'optimizer steps (the LR schedule spans them)', min: 1, max: 10_000_000 },
  minutes: { type: 'number', help: 'stop after this many minutes (the LR schedule is fitted to it)', min: 0.01, max: 100_000 },
  out: { type: 'string', help: 'checkpoint folder to write' },
  resume: { type: 'boolean', help: 'continue from the checkpoint in --out' },
  force: { type: 'boolean', help: 'replace the checkpoint already in --out (never one of another kind)' },
  batch: { type: 'int', help: 'sequences per micro-batch', min: 1, max: 4096 },
  accum: { type: 'int', help: 'micro-batches per optimizer step (gradient accumulation)', min: 1, max: 1024 },
  lr: { type: 'number', help: 'peak learning rate', min: 1e-7, max: 1 },
  warmup: { type: 'int', help: 'linear warmup steps', min: 0, max: 1_000_000 },
  'eval-every': { type: 'int', help: 'evaluate and checkpoint every N steps', min: 1, max: 1_000_000 },
  seed: { type: 'int', help: 'random seed', min: 0, max: 2 ** 32 - 1 },
};

export const modelFlags: Record<string, FlagSpec> = {
  layers: { type: 'int', help: 'override nLayer', min: 1, max: 64 },
  heads: { type: 'int', help: 'override nHead', min: 1, max: 64 },
  embd: { type: 'int', help: 'override nEmbd', min: 1, max: 8192 },
  block: { type: 'int', help: 'override blockSize', min: 1, max: 8192 },
  dropout: { type: 'number', help: 'override dropout', min: 0, max: 0.99 },
};

export function modelOverrides(flags: Flags): Partial<Omit<GPTConfig, 'vocabSize'>> {
  const o: { -readonly [K in keyof GPTConfig]?: GPTConfig[K] } = {};
  if (flags.layers !== undefined) o.nLayer = get.num(flags, 'layers');
  if (flags.heads !== undefined) o.nHead = get.num(flags, 'heads');
  if (flags.embd !== undefined) o.nEmbd = get.num(flags, 'embd');
  if (flags.block !== undefined) o.blockSize = get.num(flags, 'block');
  if (flags.dropout !== undefined) o.dropout = get.num(flags, 'dropout');
  return o;
}
