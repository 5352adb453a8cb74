/**
 * The ZDX alert webhook body (zdx-api.md §6), parsed leniently.
 *
 * Zscaler publishes no complete sample, so only what the pipeline cannot work without is strict:
 * `alertId` (an integer, as a number or a string of digits), `status`, and `severity` when present
 * (High, Medium or Low: the filter must be able to rank it). Descriptive fields are best effort: a
 * number where a string is expected is converted, a value of the wrong kind is dropped with a
 * warning (an alert must never be lost over a malformed count), over-long text is shortened.
 * Unknown fields are kept in `extra` within bounds (nesting depth, size, count); what exceeds them
 * is dropped with a warning, so a careless or hostile body cannot make the execution input
 * unserializable or too large.
 */
import * as z from 'zod';
import { describeIssues, InvalidInputError } from '../../core/errors.js';
import { ALERT_SEVERITIES, severityRank } from '../settings.js';

/** The rule name ZDX uses for the portal's "Test Webhook" button. */
export const TEST_RULE_NAME = 'test';

/** Webhook status of an alert that has just opened; every other value means it ended. */
export const STARTED_STATUS = 'STARTED';

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** How a refused value is quoted in an error message: short, and never the whole of a hostile value. */
function quoted(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The canonical decimal string of a ZDX id (alert, device and application ids are integers: the
 * API's `Alert.id`, `/devices/{deviceid}/apps/{appid}`), sent as a number or a string of digits;
 * `undefined` for anything else. Leading zeros are dropped so `"007"` and `7` are the same alert.
 */
export function canonicalZdxId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const id = Number(value.trim());
  return Number.isSafeInteger(id) ? String(id) : undefined;
}

/** A ZDX id of `kind` (e.g. `alert`), as {@link canonicalZdxId}, with a message that says what is expected. */
export function zdxIdSchema(kind: string) {
  const expected = (value: unknown) => `must be a ZDX ${kind} id: a whole number such as 7263519 (got ${quoted(value)})`;
  // The type check comes first so a missing id is a type error (which lets a union pick the branch
  // that was meant); a number or string that is not an id is then refused by value.
  return z.union([z.number(), z.string()], { error: (issue) => expected(issue.input) }).transform((value, context) => {
    const id = canonicalZdxId(value);
    if (id !== undefined) return id;
    context.addIssue({ code: 'custom', continue: true, message: expected(value) });
    return z.NEVER;
  });
}

/** ZDX alert ids (zdx-api.md §3.3 `Alert.id` integer; §6 webhook `alertId`). */
export const AlertIdSchema = z.lazy(() => zdxIdSchema('alert'));

/**
 * Severity: `High`, `Medium` or `Low` in any case, canonicalised. Anything else is refused rather
 * than traced or filtered on a guess: the severity filter cannot rank it, and the sender learns
 * at once (400) instead of the alert being silently treated as one level or another.
 */
const SeveritySchema = z.lazy(() =>
  z.unknown().transform((value, context) => {
    const rank = typeof value === 'string' ? severityRank(value) : undefined;
    if (rank !== undefined) return ALERT_SEVERITIES[rank]!;
    context.addIssue({ code: 'custom', message: `must be ${ALERT_SEVERITIES.slice().reverse().join(', ').replace(/, (?=[^,]*$)/, ' or ')} (got ${quoted(value)})` });
    return z.NEVER;
  }),
);

/** Bounds on what is kept of body fields this project does not know (`extra`). */
export const EXTRA_LIMITS = {
  /** Nesting depth of one kept value (`{"a":{"b":1}}` is 2); the documented body is at most 4 deep. */
  maxDepth: 8,
  /** JSON characters of one kept value. */
  maxFieldChars: 2_048,
  /** JSON characters of all kept values together. */
  maxTotalChars: 8_192,
  /** Fields kept. */
  maxFields: 32,
} as const;

/** True when `value` nests deeper than `maxDepth`; looks no deeper than that, so it never recurses far. */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth <= 0) return true;
  return Object.values(value).some((child) => nestsDeeperThan(child, maxDepth - 1));
}

