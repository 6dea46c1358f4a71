/**
 * Reference answers to exercises/07-performance-and-safety.ts. CI checks them with the same tests
 * students run (`npm run check -- 07 --solutions`, and `npm test`), so the tests are known to be
 * passable.
 */
import * as path from 'path';

export function isInsideFolder(folder: string, name: string): boolean {
  // path.relative says how to walk from the folder to the target: inside means a non-empty walk
  // that never starts by going up, and is not an absolute path (another drive, on Windows).
  // Comparing strings with startsWith would accept '/data/ck-evil' as inside '/data/ck'.
  const base = path.resolve(folder);
  const rel = path.relative(base, path.resolve(base, name));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++; // skip the escaped character, which may be a quote
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

export function firstNonFinite(bytes: Uint8Array, dtype: 'float32' | 'float16'): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'float32') {
    for (let i = 0; i * 4 + 4 <= bytes.length; i++) if (!Number.isFinite(view.getFloat32(i * 4, true))) return i;
    return -1;
  }
  for (let i = 0; i * 2 + 2 <= bytes.length; i++) if ((view.getUint16(i * 2, true) & 0x7c00) === 0x7c00) return i;
  return -1;
}

export function attentionScores(promptLength: number, newTokens: number, useCache: boolean): number {
  // A forward pass over L positions from scratch scores L(L+1)/2 causal pairs; a cached step that
  // adds one position at index L−1 scores L pairs (its row).
  const triangle = (L: number): number => (L * (L + 1)) / 2;
  if (newTokens === 0) return 0;
  let total = triangle(promptLength); // the first new token: the prompt runs in full either way
  for (let k = 1; k < newTokens; k++) {
    const L = promptLength + k; // context before generating token k (0-based)
    total += useCache ? L : triangle(L);
  }
  return total;
}
