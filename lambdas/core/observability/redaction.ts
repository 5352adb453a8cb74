/**
 * Redaction of secrets from anything that leaves the process: log lines, error messages, CLI output.
 *
 * Two layers:
 * - values: every secret value fetched at runtime is registered (the secrets provider does it), and
 *   every occurrence of a registered value in any text is replaced by `[REDACTED]`;
 * - keys: values under known secret-bearing keys (authorization, token, key_secret, secret,
 *   webhookUrl, bearerToken, password, ...) are replaced whatever they contain, plus a few patterns
 *   (`Bearer <token>`, Slack webhook URLs, `key_secret=` in query strings) that give a secret away
 *   even when it was never registered.
 *
 * The registry is per container (module level), like the secrets it protects.
 */

/** The replacement for every redacted value. */
export const REDACTED = '[REDACTED]';

/** Values shorter than this are not registered: redacting "1" or "ab" everywhere would shred logs. */
const MIN_SECRET_LENGTH = 6;

/** Normalized (lower case, no `_`/`-`) keys whose values are always secret. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'bearertoken',
  'bottoken',
  'keysecret',
  'secret',
  'clientsecret',
  'applicationsecret',
  'appsecret',
  'subscriptionkey',
  'ocpapimsubscriptionkey',
  'xsubscriptionkey',
  'apikey',
  'xapikey',
  'password',
  'webhookurl',
  'secretstring',
]);

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/https:\/\/hooks\.slack\.com\/[^\s"'<>]+/gi, REDACTED],
  [/\b(key_secret|keySecret|client_secret|password|token)=[^&\s"']+/gi, `$1=${REDACTED}`],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
];

const registered = new Set<string>();
/** Longest first, so a secret that contains another is replaced whole. */
let ordered: string[] = [];

/** True when `key` (any case, `_` or `-` separated) always holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/** Registers a secret value so {@link redact} removes it from every later output. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  ordered = [...registered].sort((a, b) => b.length - a.length);
}

/** Registers every string leaf of a parsed secret (objects and arrays walked recursively). */
export function registerSecretValues(value: unknown): void {
  if (typeof value === 'string') registerSecret(value);
  else if (Array.isArray(value)) value.forEach(registerSecretValues);
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach(registerSecretValues);
}

/** Forgets every registered value. For tests only. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  ordered = [];
}

/** Replaces registered secret values and secret-looking patterns in `text`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Returns a copy of `value` with secret keys' values replaced and every string redacted. Errors
 * become `{ name, message, stack }` with redacted text. Cycles are cut.
 */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message), stack: value.stack ? redact(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((member) => redactValue(member, seen));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] = isSecretKey(key) && member !== undefined && member !== null ? REDACTED : redactValue(member, seen);
  }
  return out;
}

/**
 * A `JSON.stringify` replacer that redacts as it serializes (used by the logger for every line):
 * values under secret keys become `[REDACTED]`, strings are redacted.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redact(value);
  return value;
}
