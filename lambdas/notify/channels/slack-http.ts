/**
 * One POST to Slack (an incoming webhook or a Web API method) through the project's HttpClient,
 * with Slack's settings: four attempts, 429 waits for `Retry-After` however long the deadline
 * allows, and a 20 s budget when the caller gives no deadline. Slack allows about one message per
 * second per channel, so a burst of notifications meets 429s in normal operation.
 *
 * The URL (a webhook URL is a credential) and the bot token never appear in an error or a log:
 * errors name a fixed `endpoint` label, and both are secrets the client scrubs from every text.
 */
import * as z from 'zod';
import { HttpClient, type HttpClientOptions, type RawResponse } from '../../core/http/http-client.js';
import { systemClock } from '../../core/ports.js';

/** Tuning and test seams shared by the Slack notifiers. */
export interface SlackHttpOptions extends Pick<HttpClientOptions, 'dispatcher' | 'clock' | 'sleep' | 'random' | 'maxRetries' | 'timeoutMs'> {
  /** Budget for one call including retries when the caller gives no deadline. @default 20000 */
  readonly budgetMs?: number;
}

export interface SlackPost {
  readonly url: string;
  /** Safe label for errors, e.g. `POST slack-webhook` or `POST chat.update`. */
  readonly endpoint: string;
  readonly body: unknown;
  /** Bot token of a Web API call, sent as a bearer token. */
  readonly token?: string;
  readonly signal?: AbortSignal;
  /** Epoch ms after which no attempt starts and no wait ends. */
  readonly deadline?: number;
}

const WholeResponse = z.custom<RawResponse>();

/** Sends `post` until Slack answers 2xx (returned as received), a non-retryable status, or the budget is spent. */
export async function postToSlack(post: SlackPost, options: SlackHttpOptions = {}): Promise<RawResponse> {
  const { budgetMs = 20_000, maxRetries = 3, timeoutMs = 10_000, clock = systemClock, dispatcher, sleep, random } = options;
  const client = new HttpClient({
    baseUrl: post.url,
    maxRetries,
    timeoutMs,
    // Only the deadline bounds a Retry-After: Slack's per-channel limit clears within seconds.
    maxServerDelayMs: Infinity,
    clock,
    sleep,
    random,
    // undici's global dispatcher unless told otherwise: the sandbox answers Slack there (local/sandbox/aws-stand-ins.ts).
    dispatcher: dispatcher ?? (await import('../../core/http/agent.js')).getGlobalDispatcher(),
    sensitive: [post.url, new URL(post.url).pathname, post.token],
  });
  return client.request({
    method: 'POST',
    path: '',
    endpoint: post.endpoint,
    body: post.body,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(post.token ? { authorization: `Bearer ${post.token}` } : {}) },
    // A POST, but Slack asks callers to retry a 429 or a 5xx; a 2xx is never retried (`raw` accepts any body).
    idempotent: true,
    raw: true,
    schema: WholeResponse,
    signal: post.signal,
    deadline: post.deadline ?? clock.now() + budgetMs,
  });
}
