/**
 * Sends a result to every channel whose route accepts it (see `settings.ts`), each once per
 * idempotency key. Channels are independent: one failing channel does not stop the others,
 * and the step's retry only re-sends to the channels that did not complete (the others find
 * their delivery in the ledger).
 */
import { ConfigError, ZscalerError } from '../core/errors.js';
import { silentLog, type Log } from '../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from './results.js';
import { CHANNEL_KEYS, selectChannels, type ChannelKey, type NotificationSettings } from './settings.js';

/** One notifier per configured channel key. */
export type ChannelNotifiers = Partial<Record<ChannelKey, Notifier>>;

export interface DeliverOptions {
  /**
   * Identifies this notify step, e.g. the Step Functions execution id. The router adds the
   * result kind and each notifier its channel, so the ledger key is per execution, kind and channel.
   */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
  /** Epoch ms; Slack waits (429 Retry-After) never go past it. */
  readonly deadline?: number;
}

export interface NotificationRouter {
  /**
   * Delivers `result` to its channels and returns what each sent, in channel order. When a
   * channel fails, the others still run; then the first retryable error is thrown (else the
   * first error) so the step is retried.
   */
  deliver(result: PipelineResult, options: DeliverOptions): Promise<SentNotification[]>;
  /** The channel keys `result` would go to (for dry runs and the sandbox). */
  channelsFor(result: PipelineResult): ChannelKey[];
}

/**
 * Builds a router. Throws {@link ConfigError} when an enabled channel has no notifier.
 * Notifiers for channels that are not enabled are ignored.
 */
export function createNotificationRouter(settings: NotificationSettings, deps: { notifiers: ChannelNotifiers; log?: Log }): NotificationRouter {
  const log = deps.log ?? silentLog;
  for (const key of CHANNEL_KEYS) {
    if (settings[key]?.enabled && !deps.notifiers[key]) {
      throw new ConfigError(`Notification channel "${key}" is enabled in the settings but no notifier was provided for it`);
    }
  }

  return {
    channelsFor: (result) => selectChannels(settings, result),

    async deliver(result, options) {
      const channels = selectChannels(settings, result);
      const key = `${options.idempotencyKey}#${result.kind}`;
      // `deadline` is an extension the Slack notifiers read; the Notifier contract ignores it.
      const notifyOptions = { idempotencyKey: key, signal: options.signal, deadline: options.deadline };
      const outcomes = await Promise.allSettled(channels.map((channel) => deps.notifiers[channel]!.notify(result, notifyOptions)));
      const sent: SentNotification[] = [];
      const failures: Array<{ channel: ChannelKey; error: unknown }> = [];
      outcomes.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') {
          if (outcome.value) sent.push(outcome.value);
        } else {
          failures.push({ channel: channels[index]!, error: outcome.reason });
        }
      });
      for (const failure of failures) {
        const error = failure.error instanceof Error ? failure.error : new Error(String(failure.error));
        log.error('Notification channel failed', { channel: failure.channel, idempotencyKey: options.idempotencyKey, error: { name: error.name, message: error.message } });
      }
      if (failures.length > 0) {
        const retryable = failures.find((f) => f.error instanceof ZscalerError && f.error.retryable);
        throw (retryable ?? failures[0]!).error;
      }
      log.info('Notifications delivered', { idempotencyKey: options.idempotencyKey, kind: result.kind, channels });
      return sent;
    },
  };
}
