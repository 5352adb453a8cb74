/**
 * AcquireTraceSlot: takes one of the tenant's deep-trace slots for this device. BusyError when all
 * are taken; the state machine retries it with backoff, so the device waits and the cap holds.
 */
import { createLogger } from '../../core/observability/logger.js';
import { addMetric, pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { traceSlotHolder, traceSlotLeaseSeconds } from '../adapters/trace-slots.js';
import { DeviceTaskInputSchema } from '../domain/workflow-state.js';
import { parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, settings, traceSlots } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

export const handler = withMiddleware(
  async (event: unknown): Promise<{ holder: string; holders: number }> => {
    const input = parseStepInput(DeviceTaskInputSchema, event, 'AcquireTraceSlot');
    const holder = traceSlotHolder(input.executionName, input.device.deviceId);
    const { holders } = await traceSlots().acquire(holder, { capacity: settings().tenantTraceSlots, leaseSeconds: traceSlotLeaseSeconds(settings()) });
    addMetric(pipelineMetrics(), 'TraceSlotsInUse', holders);
    addMetric(pipelineMetrics(), 'TraceSlotCapacity', settings().tenantTraceSlots);
    return { holder, holders };
  },
  { logger, metrics: pipelineMetrics(), correlationIds: diagnosticsCorrelationIds },
);
