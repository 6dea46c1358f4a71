/**
 * image: a class-conditional pixel GPT (Image GPT style) on 14×14 MNIST digits.
 *
 * - `quantize`: gray values → a few levels (uniform or k-means), and back; the palette
 * - `sequence`: [label, p0 … p195] and the token-id layout (levels, then 10 label tokens)
 * - `dataset`: MNIST's fixed split as sequences; training batches
 * - `train`: the pixel GPT's training task for the driver in train/driver.ts (`literate-gpt train image`)
 * - `sample`: batched sampling with a KV cache ("draw a 7")
 * - `complete`: completing the top half of real digits
 * - `classifier`: the judge for conditional accuracy (a small MLP on real digits)
 * - `eval`: bits per pixel, conditional accuracy
 * - `attention`: where the model looks when it draws one pixel
 * - `checkpoint`: image meta in checkpoints, loading, the shipped export
 *
 * @module
 */
export { DEFAULT_IMAGE_DATA, everyKth, fitQuantizer, levelsOf, loadImageData, sampleImageBatch, subsetSplit, takeSequences } from './dataset';
export type { ImageData, ImageDataConfig, ImageSplit } from './dataset';
export { dequantize, kmeansQuantizer, nearest, paletteOf, quantizationError, quantize, quantizerFromJson, uniformQuantizer } from './quantize';
export type { KmeansOptions, Quantizer, QuantizerKind } from './quantize';
export {
  conditionToken, describeLayout, imageLayout, imageToSequence, inputsAndTargets, isPixelToken, labelToken, N_LABELS, pixelPosition, pixelsOf, sequenceToImage,
} from './sequence';
export type { ImageLayout } from './sequence';
export { DEFAULT_IMAGE_TRAIN, trainImage } from './train';
export type { ImageEvalPoint, ImageTrainCallbacks, ImageTrainOptions, ImageTrainResult, ImageTrainState } from './train';
export { guideLogits, imageSeed, sampleImages } from './sample';
export type { SampleImageOptions } from './sample';
export { completeImages, completionGrid, pickDigits, topRows } from './complete';
export type { Completion, CompletionOptions } from './complete';
export { DEFAULT_CLASSIFIER, DigitClassifier } from './classifier';
export type { DigitClassifierOptions } from './classifier';
export { bitsPerPixel, conditionalAccuracy, evaluateImageModel, judgeAccuracy, pixelNll, realDiversity, sampleDiversity, trainJudge } from './eval';
export type { ConditionalResult, ImageEvalOptions, ImageEvalResult } from './eval';
export { exportImageCheckpoint, imageMeta, layoutFromCheckpoint, loadImageModel, writeManifest } from './checkpoint';
export type { ImageManifest, ImageMeta, LoadedImageModel } from './checkpoint';
export { readImageManifest } from './manifest';
export type { ShippedImageManifest } from './manifest';
export { meanOverHeads, pixelAttention, pixelAttentionMaps, toRows } from './attention';
export type { PixelAttention, PixelAttentionMaps } from './attention';
export { initPositions2d, positionTable2d } from './positions';
