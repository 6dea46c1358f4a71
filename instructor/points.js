// The points of every exercise check, public and hidden, and the limits each exercise runs under:
// the one place the grader (`npm run assignment -- grade`), the autograder command
// (`npm run assignment -- autograde NN.K`) and the gradebook test read them from.
//
// Keys are the checks' titles exactly as the tests name them: the public ones in
// test/exercises/NN-*.test.ts, the hidden ones (titles start with "hidden:") in
// instructor/hidden/NN-*.hidden.ts. A check that runs but is not listed here, or a listed check
// that never runs against the reference solutions, fails test/assignment.test.ts, so a renamed
// check cannot silently drop out of the grade.
//
// Points: 1 for a public check (the student has seen it and can run it), 2 for a hidden one
// (other inputs, properties and edge cases: a solution fitted to the public checks misses them).
//
// Limits: each exercise of each submission runs in its own process, killed after `seconds` (its
// checks' time plus room for a slow machine; start-up is extra) or when its resident memory
// passes `memoryMiB` (tensors live outside V8's heap, so the heap limit `heapMiB` alone would
// not see a runaway model). Measured on the reference solutions (2 cores, others working): every
// exercise 0.2-7 s and at most 0.8 GB, but 05.4, which fine-tunes three classifiers: 280 s and
// 1.3 GB. The defaults leave ten times the time and twice the memory; 05.4 gets 900 s and 4 GB,
// 05.5 and 06.5 (a shipped model each, 2.4 s / 0.55 GB and 7.1 s / 0.8 GB) more room too.
'use strict';

const DEFAULT_LIMITS = { seconds: 60, memoryMiB: 2048, heapMiB: 1024 };

