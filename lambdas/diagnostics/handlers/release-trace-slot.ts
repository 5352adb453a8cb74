/**
 * ReleaseTraceSlot: gives the device's tenant slot back (idempotent). On the failure path (the
 * state carries the Catch's `error`) it also returns the device's result, so one device failing is
 * reported without failing the alert.
 */
import * as z from 'zod';
import { createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { traceSlotHolder } from '../adapters/trace-slots.js';
import { DeviceWorkSchema, type DeviceRun } from '../domain/workflow-state.js';
import { parseStepInput } from '../../core/wiring.js';
import { diagnosticsCorrelationIds, traceSlots } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

const InputSchema = z.lazy(() => z.object({
  device: DeviceWorkSchema,
  executionName: z.string().min(1),
  trace: z.object({ traceId: z.string().nullable().optional() }).optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
}));

export const handler = withMiddleware(
  async (event: unknown): Promise<{ released: true } | DeviceRun> => {
    const input = parseStepInput(InputSchema, event, 'ReleaseTraceSlot');
    await traceSlots().release(traceSlotHolder(input.executionName, input.device.deviceId));
    if (!input.error) return { released: true };
    logger.warn('device failed', { deviceId: input.device.deviceId, error: input.error.Error });
    return { device: input.device, outcome: 'error', traceId: input.trace?.traceId ?? null, error: input.error };
  },
  { logger, correlationIds: diagnosticsCorrelationIds },
);
