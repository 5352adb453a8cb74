/**
 * String safety for everything the notifiers send. Report fields carry user-controlled text
 * (stack names, alert rule names, device names, error messages); these helpers make it inert
 * before it reaches Slack mrkdwn, an email subject or a JSON body.
 *
 * Lengths are counted in UTF-16 code units (what `String#length`, Slack and JSON size checks
 * see), and cuts always fall between code points, so a surrogate pair or an escape sequence
 * such as `&amp;` is never split.
 */

/** Appended where text was cut. One code unit, so limits stay easy to reason about. */
export const ELLIPSIS = '…';

// C0/C1 controls except tab/newline/CR (handled separately), bidi overrides and isolates
// (trojan-source spoofing), BOM and interlinear annotation marks.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFF9-\uFFFB]/g;
const LINE_BREAKS = /[\t\r\n\u0085\u2028\u2029]+/g;

/**
 * Removes control, bidi and other invisible formatting characters and replaces lone
 * surrogates with U+FFFD. Keeps `\n` (normalising `\r\n`/`\r`) only when `multiline` is set;
 * otherwise every line break or tab becomes one space.
 */
export function cleanText(value: string, options: { multiline?: boolean } = {}): string {
  const wellFormed = value.toWellFormed();
  if (options.multiline) {
    return wellFormed
      .replace(/\r\n?|\u0085|\u2028|\u2029/g, '\n')
      .replace(/\t/g, ' ')
      .replace(INVISIBLE, '');
  }
  return wellFormed.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
}

/**
 * Cuts `value` to at most `max` code units, ending with {@link ELLIPSIS} when it was cut.
 * Never splits a surrogate pair.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  // Step back when the cut would fall between the two halves of a surrogate pair.
  if (end > 0 && isHighSurrogate(value.charCodeAt(end - 1)) && isLowSurrogate(value.charCodeAt(end))) end -= 1;
  return value.slice(0, end) + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwnChar(char: string): string {
  if (char === '&') return '&amp;';
  if (char === '<') return '&lt;';
  if (char === '>') return '&gt;';
  return char;
}

// `@channel` / `@here` / `@everyone` are turned into mentions by clients that enable
// `link_names`; a word joiner after the `@` keeps them readable but inert. No word boundary is
// required after the word: `@channel0` is harmless as it stands, but a later cut that drops the
// `0` would turn it into a live `@channel`, so every occurrence is defused before any cut.
const BROADCAST_WORDS = /@(channel|here|everyone|group)/gi;

/**
 * Makes a user-controlled string safe inside Slack mrkdwn: cleans it ({@link cleanText}),
 * escapes `&`, `<` and `>` so `<!channel>`, `<@U123>` and `<http://evil|x>` render as text,
 * defuses plain `@channel`-style broadcasts, and cuts the *escaped* result to `max` code units
 * without splitting an entity or a surrogate pair.
 */
export function mrkdwn(value: string, max = Number.POSITIVE_INFINITY, options: { multiline?: boolean } = {}): string {
  const cleaned = cleanText(precut(value, max), options).replace(BROADCAST_WORDS, '@\u2060$1');
  return fitPieces(cleaned, max, escapeMrkdwnChar);
}

/**
 * Like {@link mrkdwn}, wrapped in a backtick code span (`max` includes the backticks); backticks
 * inside become a look-alike so the span cannot be closed early. Empty text gives ''.
 */
export function mrkdwnCode(value: string, max = Number.POSITIVE_INFINITY): string {
  const inner = mrkdwn(value.replace(/`/g, 'ˋ'), max - 2).trim();
  return inner ? `\`${inner}\`` : '';
}

/**
 * For Slack `plain_text` objects (headers, button labels): Slack shows them literally, so
 * entities would appear as `&lt;`; angle brackets become look-alike quotes instead, which
 * keeps the text readable and free of `<!`/`<@` sequences.
 */
export function plainText(value: string, max = Number.POSITIVE_INFINITY): string {
  const cleaned = cleanText(precut(value, max)).replace(/</g, '‹').replace(/>/g, '›');
  return truncate(cleaned, max);
}

/**
 * ASCII-only rendering for SNS email subjects (which must be ASCII, without line breaks or
 * control characters): accents are folded (`é` -> `e`), other characters become `?`.
 */
export function asciiText(value: string, max = Number.POSITIVE_INFINITY): string {
  const folded = cleanText(precut(value, max))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/…/g, '...');
  let out = '';
  for (const char of folded) {
    out += char >= ' ' && char <= '~' ? char : '?';
  }
  out = out.replace(/\?{2,}/g, '?');
  if (out.length <= max) return out;
  return max < 3 ? out.slice(0, Math.max(0, max)) : `${out.slice(0, max - 3)}...`;
}

/** Cuts a string so its UTF-8 encoding fits `maxBytes`, on a code point boundary. */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (utf8Length(value) <= maxBytes) return value;
  let budget = maxBytes - utf8Length(ELLIPSIS);
  let out = '';
  for (const char of value) {
    const size = utf8Length(char);
    if (size > budget) break;
    out += char;
    budget -= size;
  }
  return budget >= 0 ? out + ELLIPSIS : '';
}

/** Byte length of the UTF-8 encoding of `value`. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * Returns `url` when it is an absolute http(s) URL, normalised by the WHATWG parser (which
 * percent-encodes `<`, `>`, spaces and quotes) and with `|` encoded so it cannot end a Slack link
 * early; `undefined` for anything else (javascript:, relative, too long).
 */
export function safeUrl(url: string | undefined, maxLength = 3000): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const href = parsed.href.replace(/\|/g, '%7C');
  return href.length <= maxLength ? href : undefined;
}

/** A Slack mrkdwn link `<url|label>`; `&` in the URL is entity-encoded as Slack expects. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${url.replace(/&/g, '&amp;')}|${mrkdwn(label)}>`;
}

// Very long inputs (a 1 MB stack name) are cut before cleaning so the work stays bounded; the
// margin leaves room for characters that cleaning removes.
function precut(value: string, max: number): string {
  const cap = max * 2 + 1024;
  return Number.isFinite(max) && value.length > cap ? value.slice(0, cap) : value;
}

function fitPieces(value: string, max: number, map: (char: string) => string): string {
  let total = 0;
  let fits = true;
  for (const char of value) {
    total += map(char).length;
    if (total > max) {
      fits = false;
      break;
    }
  }
  if (fits) {
    let out = '';
    for (const char of value) out += map(char);
    return out;
  }
  if (max <= 0) return '';
  return takeWithin(value, max - ELLIPSIS.length, map) + ELLIPSIS;
}

function takeWithin(value: string, budget: number, map: (char: string) => string): string {
  let out = '';
  for (const char of value) {
    const piece = map(char);
    if (out.length + piece.length > budget) break;
    out += piece;
  }
  return out;
}
