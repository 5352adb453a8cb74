/** ResolveDevices: the alert's application and the devices to trace (cap, cooldown, ZDX budget). */
import * as z from 'zod';
import { createLogger } from '../../core/observability/logger.js';
import { pipelineMetrics } from '../../core/observability/metrics.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { resolveDevices } from '../steps/resolve-devices.js';
import { DiagnosticsExecutionInputSchema } from '../domain/workflow-input.js';
import { type ResolvedAlert } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { deviceCooldown, diagnosticsCorrelationIds, settings, zdxClient, zdxRateBudget } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });

const InputSchema = z.object({ input: DiagnosticsExecutionInputSchema, executionName: z.string().min(1) });

export const handler = withMiddleware(
  async (event: unknown, context): Promise<ResolvedAlert> => {
    const { input, executionName } = parseStepInput(InputSchema, event, 'ResolveDevices');
    const resolved = await resolveDevices(input, { zdx: await zdxClient(), cooldown: deviceCooldown(), settings: settings(), call: callOptions(context), budget: zdxRateBudget() }, executionName);
    logger.info('devices resolved', { devices: resolved.devices.length, skipped: resolved.skipped.length, notes: resolved.notes });
    return resolved;
  },
  { logger, metrics: pipelineMetrics(), correlationIds: diagnosticsCorrelationIds },
);
