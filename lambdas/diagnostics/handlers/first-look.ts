/**
 * FirstLook: first-look verdicts from ZDX's history, devices in impact order, one slice per
 * invocation. The first slice is short so the first message goes out within seconds; later slices
 * run until shortly before the Lambda's deadline, and the state machine calls again while devices wait.
 */
import * as z from 'zod';
import { BusyError } from '../../core/errors.js';
import { createLogger } from '../../core/observability/logger.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { abortableSleep } from '../../core/wait.js';
import { runFirstLook } from '../steps/first-look.js';
import { FirstLookProgressSchema, ResolvedAlertSchema, type FirstLookProgress } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, settings, zdxClient } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

/** The first slice starts devices for this long: the first message should not wait for more. */
const FIRST_SLICE_MS = 4_000;
/** Later slices stop starting devices this long before the deadline (at most a third of the time left), so those in flight can finish. */
const FINISH_MARGIN_MS = 90_000;
/** Later slices without a known deadline (local runs). */
const DEFAULT_SLICE_MS = 4 * 60_000;
/** How long a slice that found no room in the budget pauses before it says so. */
const NO_ROOM_PAUSE_MS = 10_000;
/** Devices read at once; the shared rate budget paces the calls. */
const CONCURRENCY = 2;

const InputSchema = z.object({
  resolved: ResolvedAlertSchema,
  executionName: z.string().min(1),
  /** `$$.Execution.StartTime`: the intake starts the execution as it accepts the webhook. */
  executionStartedAt: z.string().optional(),
  progress: FirstLookProgressSchema.optional(),
});

export const handler = withMiddleware(
  async (event: unknown, context): Promise<FirstLookProgress> => {
    const input = parseStepInput(InputSchema, event, 'FirstLook');
    const now = Date.now();
    const webhookAt = Date.parse(input.executionStartedAt ?? '') || Date.parse(input.resolved.startedAt) || now;
    const left = context.deadline - now;
    const startBefore = input.progress
      ? Number.isFinite(left) ? now + left - Math.min(FINISH_MARGIN_MS, left / 2) : now + DEFAULT_SLICE_MS
      : now + FIRST_SLICE_MS;
    const progress = await runFirstLook(
      { resolved: input.resolved, webhookAt, progress: input.progress },
      { zdx: await zdxClient(), scoreAnalysis: settings().firstLookScoreAnalysis, call: callOptions(context) },
      { startBefore, concurrency: CONCURRENCY },
    );
    logger.info('first look', { looked: progress.looks.length, remaining: progress.remaining.length, slices: progress.slices });
    if (input.progress && progress.looks.length === input.progress.looks.length && !progress.done) {
      // Nothing fitted in the shared budget this time: let the budget drain a little, then Step
      // Functions waits (free) and calls again.
      await abortableSleep(Math.min(NO_ROOM_PAUSE_MS, context.deadline - Date.now() - 1_000));
      throw new BusyError(`first look: the shared ZDX budget had no room before the deadline; ${progress.remaining.length} devices wait`);
    }
    return progress;
  },
  { logger, metrics: pipelineMetrics(), correlationIds: (event) => diagnosticsCorrelationIds((event as { resolved?: unknown } | null)?.resolved ?? event) },
);
