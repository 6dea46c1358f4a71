/**
 * literate-gpt's public API: the one thing notebooks and exercises import.
 *
 *   import * as lg from 'literate-gpt';
 *   await lg.initBackend();
 *
 * Dimension letters used in shape comments throughout src/:
 *   B batch · T time (sequence length) · C channels (nEmbd) · nh heads · hs head size (C / nh)
 *   V vocabulary size · L layers
 */
export * from './engine';
export { check, InputError } from './errors';
export * from './tokenize';
export * from './model';
export * from './train';
export * from './generate';
export * from './checkpoint';
export * from './data';
export * from './baselines';
export * from './classify';
export * from './viz';
export { pixelAttentionFigure } from './viz/pixel-attention-figure';
export type { PixelAttentionFigureOptions } from './viz/pixel-attention-figure';
export { attentionGridFigure } from './viz/attention-grid-figure';
export type { AttentionGridOptions, AttentionPanel } from './viz/attention-grid-figure';
export * from './image';
export * from './hf';
export * as tf from '@tensorflow/tfjs';
