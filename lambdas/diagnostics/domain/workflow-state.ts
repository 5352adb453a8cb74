/**
 * The data the "AlertDiagnostics" states hand to each other (JSONPath, through Step Functions).
 * Each Lambda parses its input with these schemas, so a wiring mistake in the state machine shows up
 * as a clear InvalidInputError instead of an undefined deep in a use case. Payloads stay small: a
 * device's trace results travel as compact {@link TraceEvidenceSchema}, never raw.
 */
import * as z from 'zod';
import { AlertSummarySchema, DeviceResultSchema, FirstLookSchema } from '../../notify/results.js';

export const ThresholdSchema = z.lazy(() => z.object({
  metric: z.string(),
  kind: z.enum(['page_fetch_time', 'dns_time', 'server_response_time', 'latency', 'packet_loss', 'score', 'other']),
  operator: z.enum(['>', '>=', '<', '<=', '=']),
  value: z.number(),
  unit: z.string(),
  observed: z.object({ min: z.number().optional(), max: z.number().optional(), avg: z.number().optional() }).optional(),
  text: z.string(),
}));

/** One device the Map traces. */
export const DeviceWorkSchema = z.lazy(() => z.object({
  deviceId: z.string().min(1),
  deviceName: z.string().optional(),
  userName: z.string().optional(),
  appId: z.string().min(1),
}));
export type DeviceWork = z.infer<typeof DeviceWorkSchema>;

/** Output of ResolveDevices. */
export const ResolvedAlertSchema = z.lazy(() => z.object({
  alert: AlertSummarySchema,
  thresholds: z.array(ThresholdSchema),
  devices: z.array(DeviceWorkSchema),
  /** Devices not traced (cooldown, cap), already in their final reported form. */
  skipped: z.array(DeviceResultSchema),
  /** Affected devices beyond what the report lists (very large alerts). */
  unlistedDevices: z.number().int().nonnegative().default(0),
  notes: z.array(z.string()).default([]),
  /** The alert in the ZDX portal (from the webhook). */
  zdxUrl: z.string().optional(),
  startedAt: z.string(),
}));
export type ResolvedAlert = z.infer<typeof ResolvedAlertSchema>;

/** The Map iteration's working state (ItemSelector builds it). */
export const DeviceTaskInputSchema = z.lazy(() => z.object({
  device: DeviceWorkSchema,
  alertId: z.string(),
  executionName: z.string().min(1),
}));
export type DeviceTaskInput = z.infer<typeof DeviceTaskInputSchema>;

/** Output of StartDeepTrace. */
export const TraceHandleSchema = z.lazy(() => z.object({
  started: z.boolean(),
  traceId: z.string().nullable(),
  /** The session name it was started with: finds the trace again when `traceId` proves wrong. */
  sessionName: z.string().optional(),
  status: z.string().optional(),
  webProbeId: z.string().optional(),
  webProbeName: z.string().optional(),
  cloudPathProbeId: z.string().optional(),
  cloudPathProbeName: z.string().optional(),
  startedAt: z.number(),
  /** Seconds the state machine waits before the first status poll (the session length). */
  waitSeconds: z.number().int().nonnegative(),
  /** Epoch ms after which an unfinished trace is given up on. */
  giveUpAt: z.number(),
  reason: z.string().optional(),
}));
export type TraceHandle = z.infer<typeof TraceHandleSchema>;

export const TracePhaseSchema = z.lazy(() => z.enum(['running', 'completed', 'failed', 'expired', 'aborted', 'gave_up']));
export type TracePhase = z.infer<typeof TracePhaseSchema>;

/** Output of GetTraceStatus. */
export const TraceStatusSchema = z.lazy(() => z.object({
  status: z.string(),
  phase: TracePhaseSchema,
  /** Results can be read (completed, or incomplete with partial data). */
  collectable: z.boolean(),
  pollSeconds: z.number().int().nonnegative(),
  polls: z.number().int().nonnegative(),
  /** The trace's real id, when ZDX did not know the one the start's (garbled) reply named. */
  traceId: z.string().optional(),
}));
export type TraceStatus = z.infer<typeof TraceStatusSchema>;

