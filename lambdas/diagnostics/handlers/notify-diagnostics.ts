/**
 * NotifyDiagnostics: delivers the diagnosis (`{ result }`) or, on the failure path, a failure report
 * built from the Catch's error (`{ failure }`) to every configured channel, once per execution.
 */
import * as z from 'zod';
import { DiagnosticsReportSchema, type SentNotification } from '../../notify/results.js';
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { recordDiagnosticsOutcome } from '../../notify/result-metrics.js';
import { diagnosticsFailureReport } from '../steps/failure.js';
import { firstLookReport } from '../steps/first-look.js';
import { FirstLookProgressSchema, ResolvedAlertSchema } from '../domain/workflow-state.js';
import { callOptions, dynamo, parseStepInput, secrets, tableName } from '../../core/wiring.js';
import { executionConsoleUrl } from '../../core/aws/console-url.js';
import { diagnosticsCorrelationIds, settings } from '../wiring.js';
import { notificationRouter } from '../../notify/wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });
const router = notificationRouter({ dynamo, tableName, secrets, log: asLog(logger) });

const InputSchema = z.lazy(() => z.union([
  z.object({ result: DiagnosticsReportSchema, executionId: z.string().min(1) }),
  z.object({ firstLook: z.object({ resolved: ResolvedAlertSchema, progress: FirstLookProgressSchema }), executionId: z.string().min(1) }),
  z.object({
    failure: z.object({
      error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
      alert: z.object({ alertId: z.string().optional(), ruleName: z.string().optional(), zdxUrl: z.string().optional() }).optional(),
    }),
    executionId: z.string().min(1),
  }),
]));

export const handler = withMiddleware(
  async (event: unknown, context): Promise<{ notifications: SentNotification[] }> => {
    const input = parseStepInput(InputSchema, event, 'NotifyDiagnostics');
    if ('firstLook' in input) {
      const url = executionConsoleUrl(input.executionId);
      const report = firstLookReport({
        ...input.firstLook,
        sessionLengthMinutes: settings().sessionLengthMinutes,
        at: new Date().toISOString(),
        ...(url ? { executionUrl: url } : {}),
      });
      // Its own ledger key: the first look and the final diagnosis are one delivery each per channel.
      const notifications = await (await router()).deliver(report, { idempotencyKey: `${input.executionId}#first-look`, ...callOptions(context) });
      return { notifications };
    }
    const result =
      'result' in input
        ? input.result
        : diagnosticsFailureReport({
            error: input.failure.error,
            alertId: input.failure.alert?.alertId,
            ruleName: input.failure.alert?.ruleName,
            zdxUrl: input.failure.alert?.zdxUrl,
            executionUrl: executionConsoleUrl(input.executionId),
            occurredAt: new Date().toISOString(),
          });
    const notifications = await (await router()).deliver(result, { idempotencyKey: input.executionId, ...callOptions(context) });
    recordDiagnosticsOutcome(pipelineMetrics(), result);
    return { notifications };
  },
  {
    logger,
    metrics: pipelineMetrics(),
    correlationIds: (event) => {
      const state = event as { result?: { alert?: unknown }; firstLook?: { resolved?: unknown } } | null;
      return diagnosticsCorrelationIds(state?.result ?? state?.firstLook?.resolved ?? event);
    },
  },
);
