/**
 * Notify (result or failure), then finish the window: the last step of every scan.
 *
 * One step for both outcomes, so the follow-up decision happens in one place whatever happened to
 * the scan: deployments that landed while it ran get exactly one follow-up scan even when this
 * scan (or its notification) failed. Safe to retry: deliveries are idempotent per execution,
 * window and channel, and finishing a window is idempotent.
 */
import * as z from 'zod';
import { systemClock, type Clock, type Log } from '../../core/ports.js';
import { ScanReportSchema, type PipelineResult, type SentNotification } from '../../notify/results.js';
import { buildFailureReport } from './failure-report.js';
import { finishWindow } from './finish-window.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { ResultDelivery } from '../ports.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import type { ScanSettings } from '../settings.js';
import { FailureInputSchema, WindowStateSchema, type WindowState } from '../domain/workflow-state.js';

/** Input of the NotifyResult and NotifyFailure states: the mode and the whole state. */
export const NotifyInputSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('result'),
    state: z.object({ window: WindowStateSchema, report: ScanReportSchema, executionId: z.string().optional() }),
  }),
  z.object({ mode: z.literal('failure'), state: FailureInputSchema }),
]);
export type NotifyInput = z.infer<typeof NotifyInputSchema>;

/** Output (`$.next`): where the execution goes next, and which channels were used. */
export interface NotifyOutput {
  readonly followUp: boolean;
  /** The follow-up window when `followUp`, else the finished one. */
  readonly window: WindowState;
  readonly channels: readonly string[];
  /** What the result was: `scan` or the failure reason. */
  readonly outcome: string;
}

export interface NotifyScanDeps {
  readonly delivery: () => Promise<ResultDelivery>;
  readonly windows: Pick<ScanWindowStore, 'deployments' | 'finishScan'>;
  readonly settings: Pick<ScanSettings, 'polling' | 'debounceSeconds'>;
  readonly log: Log;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

/** Delivers the scan's result (or failure) and finishes its window. */
export async function notifyScan(input: NotifyInput, deps: NotifyScanDeps): Promise<NotifyOutput> {
  const { window } = input.state;
  const result: PipelineResult =
    input.mode === 'result'
      ? input.state.report
      : await buildFailureReport(input.state, { windows: deps.windows, settings: deps.settings, log: deps.log, clock: deps.clock ?? systemClock });
  let sent: SentNotification[] = [];
  let undelivered: unknown;
  try {
    const delivery = await deps.delivery();
    sent = await delivery.deliver(result, {
      idempotencyKey: `${input.state.executionId ?? window.zcspmAccountId}:${window.windowId}`,
      ...(deps.call?.signal ? { signal: deps.call.signal } : {}),
      ...(deps.call?.deadline !== undefined ? { deadline: deps.call.deadline } : {}),
    });
  } catch (error) {
    undelivered = error;
  }
  // The window moves on even when a channel failed: deployments waiting for a follow-up must not
  // wait for Slack. The retry (or NotifyFailure) then delivers again and finds the window finished.
  const finished = await finishWindow(window, { windows: deps.windows, settings: deps.settings, log: deps.log });
  if (undelivered !== undefined) throw undelivered;
  return {
    followUp: finished.followUp,
    window: finished.window ?? window,
    channels: sent.map((entry) => entry.channel),
    outcome: result.kind === 'failure' ? result.reason : result.kind,
  };
}
