/**
 * Datasets: pretraining text, spam classification, MNIST digits; deterministic splits; batching.
 * Only what notebooks and the CLI need is exported; helpers are tested through their modules.
 *
 * @module
 */
export { CORPUS_NAMES, CORPUS_PARTS, SUBJECT_FRAME, VAL_FRACTION, corpusParts, corpusSizes, encodePart, isCorpusName, loadCorpus, loadCorpusPart, unigramBaseline } from './corpus';
export type { Corpus, CorpusName, CorpusPart, CorpusPartText, TextEncoder } from './corpus';
export { brownBeforeAfter, brownSamples } from './brown';
export type { BrownSample } from './brown';
export { countSequentialBatches, sampleBatch, sampleMixedBatch, sequentialBatches } from './batches';
export type { TokenBatch } from './batches';
export { DEFAULT_BODY_CHARS, PINNED_SPLITS, classBalance, loadSpam, rawMessage, stratifiedSubset, toText } from './spam';
export type { LoadSpamOptions, SpamDataset, SpamExample, SpamTask } from './spam';
export { cleanEmail, decodeEncodedWords } from './mime';
export type { CleanEmail } from './mime';
export { htmlToText, normalizeText } from './text-clean';
export { MNIST_SIDE, downsample, loadMnist } from './mnist';
export type { LoadMnistOptions, MnistDataset, MnistExample } from './mnist';
export { hashString } from './hash';
