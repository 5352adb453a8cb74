/**
 * The JSON the PostDeployScan state machine carries between its states, as zod schemas.
 *
 * This is the seam between the CDK definition (which names these paths: `$.window`, `$.scan`,
 * `$.report`, `$.next`, `$.failure`, `$.error`) and the step handlers, which parse their input
 * with these schemas, so a definition that drifts from the handlers fails loudly with the path.
 */
import * as z from 'zod';

/** One scan window of one ZCSPM account, plus what the Debounce wait needs. */
export const WindowStateSchema = z.lazy(() => z.object({
  zcspmAccountId: z.string().min(1),
  windowId: z.string().min(1),
  seq: z.number().int().positive(),
  awsAccountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  /** Read by the Debounce state (`SecondsPath: $.window.debounceSeconds`). */
  debounceSeconds: z.number().int().nonnegative(),
  isFollowUp: z.boolean(),
}));
export type WindowState = z.infer<typeof WindowStateSchema>;

/** What ScanRequest starts an execution with. Deterministic per window, so a repeated start is idempotent. */
export const ScanExecutionInputSchema = z.lazy(() => z.object({ window: WindowStateSchema }));
export type ScanExecutionInput = z.infer<typeof ScanExecutionInputSchema>;

export const PollPlanSchema = z.lazy(() => z.object({
  expectedSeconds: z.number().nullable(),
  spreadSeconds: z.number().nullable(),
}));

/** The running scan (`$.scan`), written by InitiateScan and each GetScanStatus. */
export const ScanStateSchema = z.object({
  jobId: z.string().min(1),
  /** When the scan was started (ISO); the clock for the adaptive waits and the deadline. */
  startedAt: z.string(),
  plan: PollPlanSchema,
  /** Read by the WaitForScan state (`SecondsPath: $.scan.waitSeconds`). */
  waitSeconds: z.number().int().positive(),
  checks: z.number().int().nonnegative(),
  lastRunningAfterSeconds: z.number().nullable(),
  /** Read by the ScanStatus choice. */
  outcome: z.enum(['running', 'succeeded', 'failed', 'timed_out']),
  jobStatus: z.string(),
  detectedAfterSeconds: z.number().nullable(),
  checkedAt: z.string().nullable(),
  deploymentCount: z.number().int().nonnegative(),
});
export type ScanState = z.infer<typeof ScanStateSchema>;

/** A failure the state machine itself detected (`$.failure`, from a Pass state). */
export const DetectedFailureSchema = z.lazy(() => z.object({ reason: z.string(), message: z.string().optional() }));

/** A caught error (`$.error`), as Step Functions writes it. `Cause` is a JSON string for Lambda errors. */
export const CaughtErrorSchema = z.lazy(() => z.object({ Error: z.string(), Cause: z.string().nullish() }));

/** Input of InitiateScan. */
export const InitiateInputSchema = z.lazy(() => z.object({ window: WindowStateSchema, executionId: z.string().optional() }));

/** Input of GetScanStatus and CollectReport. */
export const ScanStepInputSchema = z.lazy(() => z.object({ window: WindowStateSchema, scan: ScanStateSchema, executionId: z.string().optional() }));

/** Input of NotifyFailure: whatever the state held when the failure happened. */
export const FailureInputSchema = z.lazy(() => z.object({
  window: WindowStateSchema,
  scan: ScanStateSchema.partial().optional(),
  executionId: z.string().optional(),
  failure: DetectedFailureSchema.optional(),
  error: CaughtErrorSchema.optional(),
}));
export type FailureInput = z.infer<typeof FailureInputSchema>;

/** Output of FinishWindow (`$.next`): the follow-up window when deployments landed during the scan. */
export const FinishOutputSchema = z.lazy(() => z.object({ followUp: z.boolean(), window: WindowStateSchema.optional() }));
export type FinishOutput = z.infer<typeof FinishOutputSchema>;
