/**
 * Text ↔ bytes, the layer under every byte-level tokenizer.
 *
 * A byte-level BPE never sees characters: it sees the UTF-8 bytes of the text, so its base
 * vocabulary is exactly 256 symbols and no input is ever "unknown". This file holds the two
 * conversions and two ways of *showing* bytes to a reader.
 */

const encoder = new TextEncoder();
// Non-fatal on purpose: decoding the ids of a model's output may cut a multi-byte character in
// half; the broken piece becomes U+FFFD instead of an exception.
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The UTF-8 bytes of `text`.
 *
 * A JavaScript string may hold a lone surrogate (half of an emoji, say), which has no UTF-8
 * form; TextEncoder writes U+FFFD (EF BF BD) in its place. So `utf8Decode(utf8Encode(s)) === s`
 * holds for every well-formed string, and for a malformed one each lone surrogate comes back
 * as '\uFFFD' — never an exception.
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decode UTF-8 bytes; invalid or truncated sequences become U+FFFD (never throws). */
export function utf8Decode(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

/** True when `bytes` is well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function escapeControl(ch: string): string {
  const c = ch.codePointAt(0) ?? 0;
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  if (ch === '\\') return '\\\\';
  if (c < 0x20 || c === 0x7f) return `\\x${c.toString(16).padStart(2, '0')}`;
  return ch;
}

/**
 * A readable rendering of a token's bytes: complete UTF-8 characters as themselves, control
 * characters escaped (`\n`), and bytes that are only part of a character as `\xe4`.
 * For display only — it is not reversible (a literal backslash shows as `\\`).
 *
 * @example showBytes(utf8Encode('猫').subarray(0, 2)) // '\\xe7\\x8c'
 */
export function showBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    // The lead byte says how long the character is; try exactly that many bytes.
    const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (n > 0 && i + n <= bytes.length) {
      let ch: string | undefined;
      try {
        ch = strictDecoder.decode(bytes.subarray(i, i + n));
      } catch {
        ch = undefined;
      }
      if (ch !== undefined) {
        out += escapeControl(ch);
        i += n;
        continue;
      }
    }
    out += `\\x${b.toString(16).padStart(2, '0')}`;
    i++;
  }
  return out;
}

let byteToUnicodeTable: string[] | undefined;

/**
 * GPT-2's byte → printable character table (`bytes_to_unicode` in OpenAI's encoder.py).
 *
 * GPT-2's original `vocab.json` and `merges.txt` are text files, so every byte needed a
 * visible, non-whitespace character: printable Latin-1 bytes map to themselves and the other
 * 68 bytes to U+0100 onwards. That is why GPT-2 tokens are written `Ġthe` (Ġ = the space byte).
 * Our rank table stores raw bytes, so encoding never needs this; it is here for display.
 */
export function gpt2ByteToUnicode(): readonly string[] {
  if (byteToUnicodeTable) return byteToUnicodeTable;
  const table = new Array<string>(256);
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable(b) ? b : 256 + next++);
  }
  byteToUnicodeTable = table;
  return table;
}

/** A token's bytes in GPT-2's printable alphabet, e.g. ' the' → 'Ġthe'. */
export function showBytesGpt2(bytes: Uint8Array): string {
  const table = gpt2ByteToUnicode();
  let out = '';
  for (const b of bytes) out += table[b];
  return out;
}

/** Concatenate byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
