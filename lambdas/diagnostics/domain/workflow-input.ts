/**
 * The input of an "AlertDiagnostics" execution, written by the intake (webhook or manual trigger)
 * and read by ResolveDevices. Deterministic for a given delivery, so a repeated StartExecution with
 * the same name is accepted by Step Functions as the same request.
 */
import * as z from 'zod';
import type { ExecutionStarter as StateMachineStarter } from '../../core/ports.js';
import { WebhookAlertSchema } from './webhook-alert.js';

export const RequestedDeviceSchema = z.object({
  deviceId: z.string().min(1),
  appId: z.string().min(1),
});

export const DiagnosticsExecutionInputSchema = z.object({
  source: z.enum(['webhook', 'manual']),
  alert: WebhookAlertSchema,
  /** Manual trigger by device: trace exactly these devices (no alert lookup, no cooldown). */
  devices: z.array(RequestedDeviceSchema).max(100).optional(),
});
export type DiagnosticsExecutionInput = z.infer<typeof DiagnosticsExecutionInputSchema>;

/** Starts "AlertDiagnostics" executions (the SFN API in Lambda, the local runner in the sandbox). */
export type ExecutionStarter = StateMachineStarter<DiagnosticsExecutionInput>;
