/** StartDeepTrace: picks the application's probes on the device and starts the deep trace. */
import { createLogger } from '../../core/observability/logger.js';
import { addMetric, pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { startDeepTrace } from '../steps/deep-trace.js';
import { DeviceTaskInputSchema, type TraceHandle } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, settings, zdxClient } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

export const handler = withMiddleware(
  async (event: unknown, context): Promise<TraceHandle> => {
    const input = parseStepInput(DeviceTaskInputSchema, event, 'StartDeepTrace');
    const handle = await startDeepTrace(input, { zdx: await zdxClient(), settings: settings(), call: callOptions(context) });
    if (handle.started) addMetric(pipelineMetrics(), 'DeepTracesStarted', 1);
    logger.info(handle.started ? 'deep trace started' : 'deep trace not started', { deviceId: input.device.deviceId, traceId: handle.traceId, reason: handle.reason });
    return handle;
  },
  { logger, metrics: pipelineMetrics(), correlationIds: diagnosticsCorrelationIds },
);
