/**
 * One sentence, in markdown, that says what a greedy continuation is made of, computed from its
 * tokens: chapter 04 prints it under a young model's greedy text, which can be nothing but line
 * breaks (and would otherwise show as a run of blank lines with no word of explanation).
 */

/**
 * One Markdown sentence, "**This run:** …", that says what greedy output (its decoded tokens,
 * one string per token) actually is: how many tokens are only spaces or line breaks, how many are
 * distinct, and the most frequent one, naming blank lines or a repetition when they dominate. For
 * showMarkdown, so the chapter's prose about the output is read from the output.
 */
export function describeGreedy(pieces: readonly string[]): string {
  const n = pieces.length;
  if (n === 0) return '**This run:** greedy decoding produced no tokens.';
  const blank = pieces.filter((p) => p.trim() === '').length;
  const distinct = new Set(pieces).size;
  const counts = new Map<string, number>();
  for (const p of pieces) counts.set(p, (counts.get(p) ?? 0) + 1);
  const [top, topCount] = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  const shown = JSON.stringify(top);
  const head = `**This run:** ${blank} of the ${n} greedy tokens are only spaces or line breaks, and the ${n} tokens are ${distinct} distinct ones`;
  if (blank === n) return `${head}: the likeliest token is blank at every step, so greedy decoding writes blank lines (the most frequent token, ${shown}, ${topCount} times).`;
  if (topCount > n / 2) return `${head}: one token, ${shown}, takes ${topCount} of the ${n} steps, the repetition greedy decoding falls into.`;
  return `${head}; the most frequent, ${shown}, comes ${topCount} times.`;
}
