/**
 * Slack through a bot token (Web API): one message per conversation (a scan, or a ZDX alert),
 * kept current with `chat.update`, with a thread reply for each later result in the same
 * conversation. A retried notify step updates the message it already posted instead of posting
 * again: the message `ts` is stored in the {@link DeliveryLedger} as soon as Slack returns it.
 *
 * Conversation keys (overridable): a scan is `scan#<zcspm account>#<job>`, a follow-up scan
 * joins the conversation of the scan before it (`delta.previousJobId`), diagnostics and their
 * failures are `alert#<alert id>`, a scan failure joins its job's conversation when it has a
 * job; anything else is its own conversation.
 */
import * as z from 'zod';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  NotFoundError,
  RateLimitedError,
  ResponseShapeError,
  ServerError,
} from '../../core/errors.js';
import { parseBody } from '../../core/http/http-client.js';
import { silentLog, type Log } from '../../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from '../results.js';
import { markSentSafely, type DeliveryLedger } from '../delivery-ledger.js';
import { summaryLine } from '../render/plain-render.js';
import { postToSlack, type SlackHttpOptions } from './slack-http.js';
import { renderSlack, type SlackMessage, type SlackRenderOptions } from '../render/slack-render.js';
import { mrkdwn } from '../render/text.js';

export interface SlackBotCredentials {
  /** Bot token (`xoxb-...`). */
  readonly token: string;
  /** Channel id (preferred) or name to post to. */
  readonly channel: string;
}

export interface SlackBotNotifierOptions {
  /** Returns the token and channel (called per delivery; cache in the getter). */
  readonly credentials: () => Promise<SlackBotCredentials>;
  readonly ledger: DeliveryLedger;
  /** Web API base URL. Default `https://slack.com/api/`; tests point it at a local server. */
  readonly apiBaseUrl?: string;
  /** Groups results into one message + thread; see the module comment for the default. */
  readonly conversationKey?: (result: PipelineResult) => string;
  readonly render?: SlackRenderOptions;
  readonly http?: SlackHttpOptions;
  readonly log?: Log;
}

/** What the notifier sent in one delivery (the Web API bodies, without the token). */
export interface SlackBotPayload {
  readonly channel: string;
  readonly text: string;
  readonly blocks: SlackMessage['blocks'];
  /** Set when an existing message was updated. */
  readonly ts?: string;
  /** The thread reply posted for a later result in the same conversation. */
  readonly reply?: { readonly thread_ts: string; readonly text: string };
}

const SlackApiResponseSchema = z.lazy(() => z.looseObject({
  ok: z.boolean(),
  error: z.string().optional(),
  ts: z.string().optional(),
  channel: z.string().optional(),
}));

interface ThreadInfo {
  readonly channel: string;
  readonly ts: string;
  readonly rootKey: string;
}

/** The default conversation of a result (see the module comment). */
export function defaultConversationKey(result: PipelineResult): string | undefined {
  if (result.kind === 'scan') {
    const job = result.isFollowUp && result.delta.previousJobId ? result.delta.previousJobId : result.jobId;
    return `scan#${result.zcspmAccountId}#${job}`;
  }
  if (result.kind === 'diagnostics') return `alert#${result.alert.alertId}`;
  if (result.pipeline === 'diagnostics' && result.alertId) return `alert#${result.alertId}`;
  if (result.pipeline === 'scan' && result.zcspmAccountId && result.jobId) return `scan#${result.zcspmAccountId}#${result.jobId}`;
  return undefined;
}

export class SlackBotNotifier implements Notifier {
  readonly channel = 'slack' as const;
  private readonly options: SlackBotNotifierOptions;
  private readonly log: Log;
  private readonly baseUrl: string;

