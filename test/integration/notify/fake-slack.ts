/**
 * A local HTTP server standing in for Slack: incoming webhooks under `/services/...` and the
 * Web API methods `chat.postMessage` and `chat.update` under `/api/...`. It records every
 * request, keeps the messages it accepted, and answers scripted replies first when given.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackBotNotifier } from '../../../lambdas/notify/channels/slack-bot-notifier.js';
import type { SlackHttpOptions } from '../../../lambdas/notify/channels/slack-http.js';
import type { DeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface ScriptedReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body: unknown;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks: unknown;
  readonly threadTs?: string;
  updates: number;
}

export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Messages accepted through the Web API, by ts, plus the bodies accepted through webhooks. */
  readonly messages: Map<string, StoredMessage>;
  readonly webhookPosts: Array<Record<string, unknown>>;
  /** Replies for the next requests, in order, before the default behaviour resumes. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const requests: RecordedRequest[] = [];
  const messages = new Map<string, StoredMessage>();
  const webhookPosts: Array<Record<string, unknown>> = [];
  const scripted: ScriptedReply[] = [];
  let nextTs = 1;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        body = { unparsed: raw };
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = scripted.shift() ?? defaultReply(req.url ?? '', body);
      res.writeHead(reply.status, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });

  function defaultReply(path: string, body: Record<string, unknown>): ScriptedReply {
    if (path.startsWith('/services/')) {
      webhookPosts.push(body);
      return { status: 200, body: 'ok' };
    }
    if (path === '/api/chat.postMessage') {
      const ts = `1700000000.${String(nextTs++).padStart(6, '0')}`;
      const channel = String(body.channel);
      messages.set(ts, { channel, ts, text: String(body.text), blocks: body.blocks, threadTs: body.thread_ts as string | undefined, updates: 0 });
      return { status: 200, body: { ok: true, channel: channel === 'alerts' ? 'C0ALERTS' : channel, ts } };
    }
    if (path === '/api/chat.update') {
      const message = messages.get(String(body.ts));
      if (!message) return { status: 200, body: { ok: false, error: 'message_not_found' } };
      message.text = String(body.text);
      message.blocks = body.blocks;
      message.updates += 1;
      return { status: 200, body: { ok: true, channel: message.channel, ts: message.ts } };
    }
    return { status: 404, body: 'no_service' };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    webhookPosts,
    script: (...replies) => void scripted.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A fresh fake Slack for each test of the calling file (or describe block), closed after it. Read its
 * fields inside tests and hooks, never at module level (they are empty until the server runs).
 */
export function useFakeSlack(): FakeSlack {
  const slack = {} as FakeSlack;
  beforeEach(async () => {
    Object.assign(slack, await startFakeSlack());
  });
  afterEach(async () => {
    await slack.close();
  });
  return slack;
}

/** The Slack HTTP options of these tests: waits recorded in `waits`, never slept; backoffs at 0.75 of their ceiling (375 ms, 750 ms...). */
export function slackTestHttp(overrides: SlackHttpOptions = {}): { waits: number[]; http: SlackHttpOptions } {
  const { waits, sleep } = recordingSleep();
  return { waits, http: { sleep, random: () => 0.75, ...overrides } };
}

/** A bot notifier posting to the channel `alerts` through `slack`'s Web API. */
export function slackBotNotifier(slack: FakeSlack, ledger: DeliveryLedger, token = 'xoxb-test'): { instance: SlackBotNotifier; waits: number[] } {
  const { waits, http } = slackTestHttp();
  const instance = new SlackBotNotifier({ credentials: async () => ({ token, channel: 'alerts' }), ledger, apiBaseUrl: `${slack.url}/api`, http });
  return { instance, waits };
}

/** Records requested waits instead of sleeping, so retry tests are instant and deterministic. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}
