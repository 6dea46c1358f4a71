/**
 * Text samples on the page: one block per sample, the prompt in black and the model's
 * continuation in blue, with a line of facts above each (chapter 04's temperature samples). The
 * HTML and its escaping live here so the chapter's cell shows how the samples are drawn.
 */
import { showHtml } from './display';
import { escapeHtml } from './view-html';

/** One text sample for showSamples. */
export interface TextSample {
  /** What made the sample, e.g. "τ = 0.8, top-40". */
  readonly label: string;
  /** A line of facts about it, shown after the label. */
  readonly facts: string;
  /** The continuation (the prompt is given once, to showSamples). */
  readonly text: string;
}

const PRE = 'white-space:pre-wrap;font-family:Georgia,serif;font-size:14px;'
  + 'background:#f7f7f7;padding:8px 12px;border-left:3px solid #1f4e9c';

/** The HTML of the samples (and, for plain-text outputs, a text version). */
export function samplesHtml(prompt: string, samples: readonly TextSample[]): { html: string; text: string } {
  const html = samples.map((s) => `<p><b>${escapeHtml(s.label)}</b> · ${escapeHtml(s.facts)}</p>`
    + `<pre style="${PRE}">${escapeHtml(prompt)}<span style="color:#1f4e9c">${escapeHtml(s.text)}</span></pre>`).join('\n');
  const text = samples.map((s) => `${s.label} (${s.facts}): ${prompt}${s.text}`).join('\n\n');
  return { html, text };
}

/**
 * Show text samples that share one `prompt`: per sample its label and facts, then the prompt in
 * black and the continuation in blue (samplesHtml); plain text outside a notebook.
 */
export function showSamples(prompt: string, samples: readonly TextSample[]): void {
  const { html, text } = samplesHtml(prompt, samples);
  showHtml(html, text);
}