  constructor(options: SlackBotNotifierOptions) {
    this.options = options;
    this.log = options.log ?? silentLog;
    this.baseUrl = (options.apiBaseUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  }

  /**
   * Delivers once per `idempotencyKey`: the first result of a conversation posts its message;
   * later ones update it and add a thread reply; a retry of a delivery whose message was
   * posted updates that message rather than posting another.
   */
  async notify(result: PipelineResult, options: { idempotencyKey: string; signal?: AbortSignal; deadline?: number }): Promise<SentNotification> {
    const message = renderSlack(result, this.options.render);
    const key = `slack#${options.idempotencyKey}`;
    const { ledger } = this.options;
    if ((await ledger.claim(key)) === 'already-sent') {
      const sent = await ledger.lookup(key);
      this.log.info('Slack bot notification already sent', { idempotencyKey: options.idempotencyKey });
      return { channel: this.channel, payload: { channel: String(sent?.channel ?? ''), ...message, ...(sent?.ts ? { ts: String(sent.ts) } : {}) } };
    }
    try {
      const credentials = await this.options.credentials();
      const { payload, ts } = await this.deliver(result, message, options.idempotencyKey, credentials, options);
      await markSentSafely(ledger, key, { channel: payload.channel, ts }, this.log);
      this.log.info('Slack bot notification sent', { idempotencyKey: options.idempotencyKey, kind: result.kind, updated: Boolean(payload.ts) });
      return { channel: this.channel, payload };
    } catch (error) {
      await ledger.release(key).catch(() => undefined);
      throw error;
    }
  }

  private async deliver(
    result: PipelineResult,
    message: SlackMessage,
    idempotencyKey: string,
    credentials: SlackBotCredentials,
    options: { signal?: AbortSignal; deadline?: number },
  ): Promise<{ payload: SlackBotPayload; ts: string }> {
    const conversation = this.options.conversationKey?.(result) ?? defaultConversationKey(result) ?? `delivery#${idempotencyKey}`;
    const threadKey = `slack-thread#${conversation}`;
    const { ledger } = this.options;

    let thread = await this.thread(threadKey);
    if (!thread) {
      if ((await ledger.claim(threadKey)) === 'claimed') {
        try {
          const posted = await this.call('chat.postMessage', credentials, { channel: credentials.channel, ...message, unfurl_links: false, unfurl_media: false }, options);
          const info = { channel: posted.channel ?? credentials.channel, ts: requireTs(posted.ts, 'chat.postMessage'), rootKey: idempotencyKey };
          await markSentSafely(ledger, threadKey, info, this.log);
          return { payload: { channel: info.channel, ...message }, ts: info.ts };
        } catch (error) {
          await ledger.release(threadKey).catch(() => undefined);
          throw error;
        }
      }
      thread = await this.thread(threadKey);
      if (!thread) throw new ConfigError('The Slack conversation record is unreadable; delete it to start a new message');
    }

    try {
      await this.call('chat.update', credentials, { channel: thread.channel, ts: thread.ts, ...message }, options);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Someone deleted the message: start the conversation again.
      const posted = await this.call('chat.postMessage', credentials, { channel: credentials.channel, ...message, unfurl_links: false, unfurl_media: false }, options);
      const info = { channel: posted.channel ?? credentials.channel, ts: requireTs(posted.ts, 'chat.postMessage'), rootKey: idempotencyKey };
      await markSentSafely(ledger, threadKey, info, this.log);
      return { payload: { channel: info.channel, ...message }, ts: info.ts };
    }
    if (thread.rootKey === idempotencyKey) return { payload: { channel: thread.channel, ts: thread.ts, ...message }, ts: thread.ts };

    const replyText = `Update: ${mrkdwn(summaryLine(result), 2000)}`;
    await this.call('chat.postMessage', credentials, { channel: thread.channel, thread_ts: thread.ts, text: replyText, unfurl_links: false }, options);
    return { payload: { channel: thread.channel, ts: thread.ts, ...message, reply: { thread_ts: thread.ts, text: replyText } }, ts: thread.ts };
  }

  private async thread(threadKey: string): Promise<ThreadInfo | undefined> {
    const info = await this.options.ledger.lookup(threadKey);
    if (!info || typeof info.channel !== 'string' || typeof info.ts !== 'string' || typeof info.rootKey !== 'string') return undefined;
    return { channel: info.channel, ts: info.ts, rootKey: info.rootKey };
  }

  private async call(
    method: 'chat.postMessage' | 'chat.update',
    credentials: SlackBotCredentials,
    body: Record<string, unknown>,
    options: { signal?: AbortSignal; deadline?: number },
  ): Promise<z.infer<typeof SlackApiResponseSchema>> {
    const endpoint = `POST ${method}`;
    const reply = await postToSlack(
      { url: `${this.baseUrl}${method}`, endpoint, body, token: credentials.token, signal: options.signal, deadline: options.deadline },
      this.options.http,
    );
    // Parsed here rather than by the client, which retries a garbled 2xx: after any 2xx Slack may have posted.
    const parsed = parseBody(SlackApiResponseSchema, reply.text, endpoint, [credentials.token]);
    if (!parsed.ok) throw slackApiError(endpoint, reply.status, parsed.error ?? 'unknown_error');
    return parsed;
  }
}

/**
 * Maps a Web API `ok: false` error code to our error classes, so Step Functions retries the
 * transient ones (`ratelimited`, `internal_error`...) and surfaces the rest.
 */
export function slackApiError(endpoint: string, status: number, code: string): ApiError | ConfigError {
  const details = { status, endpoint, bodyExcerpt: code };
  const message = `${endpoint} failed: ${code}`;
  if (code === 'ratelimited' || code === 'rate_limited') return new RateLimitedError(message, details);
  if (['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'no_permission'].includes(code)) {
    return new AuthenticationError(message, details);
  }
  if (['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action'].includes(code)) {
    return new ConfigError(`${message} (check the bot's channel and its membership)`);
  }
  if (code === 'message_not_found' || code === 'cant_update_message') return new NotFoundError(message, details);
  if (['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(code)) return new ServerError(message, details);
  if (['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'too_many_attachments', 'invalid_arguments', 'no_text'].includes(code)) {
    return new BadRequestError(message, details);
  }
  return new ApiError(message, details);
}

function requireTs(ts: string | undefined, method: string): string {
  if (!ts) throw new ResponseShapeError(`POST ${method} answered ok without a message ts`, { endpoint: `POST ${method}`, fields: ['ts'] });
  return ts;
}
