/** GetTraceStatus: one status poll of a running deep trace. */
import * as z from 'zod';
import { createLogger } from '../../core/observability/logger.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { getTraceStatus } from '../steps/deep-trace.js';
import { DeviceWorkSchema, TraceHandleSchema, TraceStatusSchema, type TraceStatus } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, settings, zdxClient } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

const InputSchema = z.object({ device: DeviceWorkSchema, trace: TraceHandleSchema, status: TraceStatusSchema.optional() });

export const handler = withMiddleware(
  async (event: unknown, context): Promise<TraceStatus> => {
    const input = parseStepInput(InputSchema, event, 'GetTraceStatus');
    return getTraceStatus(input, { zdx: await zdxClient(), settings: settings(), call: callOptions(context) });
  },
  { logger, metrics: pipelineMetrics(), correlationIds: diagnosticsCorrelationIds },
);
