/**
 * The ZDX alert webhook body (zdx-api.md §6), parsed leniently.
 *
 * Zscaler publishes no complete sample, so only what the pipeline cannot work without is strict:
 * `alertId` (number or string) and `status`. Descriptive fields are best effort: a number where a
 * string is expected is converted, a value of the wrong kind is dropped with a warning (an alert
 * must never be lost over a malformed count), over-long text is shortened. Unknown fields are kept
 * in `extra`.
 */
import * as z from 'zod';
import { describeIssues, InvalidInputError } from '../../core/errors.js';

/** The rule name ZDX uses for the portal's "Test Webhook" button. */
export const TEST_RULE_NAME = 'test';

/** Webhook status of an alert that has just opened; every other value means it ended. */
export const STARTED_STATUS = 'STARTED';

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Alert ids: a non-negative integer or a printable string of up to 128 characters. */
export const AlertIdSchema = z.lazy(() => z.union(
  [
    z.number().int('must be an integer').nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .refine((value) => !CONTROL_CHARS.test(value), 'must not contain control characters'),
  ],
  { error: 'must be a number or a non-empty string' },
));

const StatusSchema = z.lazy(() =>
  z
    .string({ error: 'must be a string such as "STARTED"' })
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((value) => !CONTROL_CHARS.test(value), 'must not contain control characters')
    .transform((value) => value.toUpperCase()),
);

/** Text fields: strings (numbers converted), shortened to `max` characters. */
function text(max: number) {
  return z
    .union([z.string(), z.number().transform(String)])
    .transform((value) => value.trim())
    .transform((value) => (value.length > max ? `${value.slice(0, max - 1)}…` : value));
}

/** Epoch seconds; numeric strings accepted; values that look like milliseconds are converted. */
const EpochSecondsSchema = z.lazy(() =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)])
    .pipe(z.number().nonnegative().finite())
    .transform((value) => (value > 1e12 ? Math.floor(value / 1000) : Math.floor(value))),
);

const CountSchema = z.lazy(() =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
    .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)),
);

const StatsSchema = z.lazy(() =>
  z
    .looseObject({
      min: z.number().finite().optional().catch(undefined),
      max: z.number().finite().optional().catch(undefined),
      avg: z.number().finite().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
);

export const CriteriaSchema = z.lazy(() => z.looseObject({
  op: text(16).optional().catch(undefined),
  conditions: z
    .array(
      z.looseObject({
        conditionString: text(512).optional().catch(undefined),
        isHit: z.boolean().optional().catch(undefined),
        stats: StatsSchema,
      }),
    )
    .max(100)
    .optional()
    .catch(undefined),
}));
export type AlertCriteria = z.infer<typeof CriteriaSchema>;

/** Optional fields: name -> schema. Anything else in the body is kept in `extra`. */
const OPTIONAL_FIELDS = {
  ruleName: text(512),
  severity: text(32),
  alertType: text(64),
  startTime: EpochSecondsSchema,
  endTime: EpochSecondsSchema,
  zdxUrl: text(2_048),
  criteriaString: text(2_048),
  impactedDeviceCount: CountSchema,
  impactedUserCount: CountSchema,
  geolocationCount: CountSchema,
  deptCount: CountSchema,
  osverCount: CountSchema,
  criteria: CriteriaSchema,
} as const;

/** A parsed webhook alert; the execution input of "AlertDiagnostics" carries it as is. */
export const WebhookAlertSchema = z.lazy(() => z.object({
  alertId: z.string(),
  status: z.string(),
  ruleName: z.string().optional(),
  severity: z.string().optional(),
  alertType: z.string().optional(),
  startTime: z.number().optional(),
  endTime: z.number().optional(),
  zdxUrl: z.string().optional(),
  criteriaString: z.string().optional(),
  impactedDeviceCount: z.number().optional(),
  impactedUserCount: z.number().optional(),
  geolocationCount: z.number().optional(),
  deptCount: z.number().optional(),
  osverCount: z.number().optional(),
  criteria: CriteriaSchema.optional(),
  /** Body fields this project does not know, kept for logs and future use. */
  extra: z.record(z.string(), z.unknown()).default({}),
}));
export type WebhookAlert = z.infer<typeof WebhookAlertSchema>;

export interface ParsedWebhookAlert {
  readonly alert: WebhookAlert;
  /** Descriptive fields that were dropped, with why (e.g. `startTime: ignored, expected epoch seconds`). */
  readonly warnings: readonly string[];
}

/** Reads `ruleName` without validating anything else, so the portal's test body is recognised first. */
export function isTestWebhook(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const ruleName = (body as Record<string, unknown>).ruleName;
  return typeof ruleName === 'string' && ruleName.trim().toLowerCase() === TEST_RULE_NAME;
}

/**
 * Parses a decoded JSON webhook body. Throws {@link InvalidInputError} whose message says which
 * field is wrong and how (e.g. `alertId: must be a number or a non-empty string`).
 */
export function parseWebhookAlert(body: unknown): ParsedWebhookAlert {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    throw new InvalidInputError(`body must be a JSON object (a ZDX alert), got ${kind}`);
  }
  const record = body as Record<string, unknown>;
  const issues: string[] = [];
  const alertId = AlertIdSchema.safeParse(record.alertId);
  if (!alertId.success) issues.push(record.alertId === undefined ? 'alertId: is required' : `alertId: ${firstMessage(alertId.error)}`);
  const status = StatusSchema.safeParse(record.status);
  if (!status.success) issues.push(record.status === undefined ? 'status: is required' : `status: ${firstMessage(status.error)}`);
  if (!alertId.success || !status.success) {
    throw new InvalidInputError(`body is not a usable ZDX alert: ${issues.join('; ')}`, issues);
  }

  const warnings: string[] = [];
  const optional: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(OPTIONAL_FIELDS)) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) optional[name] = parsed.data;
    else warnings.push(`${name}: ignored, ${describeIssues(parsed.error.issues)[0] ?? 'unexpected value'}`);
  }
  // fromEntries defines own properties, so a `__proto__` key stays data instead of a prototype.
  const extra: Record<string, unknown> = Object.fromEntries(
    Object.entries(record).filter(([name]) => name !== 'alertId' && name !== 'status' && !Object.hasOwn(OPTIONAL_FIELDS, name)),
  );
  const alert = { ...optional, alertId: alertId.data, status: status.data, extra } as WebhookAlert;
  return { alert, warnings };
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is invalid';
}
