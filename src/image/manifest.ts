/**
 * The manifest.json of a shipped image checkpoint, read for a reader: how the model was trained
 * (the exact command, label dropout), how it was evaluated (guidance scale, samples per label)
 * and its training curve. Chapter 06 prints these and checks its own measurements against them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import type { GPTConfig } from '../model/config';
import type { ImageManifest } from './checkpoint';

/** A shipped image checkpoint's manifest, with the parts chapter 06 reads typed. */
export interface ShippedImageManifest extends ImageManifest {
  /** The shape of the shipped pixel GPT. */
  readonly config: GPTConfig;
  /** How it was trained: the share of digits whose label was replaced by "no label". */
  readonly training: { readonly labelDropout: number };
  /** How its samples were scored: the guidance scale and the samples drawn per digit. */
  readonly evaluation: { readonly guidance: number; readonly samplesPerLabel: number };
  /** Per evaluation: the step, the mean training loss since the last one (nats/pixel), test bits per pixel. */
  readonly history: readonly { readonly step: number; readonly trainLoss: number; readonly testBitsPerPixel: number }[];
}

/** Read `dir`/manifest.json; a missing one says how to make it, a malformed one what is missing. */
export function readImageManifest(dir: string): ShippedImageManifest {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) {
    throw new InputError(`${file} is missing: train with \`literate-gpt train image\` and ship with \`literate-gpt export image\` (see README)`);
  }
  let m: Partial<ShippedImageManifest>;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ShippedImageManifest>;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const missing = (['command', 'steps', 'wallSeconds', 'bitsPerPixel', 'conditionalAccuracy', 'classifierAccuracy', 'training', 'evaluation', 'history'] as const)
    .filter((k) => m[k] === undefined);
  if (missing.length > 0) throw new InputError(`${file}: no ${missing.join(', ')}`);
  return m as ShippedImageManifest;
}
