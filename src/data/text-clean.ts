/**
 * Turning the text of an e-mail part into plain, normalised text: HTML to text, HTML entities,
 * and the clean-up of characters that 2002-era mail mangles (control characters, zero-width
 * characters, U+FFFD where 8-bit bytes were read as UTF-8).
 *
 * Regular expressions rather than an HTML parser: spam HTML is so broken that a real parser
 * gains little, and this way the whole cleaning fits on one screen and has no dependency.
 */

// HTML 4's Latin-1 entities, U+00A0 … U+00FF in order, so one string gives 96 entries.
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn ' +
  'sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute ' +
  'Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde ' +
  'Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave ' +
  'aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ' +
  'ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');

const ENTITIES = new Map<string, string>([
  ...LATIN1_NAMES.map((name, i): [string, string] => [name, String.fromCodePoint(0xa0 + i)]),
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"],
  ['euro', '€'], ['trade', '™'], ['bull', '•'], ['hellip', '…'], ['mdash', '—'], ['ndash', '–'],
  ['lsquo', '‘'], ['rsquo', '’'], ['ldquo', '“'], ['rdquo', '”'], ['sbquo', '‚'], ['bdquo', '„'],
  ['dagger', '†'], ['permil', '‰'], ['larr', '←'], ['rarr', '→'], ['hearts', '♥'], ['emsp', ' '],
  ['ensp', ' '], ['thinsp', ' '], ['zwnj', ''], ['zwj', ''],
]);

// Windows-1252's bytes 0x80–0x9F (the rest of it is Latin-1). Written out because Node 20's
// TextDecoder('windows-1252') decodes them as Latin-1's C1 controls: 0x99 gives U+0099, not ™.
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Decode Windows-1252 (which mail labelled "iso-8859-1" almost always meant). */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
  return out;
}

function codePointToText(code: number): string {
  // Numeric references in 128–159 are C1 controls in Unicode, but HTML of that time meant
  // Windows-1252 by them (&#146; is a right single quote), as browsers still do.
  if (code >= 0x80 && code <= 0x9f) return CP1252_80_9F[code - 0x80];
  if (code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '';
  return String.fromCodePoint(code);
}

/**
 * Replace character references: `&amp;`, `&eacute;`, `&#233;`, `&#xE9;`. Unknown names are
 * left as they are (they are more often a bare `&` in a URL than a real entity). The `;` is
 * optional for known names because much spam HTML omits it (`&nbsp`).
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});?/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      return codePointToText(parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return ENTITIES.get(ref) ?? ENTITIES.get(ref.toLowerCase()) ?? whole;
  });
}

const BLOCK_TAGS = 'br|p|div|tr|table|tbody|thead|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|center|hr|pre|form|title|body|html';

/**
 * HTML to plain text. Drops comments (spammers hide words in them: `V<!-- x -->iagra`),
 * `<head>`, `<script>` and `<style>` with their content; turns block-level tags into line
 * breaks and table cells into spaces; removes all other tags; decodes entities. The result
 * still needs `normalizeText`.
 */
export function htmlToText(html: string): string {
  return decodeHtmlEntities(
    html
      .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
      .replace(/<(head|script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(new RegExp(`<\\/?(?:${BLOCK_TAGS})\\b[^>]*>`, 'gi'), '\n')
      .replace(/<\/?(?:td|th)\b[^>]*>/gi, ' ')
      .replace(/<\/?[A-Za-z!?][^>]*>/g, ''),
  );
}

/** Heuristic for parts labelled text/plain that are really HTML (common in spam). */
export function looksLikeHtml(text: string): boolean {
  return /<(?:html|body)\b/i.test(text) || (text.match(/<\/?(?:p|br|font|div|td|a)\b[^>]*>/gi)?.length ?? 0) >= 5;
}

/**
 * Normalise text that may contain broken characters, keeping its line structure:
 * - Unicode NFC, so that "é" is one code point whichever way the mail composed it;
 * - drop U+FFFD (8-bit bytes that the dataset package read as UTF-8 cannot be recovered),
 *   zero-width characters, soft hyphens and control characters;
 * - tabs and exotic spaces become plain spaces; runs of spaces become one; lines are trimmed;
 * - at most one blank line in a row; no leading or trailing whitespace.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\ufffd\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `normalizeText`, then everything on one line (for subjects and dedupe keys). */
export function normalizeLine(text: string): string {
  return normalizeText(text).replace(/\s+/g, ' ');
}
