/**
 * Writes the result as one structured log line (CloudWatch Logs Insights can query it). On by
 * default, so a result is never only in memory. Logging twice on a retry is harmless, so it
 * keeps no ledger. A result too big for one log event (CloudWatch caps events at 256 KB) is
 * logged trimmed, with its counts complete.
 */
import type { Log } from '../../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from '../results.js';
import { fitResultJson } from '../render/fit-json.js';
import { summaryLine } from '../render/plain-render.js';
import { resultAwsAccount, resultOutcome, resultSeverity } from '../render/result-facts.js';

const MAX_LOGGED_RESULT_BYTES = 200 * 1024;

export class LogNotifier implements Notifier {
  readonly channel = 'log' as const;
  private readonly log: Log;

  constructor(options: { log: Log }) {
    this.log = options.log;
  }

  /** Logs `{ summary, kind, severity, outcome, awsAccount, idempotencyKey, result }` at info. */
  async notify(result: PipelineResult, options: { idempotencyKey: string }): Promise<SentNotification> {
    const payload = {
      summary: summaryLine(result),
      kind: result.kind,
      severity: resultSeverity(result),
      outcome: resultOutcome(result),
      awsAccount: resultAwsAccount(result),
      idempotencyKey: options.idempotencyKey,
      result: fitResultJson(result, MAX_LOGGED_RESULT_BYTES)?.value ?? { kind: result.kind, truncated: { note: 'Too large to log' } },
    };
    this.log.info('Pipeline result', payload);
    return { channel: this.channel, payload };
  }
}
