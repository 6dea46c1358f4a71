/**
 * What an image checkpoint carries besides the weights: `kind: 'image'` and, in `meta`, all a
 * reader needs to turn token ids back into pictures — size, levels, the quantizer's centers, the
 * palette (gray 0–255 per level) and the id layout. Loading checks that meta and the model's
 * config agree, so a checkpoint cannot promise 14×14 images to a model with 100 positions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../checkpoint/atomic';
import { MAX_MANIFEST_BYTES, readBoundedFile } from '../checkpoint/read-file';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/io';
import type { CheckpointJson } from '../checkpoint/format';
import { check, InputError } from '../errors';
import type { GPT } from '../model/gpt';
import { paletteOf, type Quantizer, quantizerFromJson } from './quantize';
import { describeLayout, imageLayout, type ImageLayout } from './sequence';

/** `meta` of an image checkpoint. */
export interface ImageMeta {
  readonly width: number;
  readonly height: number;
  readonly levels: number;
  /** Gray value 0–255 of each level (derived from the centers; stored for readers of the JSON). */
  readonly palette: number[];
  readonly quantizer: Quantizer;
  /** Id of the label-0 token; label d is labelOffset + d. */
  readonly labelOffset: number;
  readonly nLabels: number;
  /** Id of the "no label" token (models trained with label dropout); absent otherwise. */
  readonly nullToken?: number;
  /** The layout in words. */
  readonly tokens: string;
}

export function imageMeta(layout: ImageLayout, quantizer: Quantizer): ImageMeta {
  return {
    width: layout.width,
    height: layout.height,
    levels: layout.levels,
    palette: paletteOf(quantizer),
    quantizer,
    labelOffset: layout.labelOffset,
    nLabels: layout.nLabels,
    ...(layout.nullToken !== null ? { nullToken: layout.nullToken } : {}),
    tokens: describeLayout(layout),
  };
}

