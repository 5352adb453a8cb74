/**
 * Manual trigger: an EventBridge event asks for diagnostics of one device and application, or of an
 * alert by id (CLI `trace`, runbooks, other tools).
 *
 * Event: `{ "detail-type": "TraceRequested", "source": "<any>", "id": "<event id>",
 * "detail": { "deviceId": 123, "appId": 4 } | { "alertId": 7263519 } }`. The execution name
 * includes the event id, so EventBridge's at-least-once redelivery of one event starts one
 * execution, while a new request for the same device starts a new one.
 */
import * as z from 'zod';
import { describeIssues, InvalidInputError } from '../../core/errors.js';
import { executionName } from '../domain/execution-name.js';
import { AlertIdSchema, STARTED_STATUS, zdxIdSchema } from '../domain/webhook-alert.js';
import type { DiagnosticsExecutionInput, ExecutionStarter } from '../domain/workflow-input.js';

// ZDX device and application ids are integers (`/devices/{deviceid}/apps/{appid}`); a request from a
// runbook may send them as numbers or digit strings. Anything else is refused here rather than sent
// into an API path.
export const ManualTraceDetailSchema = z.lazy(() => z.union(
  [
    z.object({ deviceId: zdxIdSchema('device'), appId: zdxIdSchema('application'), reason: z.string().max(512).optional() }),
    z.object({ alertId: AlertIdSchema, reason: z.string().max(512).optional() }),
  ],
  { error: 'detail needs deviceId and appId, or alertId' },
));

export const ManualTraceEventSchema = z.lazy(() => z.object({
  id: z.string().min(1, 'must not be empty').max(128),
  'detail-type': z.string().optional(),
  source: z.string().optional(),
  detail: ManualTraceDetailSchema,
}));

export interface ManualTriggerResult {
  readonly executionName: string;
  readonly executionArn: string;
  readonly alreadyStarted: boolean;
}

/** Parses the event and starts one execution. Throws {@link InvalidInputError} naming the bad field. */
export async function handleManualTrigger(event: unknown, deps: { executions: ExecutionStarter }): Promise<ManualTriggerResult> {
  const parsed = ManualTraceEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues);
    throw new InvalidInputError(`not a manual trace request: ${issues.join('; ')}`, issues);
  }
  const { id, detail } = parsed.data;
  let name: string;
  let input: DiagnosticsExecutionInput;
  if ('deviceId' in detail) {
    name = executionName('manual', detail.deviceId, detail.appId, id);
    input = {
      source: 'manual',
      alert: {
        alertId: `manual-${detail.deviceId}-${detail.appId}`,
        status: STARTED_STATUS,
        ruleName: detail.reason ?? 'Manual deep trace',
        extra: { eventId: id },
      },
      devices: [{ deviceId: detail.deviceId, appId: detail.appId }],
    };
  } else {
    name = executionName('manual-alert', detail.alertId, id);
    input = {
      source: 'manual',
      alert: { alertId: detail.alertId, status: STARTED_STATUS, ruleName: detail.reason ?? 'Manual alert diagnostics', extra: { eventId: id } },
    };
  }
  const started = await deps.executions.start(name, input);
  return { executionName: name, ...started };
}
