/**
 * NotifyDiagnostics: delivers the diagnosis (`{ result }`) or, on the failure path, a failure report
 * built from the Catch's error (`{ failure }`) to every configured channel, once per execution.
 */
import * as z from 'zod';
import { DiagnosticsReportSchema, type SentNotification } from '../core/reports.js';
import { asLog, createLogger } from '../core/observability/logger.js';
import { withMiddleware } from '../core/observability/middleware.js';
import { pipelineMetrics, recordDiagnosticsOutcome } from '../core/observability/metrics.js';
import { diagnosticsFailureReport } from '../use-cases/diagnostics/failure.js';
import { parseStateInput } from '../use-cases/diagnostics/workflow-state.js';
import { callOptions, diagnosticsCorrelationIds, dynamo, executionUrl, secrets, tableName } from './diagnostics-wiring.js';
import { notificationRouter } from './notification-wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });
const router = notificationRouter({ dynamo, tableName, secrets, log: asLog(logger) });

const InputSchema = z.lazy(() => z.union([
  z.object({ result: DiagnosticsReportSchema, executionId: z.string().min(1) }),
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
    const input = parseStateInput(InputSchema, event, 'NotifyDiagnostics');
    const result =
      'result' in input
        ? input.result
        : diagnosticsFailureReport({
            error: input.failure.error,
            alertId: input.failure.alert?.alertId,
            ruleName: input.failure.alert?.ruleName,
            zdxUrl: input.failure.alert?.zdxUrl,
            executionUrl: executionUrl(input.executionId),
            occurredAt: new Date().toISOString(),
          });
    const notifications = await (await router()).deliver(result, { idempotencyKey: input.executionId, ...callOptions(context) });
    recordDiagnosticsOutcome(pipelineMetrics(), result);
    return { notifications };
  },
  { logger, metrics: pipelineMetrics(), correlationIds: (event) => diagnosticsCorrelationIds((event as { result?: { alert?: unknown } } | null)?.result ?? event) },
);