/** Validate an image checkpoint's meta against its config; returns layout and quantizer. */
export function layoutFromCheckpoint(json: CheckpointJson, where: string): { layout: ImageLayout; quantizer: Quantizer } {
  check(json.kind === 'image', `${where}: a '${json.kind}' checkpoint, not an image model`);
  const m = json.meta as Partial<ImageMeta>;
  const int = (v: unknown, name: string): number => {
    check(Number.isInteger(v) && (v as number) > 0 && (v as number) <= 4096, `${where}: meta.${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const levels = int(m.levels, 'levels');
  check(m.nullToken === undefined || m.nullToken === levels + 10, `${where}: meta.nullToken must be ${levels + 10} (right after the labels), got ${JSON.stringify(m.nullToken)}`);
  const layout = imageLayout(int(m.width, 'width'), int(m.height, 'height'), levels, m.nullToken !== undefined);
  check(m.labelOffset === layout.labelOffset && m.nLabels === layout.nLabels,
    `${where}: meta declares labels at ${String(m.labelOffset)}…, this build expects ids ${layout.labelOffset}…${layout.labelOffset + layout.nLabels - 1}`);
  const quantizer = quantizerFromJson(m.quantizer, `${where}: meta.quantizer`);
  check(quantizer.levels === layout.levels, `${where}: meta.quantizer has ${quantizer.levels} levels, meta.levels is ${layout.levels}`);
  check(json.config.vocabSize === layout.vocabSize, `${where}: the model has ${json.config.vocabSize} token ids, the layout needs ${layout.vocabSize}`);
  check(json.config.blockSize >= layout.blockSize, `${where}: the model has ${json.config.blockSize} positions, a ${layout.width}×${layout.height} image needs ${layout.blockSize}`);
  return { layout, quantizer };
}

/** What loadImageModel returns. The caller disposes `model`. */
export interface LoadedImageModel {
  /** The pixel GPT. */
  readonly model: GPT;
  /** Where pixels and labels sit in its vocabulary and sequences. */
  readonly layout: ImageLayout;
  /** The gray levels it was trained on (use them to encode and to draw). */
  readonly quantizer: Quantizer;
  /** The validated checkpoint.json. */
  readonly json: CheckpointJson;
}

/** Load an image checkpoint folder (validated) as a model plus its layout and quantizer. */
export function loadImageModel(dir: string): LoadedImageModel {
  const ck = loadCheckpoint(dir);
  try {
    const { layout, quantizer } = layoutFromCheckpoint(ck.json, dir);
    if (ck.moments) { for (const t of [...ck.moments.m.values(), ...ck.moments.v.values()]) t.dispose(); }
    return { model: ck.model, layout, quantizer, json: ck.json };
  } catch (e) {
    ck.model.dispose();
    throw e;
  }
}

/** A manifest.json next to a shipped checkpoint: how it was made and what it scores. */
export interface ImageManifest {
  readonly command: string;
  readonly exportCommand: string;
  readonly seed: number;
  readonly backend: string;
  readonly wallSeconds: number;
  readonly steps: number;
  readonly tokensSeen: number;
  readonly bitsPerPixel: number;
  readonly conditionalAccuracy: number;
  readonly classifierAccuracy: number;
  readonly [key: string]: unknown;
}

/**
 * Write a shipped copy of `model`: float16 weights, no optimizer state, no train state (the
 * run's options and history belong in manifest.json instead, see writeManifest).
 */
export function exportImageCheckpoint(dir: string, model: GPT, meta: ImageMeta, metrics: Record<string, number> = {}): void {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new InputError(`${dir}: exists and is not a folder`);
  saveCheckpoint(dir, model, { kind: 'image', tokenizer: null, dtype: 'float16', meta: meta as unknown as Record<string, unknown>, metrics });
}

/** Write manifest.json into a checkpoint folder (atomically: temporary file, then rename). */
export function writeManifest(dir: string, manifest: ImageManifest): void {
  writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/** The largest values `eval image` and `sample image` accept, from a flag or a manifest. */
export const MANIFEST_RANGES = { samplesPerLabel: 1000, guidance: 20 } as const;

/**
 * The sampling settings a shipped checkpoint's manifest.json was evaluated with, so `eval image`
 * can reproduce its figures; empty when the folder has no manifest.
 */
export function readManifestEvaluation(dir: string): { samplesPerLabel?: number; seed?: number; temperature?: number; guidance?: number } {
  const file = path.join(dir, 'manifest.json');
  try { fs.lstatSync(file); } catch { return {}; }
  // Bounded, a regular file only: a manifest.json that is a FIFO or /dev/zero is refused in one line.
  const text = readBoundedFile(file, MAX_MANIFEST_BYTES).toString('utf8');
  let m: { evaluation?: Record<string, unknown> };
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    throw new InputError(`${file}: not valid JSON`);
  }
  if (typeof m !== 'object' || m === null) throw new InputError(`${file}: not a JSON object`);
  const e = m.evaluation ?? {};
  if (typeof e !== 'object' || e === null) throw new InputError(`${file}: evaluation must be an object`);
  // The same ranges as the command-line flags: a manifest is input too (guidance 1e300 or a
  // billion samples per label is refused here, not met as "Invalid array length" later).
  const num = (name: string, lo: number, hi: number, int: boolean): number | undefined => {
    const v = e[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
      throw new InputError(`${file}: evaluation.${name} must be ${int ? 'an integer' : 'a number'} from ${lo} to ${hi}, got ${JSON.stringify(v)?.slice(0, 40)}`);
    }
    return v;
  };
  return {
    samplesPerLabel: num('samplesPerLabel', 1, MANIFEST_RANGES.samplesPerLabel, true), seed: num('seed', 0, 2 ** 32 - 1, true),
    temperature: num('temperature', 0.01, 100, false), guidance: num('guidance', 0, MANIFEST_RANGES.guidance, false),
  };
}
