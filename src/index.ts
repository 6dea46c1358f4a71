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
export { confusionFigure } from './viz/confusion-figure';
export { barPanelsFigure } from './viz/bar-panels-figure';
export type { BarPanel, BarPanelsOptions } from './viz/bar-panels-figure';
export type { ConfusionFigureOptions } from './viz/confusion-figure';
export type { AttentionGridOptions, AttentionPanel } from './viz/attention-grid-figure';
export * from './image';
export * from './hf';
// Where a training step's time goes (`literate-gpt bench`'s profile; chapter 07 reads it).
export * from './bench/profile';
export * from './bench/report';
/**
 * TensorFlow.js 4.22 (`@tensorflow/tfjs`), the same instance the library computes with, on the
 * backend `initBackend` chose: use `lg.tf` for tensors in a notebook, so that they live where the
 * model's do. Its reference: https://js.tensorflow.org/api/4.22.0/
 */
export * as tf from '@tensorflow/tfjs';