const CHAPTERS = {
  '00-setup': {
    1: { name: 'softmaxWithTemperature', checks: {
      "gives p_i ∝ exp(z_i) at T = 1 (logits 0, ln 2, ln 3 → 1/6, 2/6, 3/6)": 1,
      "divides the logits by T (logits 0, 2 ln 2 at T = 2 → 1/3, 2/3)": 1,
      "stays finite for large logits ([1000, 1001] → 1/(1+e), e/(1+e))": 1,
      "throws a RangeError for a temperature that is not a positive number": 1,
      "hidden: sums to 1, stays positive and keeps the order of the logits on random vectors and temperatures": 2,
      "hidden: a tiny temperature gives almost all weight to the largest logit, a huge one almost uniform weights": 2,
      "hidden: handles one logit and very negative logits, and leaves its input unchanged": 2,
    } },
    2: { name: 'entropy', checks: {
      "is ln 4 for a uniform distribution over 4 outcomes": 1,
      "counts 0 · ln 0 as 0 (one-hot → 0, [½, ½, 0] → ln 2)": 1,
      "hidden: equals −Σ p ln p on random distributions": 2,
      "hidden: is 0 for one-hot and ln n for uniform distributions of several lengths, zeros included": 2,
    } },
  },
  '01-tokenization': {
    1: { name: 'mergePair', checks: {
      "replaces every occurrence of the pair ([1, 2, 3, 1, 2] with (1, 2) → 256 gives [256, 3, 256])": 1,
      "does not overlap occurrences, scanning left to right ([5, 5, 5] with (5, 5) → [256, 5])": 1,
      "keeps the order of the pair ((2, 1) is not (1, 2)) and handles short inputs": 1,
      "leaves its input unchanged": 1,
      "hidden: agrees with a reference merge on generated id sequences": 2,
      "hidden: runs of odd length and a pair at the very end": 2,
    } },
    2: { name: 'countTokens', checks: {
      "counts one token per UTF-8 byte when there are no merges (猫 is 3 bytes)": 1,
      "agrees with BpeTokenizer.encode on English, Chinese and emoji text": 1,
      "does not merge across pre-tokens (the space before a word belongs to the word)": 1,
      "hidden: agrees with BpeTokenizer.encode for a tokenizer trained on another text": 2,
      "hidden: an empty text has no tokens, whatever the merges": 2,
    } },
    3: { name: 'decodeByHand', checks: {
      "gives the text back from its ids": 1,
      "expands merged tokens recursively (a merge of merges)": 1,
      "turns a cut-off character into U+FFFD, as UTF-8 decoding does (the first 2 of 猫's 3 bytes)": 1,
      "throws a RangeError for an id outside the vocabulary": 1,
      "hidden: decodes every token of another tokenizer as the tokenizer does": 2,
      "hidden: an empty id list gives the empty text; a fractional id is refused": 2,
    } },
  },
  '02-self-attention': {
    1: { name: 'maskedSoftmax', checks: {
      "is a plain row-wise softmax when nothing is masked (scores 0, ln 2, ln 3 → 1/6, 2/6, 3/6)": 1,
      "gives masked positions exactly 0 and renormalises the rest (a causal mask on equal scores → 1/(i+1))": 1,
      "ignores the value of a masked score, however large, and stays finite for large allowed scores": 1,
      "throws a RangeError for a row with no allowed key": 1,
      "hidden: equals a reference on generated scores and masks": 2,
      "hidden: a row with one allowed key puts all its weight there, even when the other scores are far larger": 2,
      "hidden: refuses a later row with no allowed key": 2,
    } },
    2: { name: 'attentionHead', checks: {
      "equals the library's scaledDotProductAttention on x·W (causal mask)": 1,
      "equals the library's scaledDotProductAttention on x·W (no mask)": 1,
      "lets token 0 see only itself under the causal mask (its output is its own value row)": 1,
      "hidden: equals the library's attention on another shape (case T = 1)": 2,
      "hidden: equals the library's attention on another shape (case T = 6)": 2,
      "hidden: without the mask, reordering the tokens reorders the output rows the same way": 2,
    } },
    3: { name: 'attentionShapes', checks: {
      "matches the shapes splitHeads, attention and mergeHeads produce (B=2, T=7, C=12, nh=3)": 1,
      "gives the GPT-2 small shapes (B=1, T=1024, C=768, nh=12)": 1,
      "throws a RangeError when C is not divisible by nh": 1,
      "hidden: one head, one position per head, and a batch of one token": 2,
      "hidden: refuses other indivisible widths": 2,
    } },
  },
  '03-gpt-model': {
    1: { name: 'layerNorm', checks: {
      "normalises [1, 2, 3, 10] by hand: μ = 4, σ² = 12.5 (divided by C, not C − 1)": 1,
      "applies the gain and the bias after normalising": 1,
      "keeps a constant vector finite (ε): it becomes the bias": 1,
      "equals lg.layerNorm (fused kernel) on random vectors, within float32 rounding (1e-5)": 1,
      "equals lg.layerNorm (reference kernel) on random vectors, within float32 rounding (1e-5)": 1,
      "hidden: with gain 1 and bias 0 the output has mean 0 and the variance ε leaves, on random shifted vectors": 2,
      "hidden: uses the ε it is given": 2,
    } },
    2: { name: 'gelu', checks: {
      "equals lg.gelu (the tanh form) on −6 … 6, within float32 rounding (1e-6)": 1,
      "is 0 at 0, about x for large x, about 0 for very negative x, and dips below 0 just left of 0": 1,
      "hidden: equals the tanh formula near 0 and far out": 2,
    } },
    3: { name: 'blockForward', checks: {
      "equals the library's block on random weights (C = 8, 2 heads, T = 5), within 1e-4": 1,
      "equals the library's block on random weights (C = 12, 3 heads, T = 7), within 1e-4": 1,
      "is causal: random noise on the last row of x leaves every earlier output row unchanged": 1,
      "hidden: equals the library's block on another shape (4 heads)": 2,
      "hidden: equals the library's block on another shape (1 head)": 2,
      "hidden: equals the library's block on another shape (8 heads)": 2,
    } },
    4: { name: 'paramCountFor', checks: {
      "counts the weights of a real GPT (V 11, blockSize 16, L 1, C 16)": 1,
      "counts the weights of a real GPT (V 2048, blockSize 128, L 4, C 128)": 1,
      "counts the weights of a real GPT (V 97, blockSize 33, L 3, C 24)": 1,
      "gives GPT-2 small its 124,439,808 parameters": 1,
      "hidden: counts other shapes, down to a model without blocks": 2,
      "hidden: gives GPT-2 medium its parameter count": 2,
    } },
  },
  '04-pretraining': {
    1: { name: 'bitsPerByte', checks: {
      "is 1 for ln 2 nats per token when each token is one byte": 1,
      "divides by the bytes each token carries (ln 16 nats/token, 4 bytes/token → 1 bit/byte)": 1,
      "agrees with the library on the shipped model's kind of numbers": 1,
      "hidden: is proportional to the loss and the tokens and inversely to the bytes": 2,
    } },
    2: { name: 'crossEntropyFromLogits', checks: {
      "is ln V for equal logits (a uniform guess over 5 tokens costs ln 5)": 1,
      "is −ln p of the target (logits 0, ln 2, ln 3 → p = 1/6, 2/6, 3/6)": 1,
      "stays finite for large logits ([1000, 1001], target 0 → ln(1 + e))": 1,
      "hidden: equals −log softmax at the target on generated logits, very negative ones included": 2,
    } },
    3: { name: 'crossEntropyGradient', checks: {
      "matches finite differences of the loss": 1,
      "sums to zero and is negative only at the target": 1,
      "hidden: equals softmax minus the one-hot target on generated logits, large ones included": 2,
    } },
    4: { name: 'topKProbabilities', checks: {
      "keeps the k most likely tokens and renormalises (k = 2: softmax over logits 3 and 2)": 1,
      "equals lg.samplingProbabilities for several k and temperatures (ties go to the lower index)": 1,
      "hidden: k = 1 is greedy, on the first of equal largest logits": 2,
      "hidden: ties at the cut keep the lower index; k ≥ V and k = 0 keep every token": 2,
    } },
    5: { name: 'adamwStep', checks: {
      "moves every weight by lr against the sign of its gradient on the first step (no decay)": 1,
      "equals lg.AdamW over three steps, for a parameter that decays and one that does not (1e-6)": 1,
      "decays a weight with zero gradient by lr·λ·θ, and only when decay applies": 1,
      "hidden: equals a reference over five steps with other settings, and changes no input": 2,
    } },
  },
  '05-finetune-classification': {
    1: { name: 'buildClassifierIds', checks: {
      "wraps the text in <s> … <e> and pads with <e> ([5, 6] with T = 6 → [1, 5, 6, 2, 2, 2], <e> at 3)": 1,
      "cuts the text to T − 2 ids, never the markers": 1,
      "gives the rows of the library's encodeClassifierData": 1,
      "leaves its input unchanged and refuses T < 3": 1,
      "hidden: agrees with a reference for generated texts and lengths, T = 3 included": 2,
      "hidden: refuses T of 2, 0 and below": 2,
    } },
    2: { name: 'combinedLoss', checks: {
      "is ln 2 for equal class logits and λ = 0": 1,
      "adds λ times the mean next-token loss over the positions whose target is not −1": 1,
      "averages the LM part over all valid positions of the batch, not per row": 1,
      "stays finite for large logits ([1000, 1001], label 0 → ln(1 + e))": 1,
      "hidden: equals a reference on generated batches, and λ scales only the LM part": 2,
      "hidden: with no LM target left, the loss is the classification loss alone": 2,
    } },
    3: { name: 'f1FromConfusion', checks: {
      "reads TP, FP, FN from m[true][predicted] (TN 3, FP 1, FN 1, TP 2 → precision = recall = F1 = 2/3)": 1,
      "is not symmetric in FP and FN (FP 4, FN 1, TP 4 → precision ½, recall 0.8)": 1,
      "gives 0, not NaN, for \"always ham\" (no spam predicted)": 1,
      "agrees with the library on predictions made into a confusion matrix": 1,
      "hidden: agrees with the library on generated confusion matrices, empty rows included": 2,
      "hidden: a perfect classifier scores 1 on all three": 2,
    } },
    4: { name: 'fineTuneFew', limits: { seconds: 900, memoryMiB: 4096 }, checks: {
      // The chapter's central exercise, and the only one without hidden checks (see its hidden
      // file): 3 points a check.
      "equals the chapter's recipe run with the library (broad LM, N = 32, seed 1, λ = 0.5, 20 steps; 1e-9)": 3,
      "gives a valid run with λ = 0 that differs from λ = 0.5 (the auxiliary loss is used)": 3,
    } },
    5: { name: 'subjectLogProb', limits: { seconds: 120, memoryMiB: 3072 }, checks: {
      "equals the log-likelihood from lg.crossEntropy for an ordinary, an empty, a spam-like and a too-long subject (1e-4)": 1,
      "scores only the subject after the blank line: the empty subject's score is log p(newline | two newlines) < 0": 1,
      "leaves no tensors behind": 1,
      "hidden: equals the log-likelihood from lg.crossEntropy on other subjects (accents, digits, a lone space)": 2,
    } },
    6: { name: 'zeroShotSpam', checks: {
      "calls spam the test scores below sorted(train)[floor(share·n)] (10 scores, share 0.3 → threshold −6)": 1,
      "takes the threshold from the training scores only, and changes no input": 1,
      "equals a reference implementation for several shares": 1,
      "refuses a share outside (0, 1) and an empty training set": 1,
      "hidden: equals a reference on generated scores for other shares": 2,
      "hidden: a test score equal to the threshold is ham; shares 0 and 1 are refused": 2,
    } },
  },
  '06-image-generation': {
    1: { name: 'quantizeUniform', checks: {
      "maps 0.1, 0.3, 0.9 to levels 0, 1, 3 of four (0, ⅓, ⅔, 1)": 1,
      "agrees with lg.quantize(…, lg.uniformQuantizer(L)) for 2, 4 and 8 levels (away from ties)": 1,
      "keeps the ends: 0 → level 0 and 1 → level L − 1": 1,
      "hidden: agrees with the library for 3, 16 and 256 levels away from ties": 2,
    } },
    2: { name: 'toSequence', checks: {
      "puts the label token (nLevels + label) first, then the levels: like lg.imageToSequence": 1,
      "throws a RangeError for a label that is not an integer 0–9": 1,
      "hidden: other level counts, labels 0 and 9, an empty image; refuses 10, −1 and 2.5": 2,
    } },
    3: { name: 'bitsPerPixel', checks: {
      "is 1 bit when every pixel had probability ½, 2 bits at ¼, 0 bits at 1": 1,
      "averages over pixels: [1, ¼] → 1 bit": 1,
      "hidden: equals −mean log₂ p on generated probabilities": 2,
    } },
    4: { name: 'guidanceMix', checks: {
      "is z_u + S·(z_c − z_u): S = 1 gives the conditional logits, S = 0 the unconditional ones": 1,
      "agrees with lg.guideLogits on random logits for S in 0, 1.5, 2, 4": 1,
      "hidden: equals z_u + S·(z_c − z_u) for negative and fractional scales on long vectors, inputs unchanged": 2,
    } },
    5: { name: 'completeWithLabel', limits: { seconds: 180 }, checks: {
      "returns the whole image: the given rows unchanged, then levels 0 … L − 1, one call per pixel and prompt": 1,
      "every drawn pixel is the largest guided logit, checked by one forward pass over the finished sequences": 1,
      "the label steers the completion: the same half digit becomes different images as a 0 and as a 7": 1,
      "throws a RangeError for a bad label or too many given pixels": 1,
      "hidden: equals a greedy guided completion on a made-up model, for several labels and scales": 2,
      "hidden: a full image comes back unchanged without asking the model; ties go to the lowest level": 2,
    } },
  },
  '07-performance-and-safety': {
    1: { name: 'isInsideFolder', checks: {
      "accepts plain names and paths that stay inside": 1,
      "refuses parent references, absolute paths and the folder itself": 1,
      "is not fooled by a sibling whose name starts the same (the prefix bug)": 1,
      "works for relative folders too": 1,
      "hidden: names that only look like parent references, a trailing slash and the root folder": 2,
      "hidden: walks that leave and come back, or end at the folder itself": 2,
    } },
    2: { name: 'jsonDepth', checks: {
      "counts nesting of arrays and objects": 1,
      "ignores brackets inside strings, escaped quotes included": 1,
      "agrees with the loader's own check on deep and mixed texts": 1,
      "hidden: a string that ends in an escaped backslash, and brackets after it": 2,
      "hidden: agrees with the depth of the parsed value on generated documents": 2,
    } },
    3: { name: 'firstNonFinite', checks: {
      "finds NaN and ±Infinity in float32 data": 1,
      "finds them in float16 data, where 65504 is the largest finite value": 1,
      "reads a view that does not start at byte 0 of its buffer": 1,
      "hidden: −1 for no values and for the largest finite and subnormal values": 2,
      "hidden: the first of several non-finite values, negative NaN and float16 values made by the library": 2,
    } },
    4: { name: 'attentionScores', checks: {
      "costs the prompt's triangle for the first token, either way": 1,
      "adds one row per cached step, a whole triangle per uncached one": 1,
      "grows linearly per token with the cache and quadratically without": 1,
      "hidden: equals a count by brute force for other sizes, with and without the cache": 2,
      "hidden: one new token costs the same either way, and none costs nothing": 2,
    } },
  },
};

module.exports = { DEFAULT_LIMITS, CHAPTERS };
