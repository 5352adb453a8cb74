/**
 * One POST to Slack (an incoming webhook or a Web API method) with the retries Slack asks for:
 * 429 waits for `Retry-After`, 5xx/408 and connection failures back off exponentially with
 * jitter, and nothing sleeps past the caller's deadline. Slack allows about one message per
 * second per channel, so a burst of notifications meets 429s in normal operation.
 *
 * The URL (a webhook URL is a credential) and the bearer token never appear in an error or a
 * log: errors name a fixed `endpoint` label instead, and connection errors are rebuilt without
 * their original text when it mentions the URL.
 */
import type { Dispatcher } from 'undici';
import { ApiError, ConnectionError, TimeoutError, excerpt } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports.js';

/** Tuning and test seams shared by the Slack notifiers. */
export interface SlackHttpOptions {
  /** undici dispatcher (an Agent with keep-alive in Lambda, a MockAgent in tests). */
  readonly dispatcher?: Dispatcher;
  readonly clock?: Clock;
  /** Waits between attempts; injectable so tests can record waits instead of sleeping. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1). */
  readonly random?: () => number;
  /** Attempts per call, including the first. Default 4. */
  readonly maxAttempts?: number;
  /** Budget for one call including retries when the caller gives no deadline. Default 20 s. */
  readonly budgetMs?: number;
  /** Timeout of one attempt. Default 10 s. */
  readonly attemptTimeoutMs?: number;
}

export interface SlackPost {
  readonly url: string;
  /** Safe label for errors, e.g. `POST slack-webhook` or `POST chat.update`. */
  readonly endpoint: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Epoch ms after which no attempt starts and no wait ends. */
  readonly deadline?: number;
}

export interface SlackReply {
  readonly status: number;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;

/** Sends `post` until Slack answers 2xx, a non-retryable status, or the budget is spent. */
export async function postToSlack(post: SlackPost, options: SlackHttpOptions = {}): Promise<SlackReply> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 4;
  const deadline = post.deadline ?? clock.now() + (options.budgetMs ?? 20_000);
  const body = JSON.stringify(post.body);

  for (let attempt = 1; ; attempt += 1) {
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw new TimeoutError(`${post.endpoint} ran out of time before Slack accepted the message`, { endpoint: post.endpoint });
    const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.5 + random() / 2);
    let reply: SlackReply;
    try {
      reply = await send(post, body, Math.min(remaining, options.attemptTimeoutMs ?? 10_000), options.dispatcher);
    } catch (error) {
      if (post.signal?.aborted) throw post.signal.reason ?? error;
      const failure = connectionFailure(error, post);
      if (attempt >= maxAttempts || clock.now() + backoff > deadline) throw failure;
      await sleep(backoff, post.signal);
      continue;
    }
    if (reply.status >= 200 && reply.status < 300) return reply;

    const retryAfterSeconds = reply.status === 429 ? parseRetryAfter(reply.headers['retry-after'], clock.now()) : undefined;
    const error = ApiError.fromResponse({
      status: reply.status,
      endpoint: post.endpoint,
      bodyExcerpt: excerpt(reply.text),
      retryAfterSeconds,
      requestId: header(reply.headers, 'x-slack-req-id'),
    });
    const retryable = reply.status === 429 || reply.status === 408 || reply.status >= 500;
    const wait = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoff;
    if (!retryable || attempt >= maxAttempts || clock.now() + wait > deadline) throw error;
    await sleep(wait, post.signal);
  }
}

async function send(post: SlackPost, body: string, timeoutMs: number, dispatcher: Dispatcher | undefined): Promise<SlackReply> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = post.signal ? AbortSignal.any([post.signal, timeout]) : timeout;
  // Loaded on first use: only Slack-enabled deployments pay for undici at cold start. undici's
  // `request` through ../http/agent.ts rather than its index (`import('undici')`), ~270 KB more.
  const { requestUrl } = await import('../../core/http/agent.js');
  const response = await requestUrl(
    post.url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...post.headers },
      body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    },
    dispatcher,
  );
  const text = await response.body.text();
  return { status: response.statusCode, text, headers: response.headers };
}

function connectionFailure(error: unknown, post: SlackPost): Error {
  const raw = error instanceof Error ? error : new Error(String(error));
  const code = (raw as { code?: unknown }).code;
  const label = typeof code === 'string' ? code : raw.name;
  const timedOut = raw.name === 'TimeoutError' || raw.name === 'AbortError' || label === 'UND_ERR_HEADERS_TIMEOUT' || label === 'UND_ERR_BODY_TIMEOUT';
  // The original error may quote the URL (which holds the webhook secret): keep only its code.
  const cause = Object.assign(new Error(redact(raw.message, post.url)), { name: raw.name, code });
  if (timedOut) return new TimeoutError(`${post.endpoint} timed out (${label})`, { endpoint: post.endpoint }, { cause });
  return new ConnectionError(`${post.endpoint} failed before Slack answered (${label})`, { endpoint: post.endpoint }, { cause });
}

function redact(message: string, url: string): string {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  let out = message.split(url).join('[redacted-url]');
  if (path.length > 1) out = out.split(path).join('[redacted-path]');
  return out;
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date); undefined when absent or unusable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw.trim());
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

function header(headers: SlackReply['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
