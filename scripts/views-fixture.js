// The four interactive views on the shipped models, for the browser tests (scripts/views-smoke.js):
// the same calls a chapter makes, from the public API, on a sentence of the validation text and a
// sampled 7. Used twice: in Node to write an nbconvert export (the offline HTML path), and inside
// the tslab kernel of a JupyterLab page (the notebook path).
//
//   const { viewsBundles } = require('./views-fixture');
//   for (const b of viewsBundles(require('literate-gpt'), ROOT)) ...    // [{ kind, html, text }]
'use strict';
const path = require('path');

const SENTENCE = 'Next morning the not-yet-subsided sea rolled in long slow billows of mighty bulk';
const PROMPT = 'Call me Ishmael. Some years ago';

/** [{ kind, html, text }] for the four views, from the shipped checkpoints under `root`/data. */
function viewsBundles(lg, root) {
  const out = [];
  const lm = lg.loadCheckpoint(path.join(root, 'data', 'checkpoints', 'lm'));
  try {
    const tok = lm.tokenizer;
    const ids = tok.encode(SENTENCE);
    const tokens = ids.map((id) => tok.decode([id]));
    const maps = lg.attentionMaps(lm.model, ids);
    const L = maps.length;
    out.push({ kind: 'attention-head', html: lg.attentionHeadViewHtml(maps, tokens, { layer: L - 1, head: 0, title: 'head view: the shipped LM on a validation sentence' }) });
    out.push({ kind: 'attention-model', html: lg.attentionModelViewHtml(maps, tokens, { title: 'model view: every layer and head' }) });
    const pids = tok.encode(PROMPT);
    const ptokens = pids.map((id) => tok.decode([id]));
    const positions = lg.logitsAt(lm.model, pids, [pids.length - 3, pids.length - 1]);
    out.push({ kind: 'next-token', html: lg.nextTokenViewHtml(ptokens, positions, (id) => tok.decode([id]), { title: `next token after "${PROMPT}"` }) });
  } finally {
    lm.model.dispose();
  }
  const im = lg.loadImageModel(path.join(root, 'data', 'checkpoints', 'image'));
  try {
    const [levels] = lg.sampleImages(im.model, im.layout, [7], { seed: 3 });
    const seq = [lg.labelToken(im.layout, 7), ...levels];
    const maps = lg.pixelAttentionMaps(im.model, im.layout, seq);
    const image = { width: im.layout.width, height: im.layout.height, pixels: levels, palette: lg.paletteOf(im.quantizer) };
    out.push({ kind: 'pixel-attention', html: lg.pixelAttentionViewHtml(image, maps, { pixel: 7 * im.layout.width + 7, title: 'pixel attention: a sampled 7' }) });
  } finally {
    im.model.dispose();
  }
  return out.map((v) => ({ ...v, text: `[${v.kind} view]` }));
}

/**
 * A markdown cell with the kinds of formula the chapters use ($…$, $$…$$, \begin{align}): four
 * formulas. (Not \(…\) or \[…\]: markdown reads those backslashes as escapes before any math
 * renderer sees them, in nbconvert's exports as in its MathJax ones; the chapters do not use them.)
 */
const MATH_FORMULAS = 4;
const MATH_MARKDOWN = [
  '## Formulas (typeset offline)\n',
  '\n',
  'Inline $\\mathrm{softmax}(z)_i = e^{z_i} / \\sum_j e^{z_j}$, and on their own lines:\n',
  '\n',
  '$$\\mathrm{Attention}(Q,K,V) = \\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}} + M\\right)V$$\n',
  '\n',
  '$$p_i = \\frac{\\exp(z_i / T)}{\\sum_j \\exp(z_j / T)}$$\n',
  '\n',
  '\\begin{align} a &= b + c \\\\ x_{t+1} &= x_t - \\eta \\nabla L(x_t) \\end{align}\n',
];

module.exports = { MATH_FORMULAS, MATH_MARKDOWN, PROMPT, SENTENCE, viewsBundles };
