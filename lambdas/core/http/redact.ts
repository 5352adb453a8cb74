/**
 * Removes credentials from text before it goes into an error message, a log line or an excerpt.
 *
 * Two layers: known secret values (exact matches, the strongest guarantee) and patterns that catch
 * secrets we were never told about (bearer tokens, JWTs, secret-named JSON fields, headers and query
 * parameters). Redact the whole text BEFORE truncating it, so a cut can never leave half a secret.
 */

/** What every redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Key names whose values are secrets: matched case-insensitively as a substring of the key. */
const SECRET_KEY = String.raw`[\w.-]*(?:secret|token|password|passwd|authorization|subscription-key|api[-_]?key|credential|signature)[\w.-]*`;

const PATTERNS: ReadonlyArray<[RegExp, string | ((...groups: string[]) => string)]> = [
  // "key_secret": "..."  /  "Secret":"..."  /  'token': '...'
  // (also when the body was cut off before the closing quote)
  [new RegExp(String.raw`(["'])(${SECRET_KEY})\1(\s*:\s*)(["'])(?:\\.|(?!\4).)*(?:\4|$)`, 'gi'), `$1$2$1$3$4${REDACTED}$4`],
  // "expires": 12 style values are not secrets, but "token": 12345 (a numeric secret) is.
  [new RegExp(String.raw`(["'])(${SECRET_KEY})\1(\s*:\s*)(-?\d[\d.eE+-]*)`, 'gi'), `$1$2$1$3"${REDACTED}"`],
  // Authorization: Bearer xxx  /  Ocp-Apim-Subscription-Key: xxx  (header-style lines)
  [
    /\b(authorization|ocp-apim-subscription-key|x-api-key|api-key)(\s*[:=]\s*)(?:(bearer|basic)\s+)?[^\s,;"'&]+/gi,
    (_, name: string, separator: string, scheme: string | undefined) => `${name}${separator}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  // A bearer credential anywhere else.
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key_secret=...&token=... in query strings or form bodies.
  [new RegExp(String.raw`([?&\s]|^)(${SECRET_KEY})=([^&\s"']+)`, 'gi'), `$1$2=${REDACTED}`],
  // Anything shaped like a JWT, whole or cut off.
  [/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}/g, REDACTED],
];

/** Secrets shorter than this are not replaced by value: a 2-character "secret" would shred the text. */
const MIN_KNOWN_SECRET_LENGTH = 6;

/**
 * Returns `text` with every known secret value and every secret-looking pattern replaced by
 * {@link REDACTED}. `knownSecrets` are exact values (credentials, current tokens) the caller holds.
 */
export function redactSecrets(text: string, knownSecrets: Iterable<string | undefined> = []): string {
  let result = text;
  const values = [...knownSecrets]
    .filter((value): value is string => typeof value === 'string' && value.length >= MIN_KNOWN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const value of values) {
    result = result.split(value).join(REDACTED);
    // A secret can also appear JSON-escaped or URL-encoded in a body.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) result = result.split(encoded).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) {
    // Two calls because TypeScript picks a replace() overload by the argument's static type.
    result = typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}