const SeriesStatsSchema = z.lazy(() => z.object({
  avg: z.number(),
  max: z.number(),
  min: z.number(),
  samples: z.number().int(),
}));

export const HopEvidenceSchema = z.object({
  leg: z.string(),
  legKind: z.enum(['local', 'isp', 'to_zscaler', 'zscaler', 'to_app', 'direct', 'unknown']),
  index: z.number().int(),
  ip: z.string(),
  /** Latency this hop adds over the previous one (ms). */
  addedLatencyMs: z.number(),
  lossPercent: z.number(),
  isLast: z.boolean(),
});

export const LegEvidenceSchema = z.lazy(() => z.object({
  name: z.string(),
  kind: HopEvidenceSchema.shape.legKind,
  latencyMs: z.number().optional(),
  lossPercent: z.number().optional(),
  hops: z.number().int().optional(),
  unresponsiveHops: z.number().int().optional(),
  tunnel: z.string().optional(),
}));

/** Compact, diagnosis-ready facts from one trace's six result endpoints. */
export const TraceEvidenceSchema = z.lazy(() => z.object({
  web: z.object({
    pageFetchMs: SeriesStatsSchema.optional(),
    dnsMs: SeriesStatsSchema.optional(),
    tcpMs: SeriesStatsSchema.optional(),
    sslMs: SeriesStatsSchema.optional(),
    serverResponseMs: SeriesStatsSchema.optional(),
    availabilityPercent: SeriesStatsSchema.optional(),
  }),
  legs: z.array(LegEvidenceSchema),
  worstHop: HopEvidenceSchema.optional(),
  health: z.object({
    cpuPercent: SeriesStatsSchema.optional(),
    memoryPercent: SeriesStatsSchema.optional(),
    wifiSignalDbm: SeriesStatsSchema.optional(),
    wifiSignalPercent: SeriesStatsSchema.optional(),
    diskPercent: SeriesStatsSchema.optional(),
  }),
  events: z.array(z.object({ at: z.number().optional(), category: z.string(), text: z.string() })),
  topProcesses: z.array(z.object({ category: z.string(), name: z.string(), samples: z.number().int(), ofSamples: z.number().int() })),
  /** Result endpoints that could not be read, with why. */
  missing: z.array(z.string()),
}));
export type TraceEvidence = z.infer<typeof TraceEvidenceSchema>;

export const DeviceRunOutcome = z.lazy(() => z.enum(['traced', 'failed', 'expired', 'aborted', 'gave_up', 'no_probe', 'capped', 'error']));

/** What one Map iteration returns (built by Collect, or by the Pass states of the failure paths). */
export const DeviceRunSchema = z.lazy(() => z.object({
  device: DeviceWorkSchema,
  outcome: DeviceRunOutcome,
  traceId: z.string().nullable().default(null),
  traceStatus: z.string().optional(),
  probes: z.object({ web: z.string().optional(), cloudPath: z.string().optional() }).optional(),
  evidence: TraceEvidenceSchema.optional(),
  reason: z.string().optional(),
  /** Step Functions' `{ Error, Cause }` when a state failed. */
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
}));
export type DeviceRun = z.infer<typeof DeviceRunSchema>;

/** Where the first look stands: the looks taken (in the order taken) and the devices still waiting. */
export const FirstLookProgressSchema = z.lazy(() => z.object({
  looks: z.array(z.object({
    deviceId: z.string().min(1),
    deviceName: z.string().optional(),
    userName: z.string().optional(),
    /** Whether the device gets a deep trace in this run. */
    traced: z.boolean(),
    look: FirstLookSchema,
  })),
  remaining: z.array(DeviceWorkSchema.and(z.object({ traced: z.boolean(), score: z.number().optional() }))),
  done: z.boolean(),
  /** FirstLook invocations so far. */
  slices: z.number().int().nonnegative(),
}));
export type FirstLookProgress = z.infer<typeof FirstLookProgressSchema>;

/** `value` without its undefined properties, so state built from optional fields carries no empty keys. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
