/**
 * Finds secret values in captured output: the simulator's credentials, the sandbox Slack webhook,
 * bearer credentials and every token the simulator issues (all are JWTs). Used by the security checks of the sandbox and fault-campaign tests.
 */
import { SANDBOX_SLACK_WEBHOOK } from '../../../local/sandbox/aws-stand-ins.js';
import { SIMULATOR_CREDENTIALS } from '../../../local/simulator/index.js';

/** Literal secret values of local runs (key ids and license ids are identifiers, not secrets). */
export const KNOWN_SECRETS: Readonly<Record<string, string>> = {
  'ZDX key secret': SIMULATOR_CREDENTIALS.zdx.keySecret,
  'ZDX OneAPI client secret': SIMULATOR_CREDENTIALS.oneApi.clientSecret,
  'ZCSPM application secret': SIMULATOR_CREDENTIALS.zcspm.applicationSecret,
  'ZCSPM subscription key': SIMULATOR_CREDENTIALS.zcspm.subscriptionKey,
  'Slack webhook URL': SANDBOX_SLACK_WEBHOOK,
  // The path of a Slack webhook URL is its credential, even without the host.
  'Slack webhook path': new URL(SANDBOX_SLACK_WEBHOOK).pathname.replace('/services/', ''),
};

/** Shapes of secrets whose values are minted at run time. */
export const SECRET_PATTERNS: Readonly<Record<string, RegExp>> = {
  // Every ZDX and ZCSPM token the simulator mints is a JWT (header.payload.signature).
  'issued token (JWT)': /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  // The diagnostics harness's per-run webhook bearer credential.
  'webhook bearer credential': /local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
};

/** One secret found in one captured text. */
export interface SecretFinding {
  readonly secret: string;
  readonly source: string;
  readonly excerpt: string;
}

/** Every secret (known value, pattern, or one of `extra`) that appears in `texts`. */
export function findSecrets(texts: ReadonlyArray<{ source: string; text: string }>, extra: Readonly<Record<string, string>> = {}): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const literals = { ...KNOWN_SECRETS, ...extra };
  for (const { source, text } of texts) {
    for (const [secret, value] of Object.entries(literals)) {
      const at = value ? text.indexOf(value) : -1;
      if (at >= 0) findings.push({ secret, source, excerpt: text.slice(Math.max(0, at - 60), at + 20) });
    }
    for (const [secret, pattern] of Object.entries(SECRET_PATTERNS)) {
      const match = pattern.exec(text);
      if (match) findings.push({ secret, source, excerpt: text.slice(Math.max(0, match.index - 60), match.index + 20) });
    }
  }
  return findings;
}

/** Captures every write to process.stdout / process.stderr (Powertools logger output included) until `stop()`. */
export function captureProcessOutput(): { readonly texts: Array<{ source: string; text: string }>; stop(): void } {
  const texts: Array<{ source: string; text: string }> = [];
  const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const capture =
    (source: 'stdout' | 'stderr') =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      texts.push({ source: `process.${source}`, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8') });
      const callback = rest.find((value): value is () => void => typeof value === 'function');
      callback?.();
      return true;
    };
  process.stdout.write = capture('stdout') as typeof process.stdout.write;
  process.stderr.write = capture('stderr') as typeof process.stderr.write;
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const consoleOriginals = consoleMethods.map((method) => [method, console[method]] as const);
  for (const method of consoleMethods) {
    console[method] = (...args: unknown[]) => {
      texts.push({ source: `console.${method}`, text: args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ') });
    };
  }
  return {
    texts,
    stop() {
      process.stdout.write = originals.stdout as typeof process.stdout.write;
      process.stderr.write = originals.stderr as typeof process.stderr.write;
      for (const [method, original] of consoleOriginals) console[method] = original;
    },
  };
}

/** JSON of any value, with errors' name, message and stack. */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Error ? { name: inner.name, message: inner.message, stack: inner.stack, cause: inner.cause } : inner)) ?? String(value);
  } catch {
    return String(value);
  }
}
