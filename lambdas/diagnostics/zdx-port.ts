/**
 * The part of the ZDX client the diagnostics use cases call, as a port.
 *
 * It mirrors the agreed `ZdxClient` (lambdas/zscaler/zdx/client.ts) method for method, so the
 * real client plugs in as is and tests pass fakes. Responses are typed `unknown` here on purpose:
 * the use cases read them through {@link readZdx}, which accepts the client's camelCase output and
 * the raw snake_case wire shape alike, so a fake can serve documented wire bodies and a shape
 * surprise shows up as an error naming the endpoint and the field.
 */
import * as z from 'zod';
import { describeIssues, ResponseShapeError } from '../core/errors.js';
import { camelizeKeys } from '../zscaler/keys.js';
import { ZdxIdSchema } from '../zscaler/zdx/schemas.js';

/** The per-call options every client method takes last. */
export interface ZdxCallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Epoch ms; the client never waits or retries past it. */
  readonly deadline?: number | undefined;
}

/** Input of `deepTraces.start` (the client sends it as the snake_case body of zdx-api.md §2.2). */
export interface DeepTraceStartInput {
  sessionName: string;
  appId: string;
  webProbeId?: string;
  cloudpathProbeId?: string;
  sessionLengthMinutes?: 5 | 15 | 30 | 60;
  probeDevice?: boolean;
}

export interface DiagnosticsZdx {
  readonly alerts: {
    get(alertId: string, options?: ZdxCallOptions): Promise<unknown>;
    affectedDevices(alertId: string, query: { limit?: number; loc?: readonly string[] }, options?: ZdxCallOptions): AsyncIterable<unknown>;
  };
  readonly devices: {
    webProbes(deviceId: string, appId: string, query: { from?: number; to?: number }, options?: ZdxCallOptions): Promise<unknown>;
    cloudPathProbes(deviceId: string, appId: string, query: { from?: number; to?: number }, options?: ZdxCallOptions): Promise<unknown>;
  };
  readonly deepTraces: {
    list(deviceId: string, options?: ZdxCallOptions): Promise<unknown>;
    start(deviceId: string, input: DeepTraceStartInput, options?: ZdxCallOptions): Promise<unknown>;
    get(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    webProbeMetrics(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    cloudPathMetrics(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    cloudPath(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    healthMetrics(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    events(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
    topProcesses(deviceId: string, traceId: string, options?: ZdxCallOptions): Promise<unknown>;
  };
}

/**
 * Reads a value the ZDX port returned: keys camelCased (a no-op on the client's output), then
 * parsed. A mismatch throws ResponseShapeError naming the endpoint and the fields.
 */
export function readZdx<T extends z.ZodType>(schema: T, value: unknown, endpoint: string): z.infer<T> {
  const parsed = schema.safeParse(camelizeKeys(value));
  if (parsed.success) return parsed.data;
  const fields = describeIssues(parsed.error.issues);
  throw new ResponseShapeError(`${endpoint} returned an unexpected shape: ${fields.slice(0, 5).join('; ')}`, { endpoint, fields }, { cause: parsed.error });
}

const optionalText = z.lazy(() => z.union([z.string(), z.number().transform(String)]).nullish().catch(undefined));
const optionalNumber = z.lazy(() => z.number().finite().nullish().catch(undefined));

/** A ZDX score (0..100) that carries data; undefined for ZDX's -1 ("no data") and for anything not a number. */
export function scoreWithData(score: unknown): number | undefined {
  return typeof score === 'number' && Number.isFinite(score) && score >= 0 ? score : undefined;
}

/** `GET /alerts/{id}` (zdx-api.md §3.3); only the fields the pipeline reads. */
export const ZdxAlertViewSchema = z.lazy(() => z.looseObject({
  id: ZdxIdSchema,
  ruleName: optionalText,
  severity: optionalText,
  alertType: optionalText,
  alertStatus: optionalText,
  startedOn: optionalNumber,
  numDevices: optionalNumber,
  application: z
    .looseObject({ id: ZdxIdSchema.nullish().catch(undefined), name: optionalText })
    .nullish()
    .catch(undefined),
  /** Zscaler locations of the impacted devices (zdx-api.md §3.3). */
  locations: z
    .array(z.looseObject({ id: ZdxIdSchema.nullish().catch(undefined), name: optionalText, numDevices: optionalNumber }))
    .nullish()
    .catch(undefined),
}));
export type ZdxAlertView = z.infer<typeof ZdxAlertViewSchema>;

/** One item of `affected_devices` (ZDX's own `userid` / `userName` casing). */
export const ZdxAffectedDeviceSchema = z.lazy(() => z.looseObject({
  id: ZdxIdSchema,
  name: optionalText,
  userName: optionalText,
  userEmail: optionalText,
}));

export const ZdxWebProbeSchema = z.lazy(() => z.looseObject({
  id: ZdxIdSchema,
  name: optionalText,
  numProbes: optionalNumber,
  avgScore: optionalNumber,
  avgPft: optionalNumber,
}));
export type ZdxWebProbe = z.infer<typeof ZdxWebProbeSchema>;

export const ZdxCloudPathProbeSchema = z.lazy(() => z.looseObject({
  id: ZdxIdSchema,
  name: optionalText,
  numProbes: optionalNumber,
  avgLatencies: z
    .array(z.looseObject({ legSrc: optionalText, legDst: optionalText, latency: optionalNumber }))
    .nullish()
    .catch(undefined),
}));
export type ZdxCloudPathProbe = z.infer<typeof ZdxCloudPathProbeSchema>;

/** A deep trace (start response, list item, GET one); status is an open string. */
export const ZdxTraceViewSchema = z.lazy(() => z.looseObject({
  traceId: ZdxIdSchema.nullish(),
  status: z.union([z.string(), z.number().transform(String)]).nullish(),
  traceDetails: z.looseObject({ sessionName: optionalText }).nullish().catch(undefined),
}));
export type ZdxTraceView = z.infer<typeof ZdxTraceViewSchema>;