const StatusSchema = z.lazy(() =>
  z
    .string({ error: 'must be a string such as "STARTED"' })
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((value) => !CONTROL_CHARS.test(value), 'must not contain control characters')
    .refine((value) => value.isWellFormed(), 'must be valid Unicode text')
    .transform((value) => value.toUpperCase()),
);

/**
 * Text fields: strings (numbers converted), shortened to `max` characters. Lone surrogates become
 * U+FFFD so what is stored and sent on is always valid Unicode.
 */
function text(max: number) {
  return z
    .union([z.string(), z.number().transform(String)])
    .transform((value) => value.toWellFormed().trim())
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
    .object({
      min: z.number().finite().optional().catch(undefined),
      max: z.number().finite().optional().catch(undefined),
      avg: z.number().finite().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
);

// Plain objects (unknown keys stripped): the criteria are read, never passed on as they came.
export const CriteriaSchema = z.lazy(() => z.object({
  op: text(16).optional().catch(undefined),
  conditions: z
    .array(
      z.object({
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
  /** Body fields this project does not know, kept for logs and future use (bounded: {@link EXTRA_LIMITS}). */
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
 * field is wrong and how (e.g. `alertId: must be a ZDX alert id: a whole number such as 7263519 (got
 * "abc")`).
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
  // A missing severity passes the filter (zdx-api.md §6 lists it, but an alert is not lost over it).
  const severity = record.severity === undefined || record.severity === null ? undefined : SeveritySchema.safeParse(record.severity);
  if (severity?.success === false) issues.push(`severity: ${firstMessage(severity.error)}`);
  if (!alertId.success || !status.success || severity?.success === false) {
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
  if (severity?.success) optional.severity = severity.data;
  const unknown = Object.entries(record).filter(([name]) => !Object.hasOwn(KNOWN_FIELDS, name));
  const alert = { ...optional, alertId: alertId.data, status: status.data, extra: boundedExtra(unknown, warnings) } as WebhookAlert;
  return { alert, warnings };
}

const KNOWN_FIELDS = { ...OPTIONAL_FIELDS, alertId: true, status: true, severity: true } as const;

/** The unknown fields worth keeping, within {@link EXTRA_LIMITS}; a warning for each one dropped. */
function boundedExtra(fields: ReadonlyArray<[string, unknown]>, warnings: string[]): Record<string, unknown> {
  const kept: Array<[string, unknown]> = [];
  let total = 0;
  for (const [index, [name, value]] of fields.entries()) {
    const label = `${name.length > 64 ? `${name.slice(0, 63)}…` : name}: not kept`;
    if (kept.length >= EXTRA_LIMITS.maxFields) {
      warnings.push(`${fields.length - index} more unknown fields not kept: at most ${EXTRA_LIMITS.maxFields} are`);
      break;
    }
    if (name.length > 128) {
      warnings.push(`${label}, the field name is over 128 characters`);
      continue;
    }
    if (nestsDeeperThan(value, EXTRA_LIMITS.maxDepth)) {
      warnings.push(`${label}, nested deeper than ${EXTRA_LIMITS.maxDepth} levels`);
      continue;
    }
    const size = JSON.stringify(value)?.length ?? 0;
    if (size > EXTRA_LIMITS.maxFieldChars || total + size > EXTRA_LIMITS.maxTotalChars) {
      warnings.push(`${label}, ${size} characters of JSON (at most ${EXTRA_LIMITS.maxFieldChars} each, ${EXTRA_LIMITS.maxTotalChars} in all)`);
      continue;
    }
    total += size;
    kept.push([name, value]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays data instead of a prototype.
  return Object.fromEntries(kept);
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is invalid';
}
