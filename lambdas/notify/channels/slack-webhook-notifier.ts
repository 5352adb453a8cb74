/**
 * Slack through an incoming webhook: one message per result, posted once per idempotency key.
 * The webhook URL is a credential (anyone holding it can post), so it is fetched through a
 * getter (Secrets Manager in Lambda) and never logged or put in an error.
 */
import { ConfigError } from '../../core/errors.js';
import { silentLog, type Log } from '../../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from '../results.js';
import { deliverOnce, type DeliveryLedger } from '../delivery-ledger.js';
import { postToSlack, type SlackHttpOptions } from './slack-http.js';
import { renderSlack, type SlackRenderOptions } from '../render/slack-render.js';

export interface SlackWebhookNotifierOptions {
  /** Returns the webhook URL (called per delivery; cache in the getter). */
  readonly webhookUrl: () => Promise<string>;
  readonly ledger: DeliveryLedger;
  readonly render?: SlackRenderOptions;
  readonly http?: SlackHttpOptions;
  readonly log?: Log;
}

export class SlackWebhookNotifier implements Notifier {
  readonly channel = 'slack' as const;
  private readonly options: SlackWebhookNotifierOptions;
  private readonly log: Log;

  constructor(options: SlackWebhookNotifierOptions) {
    this.options = options;
    this.log = options.log ?? silentLog;
  }

  /**
   * Posts the rendered result unless a delivery under `idempotencyKey` already completed.
   * Returns the message body either way (it is deterministic, so it is what was sent).
   */
  async notify(result: PipelineResult, options: { idempotencyKey: string; signal?: AbortSignal; deadline?: number }): Promise<SentNotification> {
    const message = renderSlack(result, this.options.render);
    const outcome = await deliverOnce(
      this.options.ledger,
      `slack#${options.idempotencyKey}`,
      async () => {
        const url = await this.webhookUrl();
        const reply = await postToSlack(
          { url, endpoint: 'POST slack-webhook', body: message, signal: options.signal, deadline: options.deadline },
          this.options.http,
        );
        return { status: reply.status };
      },
      this.log,
    );
    this.log.info('Slack webhook notification', { idempotencyKey: options.idempotencyKey, kind: result.kind, outcome });
    return { channel: this.channel, payload: message };
  }

  private async webhookUrl(): Promise<string> {
    const url = (await this.options.webhookUrl()).trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new ConfigError('The Slack webhook URL is not an http(s) URL (value not shown)');
    }
    return url;
  }
}
