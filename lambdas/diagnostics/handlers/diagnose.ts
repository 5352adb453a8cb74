/** Diagnose: the per-device findings and the overall verdict of one alert. */
import * as z from 'zod';
import type { DiagnosticsReport } from '../../notify/results.js';
import { createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { diagnoseAlert } from '../domain/diagnose.js';
import { withFirstLooks } from '../steps/first-look.js';
import { DeviceRunSchema, FirstLookProgressSchema, ResolvedAlertSchema } from '../domain/workflow-state.js';
import { parseStepInput } from '../../core/wiring.js';
import { executionConsoleUrl } from '../../core/aws/console-url.js';
import { diagnosticsCorrelationIds } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

const InputSchema = z.object({ resolved: ResolvedAlertSchema, runs: z.array(DeviceRunSchema), firstLook: FirstLookProgressSchema.optional(), executionId: z.string().optional() });

export const handler = withMiddleware(
  async (event: unknown): Promise<DiagnosticsReport> => {
    const input = parseStepInput(InputSchema, event, 'Diagnose');
    const url = input.executionId ? executionConsoleUrl(input.executionId) : undefined;
    const diagnosed = diagnoseAlert({ resolved: input.resolved, runs: input.runs, completedAt: new Date().toISOString(), ...(url ? { executionUrl: url } : {}) });
    const report = withFirstLooks(diagnosed, input.firstLook);
    logger.info('diagnosis', { verdict: report.summary.verdict, diagnosed: report.summary.diagnosed, notDiagnosed: report.summary.notDiagnosed });
    return report;
  },
  { logger, correlationIds: (event) => diagnosticsCorrelationIds((event as { resolved?: unknown } | null)?.resolved) },
);
