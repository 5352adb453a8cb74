/** CollectTraceResults: reads the six result endpoints of a finished trace into evidence. */
import * as z from 'zod';
import { createLogger } from '../../core/observability/logger.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { collectTraceResults } from '../steps/deep-trace.js';
import { DeviceWorkSchema, TraceHandleSchema, TraceStatusSchema, type DeviceRun } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, zdxClient } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

const InputSchema = z.object({ device: DeviceWorkSchema, trace: TraceHandleSchema, status: TraceStatusSchema });

export const handler = withMiddleware(
  async (event: unknown, context): Promise<DeviceRun> => {
    const input = parseStepInput(InputSchema, event, 'CollectTraceResults');
    const run = await collectTraceResults(input, { zdx: await zdxClient(), call: callOptions(context) });
    if (run.evidence?.missing.length) logger.warn('some trace results could not be read', { missing: run.evidence.missing });
    return run;
  },
  { logger, metrics: pipelineMetrics(), correlationIds: diagnosticsCorrelationIds },
);
