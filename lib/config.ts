/**
 * The deployment configuration: cdk.json context key `zsa`, validated with zod at synth.
 *
 * Sources, later ones layered over earlier ones (objects merge key by key, arrays and values replace):
 * 1. `context.zsa` in cdk.json, or `-c zsa='{"...": ...}'` on the command line (a JSON string; the CLI
 *    replaces the cdk.json value as a whole);
 * 2. `-c zsaConfigFile=path/to/config.json` (relative to the working directory).
 *
 * Every rejection names the full key, e.g. `zsa.accountMappings.1234: expected a 12-digit AWS account id`.
 * Unknown keys are rejected too, so a typo never silently falls back to a default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../lambdas/core/errors.js';
import { DEFAULT_ONEAPI_BASE_URL, ZDX_AUTH_MODES, zidentityTokenUrl, type ZdxAuth } from '../lambdas/zscaler/zdx/oneapi.js';
import { ZDX_RATE_TIERS } from '../lambdas/core/rate-budget/zdx-rate-tiers.js';

/** Context key of the configuration object. */
export const CONFIG_CONTEXT_KEY = 'zsa';
/** Context key of an optional JSON file layered over {@link CONFIG_CONTEXT_KEY}. */
export const CONFIG_FILE_CONTEXT_KEY = 'zsaConfigFile';
/** Name of the env var that carries {@link PipelineSettings} to every Lambda. */
export const PIPELINE_SETTINGS_ENV = 'PIPELINE_SETTINGS';
/**
 * Upper bound for the PIPELINE_SETTINGS value. Lambda allows 4 KB for all env vars of a function
 * together; the rest is left for table name, secret ARNs, state machine ARNs and the Node options.
 */
export const PIPELINE_SETTINGS_MAX_BYTES = 2800;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Deep-trace session lengths ZDX supports (minutes). */
export const SESSION_LENGTHS_MINUTES = [5, 15, 30, 60] as const;

/** ZDX alert severities, lowest first. */
export const ALERT_SEVERITIES = ['Low', 'Medium', 'High'] as const;

/** Result severities a notification channel can filter on (lowest first), as the notifiers rank them. */
export const NOTIFICATION_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** Result kinds a channel can opt into; failure reports always go to every enabled channel. */
export const RESULT_KINDS = ['scan', 'diagnostics'] as const;

const ACCOUNT_ID_MESSAGE = 'expected a 12-digit AWS account id';
const GUID_MESSAGE = 'expected a GUID like 00000000-0000-4000-8000-000000000001';
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A 12-digit AWS account id as a string (a JSON number would lose leading zeros). */
const AwsAccountId = z.string({
  error: (issue) =>
    typeof issue.input === 'number'
      ? `${ACCOUNT_ID_MESSAGE} as a string (quote it: a number loses leading zeros)`
      : issue.input === undefined
        ? 'is required'
        : ACCOUNT_ID_MESSAGE,
}).regex(/^\d{12}$/, ACCOUNT_ID_MESSAGE);

const Guid = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : GUID_MESSAGE) }).regex(GUID_PATTERN, GUID_MESSAGE);

const BaseUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => new URL(value).origin);

/** Host-only base URL: https, or http on loopback (the simulator). The clients add their own paths. */
function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected an absolute URL like https://api.example.net, received "${value}"`;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return 'expected an https URL (http is accepted only for 127.0.0.1/localhost, the simulator)';
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    return 'expected the host only (no path, query or credentials): the clients add /v1 or the API root themselves';
  }
  return undefined;
}

/**
 * Lets a cross-field check run although other keys of the same object have problems, as long as the
 * keys it reads (given as paths from that object) are valid: zod skips a refinement after an aborting
 * issue anywhere in the object, which would show these problems only in a second round.
 */
const whenValid = (...paths: ReadonlyArray<readonly string[]>) => ({
  when: (payload: z.core.ParsePayload): boolean =>
    isPlainObject(payload.value) && !payload.issues.some((issue) => paths.some((path) => overlaps(issue.path ?? [], path))),
});

/** True when one path lies on the other (a problem at `scan` also breaks `scan.accounts`, and the reverse). */
function overlaps(a: readonly PropertyKey[], b: readonly string[]): boolean {
  const shared = Math.min(a.length, b.length);
  for (let index = 0; index < shared; index++) if (String(a[index]) !== b[index]) return false;
  return true;
}

/**
 * An integer in [min, max]; `tooBig` replaces zod's generic message when the maximum has a reason.
 * Whole-number-ness is a plain refinement rather than zod's `.int()`, which aborts the enclosing
 * object's checks and would hide its cross-field problems until a second round.
 */
const intIn = (min: number, max: number, tooBig?: string) =>
  z
    .number()
    .refine(Number.isInteger, { error: (issue) => `expected a whole number, received ${String(issue.input)}` })
    .min(min)
    .max(max, tooBig ? { error: tooBig } : undefined);

const uniqueStrings = <T extends z.ZodType<string>>(item: T, what: string) =>
  z.array(item).superRefine((values, ctx) => {
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
      const key = value.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index], message: `${what} "${value}" is listed twice (also at index ${first})` });
      } else {
        seen.set(key, index);
      }
    });
  });

/** CloudFormation stack name glob: letters, digits and hyphens, with `*` and `?` wildcards. */
const StackNameGlob = z.string().regex(/^[A-Za-z0-9*?-]{1,128}$/, 'expected a stack name pattern of letters, digits, "-", "*" and "?"');

const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS Region code like eu-west-1');

const Severity = z.enum(ALERT_SEVERITIES);

const Email = z.email('expected an email address');

/** One mapping from an AWS account to the ZCSPM cloud account that represents it. */
const AccountMappingEntry = z.strictObject({
  /** AWS account id, e.g. `111122223333`. */
  awsAccountId: AwsAccountId,
  /** The ZCSPM cloud account GUID (ZCSPM portal > Accounts, or `zsa doctor`). */
  zcspmAccountId: Guid,
  /** A readable name for messages, e.g. `payments-prod`. */
  name: z.string().min(1).max(64).optional(),
});
export type AccountMapping = z.infer<typeof AccountMappingEntry>;

/** Value of the object form when it is not the GUID alone: `{ zcspmAccountId, name? }`. */
const AccountMappingValue = AccountMappingEntry.omit({ awsAccountId: true });

const MAPPINGS_SHAPE_MESSAGE =
  'expected an object {"<AWS account id>": "<ZCSPM account GUID>"} or an array [{"awsAccountId", "zcspmAccountId", "name"?}]';

/**
 * Account mappings in either form, normalized to an array. A JSON object cannot carry the same key
 * twice (the parser keeps the last one), so only the array form can reveal a duplicated AWS account;
 * both forms reject an AWS account or a ZCSPM account that appears twice.
 */
const AccountMappings = z.unknown().optional().transform((input, ctx): AccountMapping[] => {
  if (input === undefined) return [];
  const entries: AccountMapping[] = [];
  const paths: PropertyKey[] = [];
  if (Array.isArray(input)) {
    input.forEach((item, index) => {
      const parsed = AccountMappingEntry.safeParse(item, { error: defaultMessage });
      if (parsed.success) {
        entries.push(parsed.data);
        paths.push(index);
      } else {
        for (const issue of flattenIssues(parsed.error.issues)) {
          ctx.addIssue({ code: 'custom', path: [index, ...issue.path], message: issue.message });
        }
      }
    });
  } else if (isPlainObject(input)) {
    for (const [awsAccountId, value] of Object.entries(input)) {
      const key = AwsAccountId.safeParse(awsAccountId);
      if (!key.success) ctx.addIssue({ code: 'custom', path: [awsAccountId], message: ACCOUNT_ID_MESSAGE });
      const parsed = isPlainObject(value)
        ? AccountMappingValue.safeParse(value, { error: defaultMessage })
        : Guid.transform((zcspmAccountId) => ({ zcspmAccountId })).safeParse(value, { error: () => GUID_MESSAGE });
      if (!parsed.success) {
        for (const issue of flattenIssues(parsed.error.issues)) {
          ctx.addIssue({ code: 'custom', path: [awsAccountId, ...issue.path], message: issue.message });
        }
      } else if (key.success) {
        entries.push({ awsAccountId, ...parsed.data });
        paths.push(awsAccountId);
      }
    }
  } else {
    ctx.addIssue({ code: 'custom', message: MAPPINGS_SHAPE_MESSAGE });
    return z.NEVER;
  }
  const arrayForm = Array.isArray(input);
  reportDuplicates(entries, paths, arrayForm, 'awsAccountId', (entry) => entry.awsAccountId, (entry, where) =>
    `AWS account ${entry.awsAccountId} is mapped twice (also at ${where}); each AWS account maps to exactly one ZCSPM cloud account`,
  );
  reportDuplicates(entries, paths, arrayForm, 'zcspmAccountId', (entry) => entry.zcspmAccountId.toLowerCase(), (entry, where) =>
    `ZCSPM account ${entry.zcspmAccountId} is mapped twice (also at ${where}); a ZCSPM cloud account stands for exactly one AWS account`,
  );
  return entries;

  function reportDuplicates(
    all: readonly AccountMapping[],
    at: readonly PropertyKey[],
    isArray: boolean,
    field: keyof AccountMapping,
    keyOf: (entry: AccountMapping) => string,
    message: (entry: AccountMapping, where: string) => string,
  ): void {
    const first = new Map<string, PropertyKey>();
    all.forEach((entry, index) => {
      const path = at[index] as PropertyKey;
      const earlier = first.get(keyOf(entry));
      if (earlier === undefined) {
        first.set(keyOf(entry), path);
        return;
      }
      const where = isArray ? `index ${String(earlier)}` : `key ${String(earlier)}`;
      ctx.addIssue({ code: 'custom', path: isArray ? [path, field] : [path], message: message(entry, where) });
    });
  }
});

/** Per-channel routing: which results a channel receives (failure reports always go out). */
const routingShape = {
  /** Result kinds this channel receives. @default ['scan', 'diagnostics'] */
  kinds: uniqueStrings(z.enum(RESULT_KINDS), 'kind').min(1, 'expected at least one kind').default([...RESULT_KINDS]),
  /** Lowest result severity delivered (diagnostics). @default 'info' (all) */
  minSeverity: z.enum(NOTIFICATION_SEVERITIES).default('info'),
  /**
   * Posture thresholds for scan results: delivered when ANY given condition holds; with none, every
   * scan is delivered. @default {} @example { "whenCompliancePercentBelow": 90, "whenNewFailuresAtLeast": 1 }
   */
  scan: z
    .strictObject({
      /** Deliver a scan whose headline compliance is below this percentage. */
      whenCompliancePercentBelow: z.number().min(0).max(100).optional(),
      /** Deliver a scan that introduced at least this many new failures. */
      whenNewFailuresAtLeast: z.number().int().min(1).optional(),
    })
    .prefault({}),
};

const SlackSettings = z
  .strictObject({
    /** Post to Slack (credentials in the `slack` secret). @default false */
    enabled: z.boolean().default(false),
    /** `webhook`: incoming webhook, one message per result; `bot`: bot token + channel, messages updated in place. @default 'webhook' */
    mode: z.enum(['webhook', 'bot']).default('webhook'),
    ...routingShape,
  })
  .prefault({});

const SnsSettings = z
  .strictObject({
    /** Publish results to the notification topic. @default true */
    enabled: z.boolean().default(true),
    /** Email addresses subscribed to every message on the topic. @default [] @example ["secops@example.com"] */
    emails: uniqueStrings(Email, 'email').default([]),
    ...routingShape,
  })
  .prefault({});

const EventBridgeSettings = z
  .strictObject({
    /** Put result events (`ScanCompleted`, `DiagnosticsCompleted`, failures) on a bus. @default false */
    enabled: z.boolean().default(false),
    /** Target bus name. @default 'default' */
    busName: z
      .string()
      .regex(/^[A-Za-z0-9._\-/]{1,256}$/, 'expected an EventBridge bus name (letters, digits, . _ - /)')
      .default('default'),
    ...routingShape,
  })
  .prefault({});

const ScanSettings = z
  .strictObject({
    /** Stack statuses that mean "this deployment changed the account". @default ['CREATE_COMPLETE','UPDATE_COMPLETE','IMPORT_COMPLETE'] */
    triggerStatuses: uniqueStrings(z.string().regex(/^[A-Z][A-Z_]*$/, 'expected a CloudFormation status like UPDATE_COMPLETE'), 'status')
      .min(1, 'expected at least one status')
      .default(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']),
    /** Also scan when a StackSet instance reports SUCCEEDED. @default true */
    includeStackSetInstances: z.boolean().default(true),
    /** Stack name globs that may trigger a scan; empty means every stack. @default [] @example ["app-*"] */
    stackNameInclude: uniqueStrings(StackNameGlob, 'pattern').default([]),
    /** Stack name globs that never trigger a scan (wins over include). @default [] @example ["*-sandbox"] */
    stackNameExclude: uniqueStrings(StackNameGlob, 'pattern').default([]),
    /** AWS accounts whose deployments trigger scans; empty means every mapped account. @default [] */
    accounts: uniqueStrings(AwsAccountId, 'account').default([]),
    /** Regions whose deployments trigger scans; empty means every Region. @default [] @example ["eu-west-1"] */
    regions: uniqueStrings(Region, 'Region').default([]),
    /** Seconds a scan window stays open for more deployments before the scan starts. @default 60 */
    debounceSeconds: intIn(0, 3600).default(60),
    /** ZCSPM benchmark ids summarized in each report; the first one is the headline. @default ['CSBP'] */
    benchmarks: uniqueStrings(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a benchmark id like CSBP'), 'benchmark')
      .min(1, 'expected at least one benchmark')
      .default(['CSBP']),
    /** Overall timeout of one scan execution (minutes). @default 120 */
    timeoutMinutes: intIn(5, 24 * 60).default(120),
    /** Longest wait between two status checks (seconds). @default 120 */
    maxPollIntervalSeconds: intIn(5, 3600).default(120),
    /** Shortest wait between two status checks (seconds). @default 15 */
    minPollIntervalSeconds: intIn(5, 3600).default(15),
    /** Token lifetime set on the ZCSPM API application ("Token Expiry"), minutes. @default 60 */
    zcspmTokenLifetimeMinutes: intIn(5, 24 * 60).default(60),
  })
  .superRefine((scan, ctx) => {
    if (scan.minPollIntervalSeconds > scan.maxPollIntervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['minPollIntervalSeconds'],
        message: `must not exceed maxPollIntervalSeconds (${scan.maxPollIntervalSeconds})`,
      });
    }
  }, whenValid(['minPollIntervalSeconds'], ['maxPollIntervalSeconds']))
  .prefault({});

const DiagnosticsSettings = z
  .strictObject({
    /** Lowest alert severity that starts diagnostics. @default 'Medium' */
    minSeverity: Severity.default('Medium'),
    /**
     * Devices traced per alert at most; the rest are reported as capped. At most 100: each traced
     * device carries about 1.5 KB of evidence through the Map, and Step Functions state is 256 KiB.
     * @default 50
     */
    maxDevicesPerAlert: intIn(1, 100, 'at most 100: each traced device carries its evidence through the state machine, whose state is limited to 256 KiB').default(50),
    /** A device traced within this many minutes is skipped. @default 60 */
    deviceCooldownMinutes: intIn(0, 7 * 24 * 60).default(60),
    /**
     * Active deep traces this integration holds at once across the tenant. ZDX documents 15 for the
     * whole tenant, portal sessions included (some tiers allow 25/100), so the default leaves 5 for
     * people working in the portal. @default 10
     */
    tenantTraceCap: intIn(1, 100).default(10),
    /** Deep-trace session length: 5, 15, 30 or 60 minutes. @default 5 */
    sessionLengthMinutes: z.literal(SESSION_LENGTHS_MINUTES, { error: 'expected one of 5, 15, 30, 60' }).default(5),
    /** Collect device health (CPU, memory, Wi-Fi) during the trace. @default true */
    probeDevice: z.boolean().default(true),
    /** Devices handled in parallel by the Map state. @default 10 */
    mapConcurrency: intIn(1, 40).default(10),
    /**
     * The tenant's ZDX licence tier (zdx-api.md §5.3): 1 = 5/s, 30/min, 1,000/h, 10,000/day; 2 = 60/min,
     * 3,000/h, 15,000/day; 3 = 120/min, 6,000/h, 30,000/day; 4 = 180/min, 9,000/h, 60,000/day. The
     * explicit per-window keys below override it. @default 1
     */
    zdxRateTier: z.literal([1, 2, 3, 4], { error: 'expected a ZDX licence tier: 1, 2, 3 or 4' }).default(1),
    /** Tenant ZDX rate limit per second shared by every Lambda. @default the tier's (5) */
    zdxRatePerSecond: intIn(1, 100).optional(),
    /** Tenant ZDX rate limit per minute. @default the tier's (30/60/120/180) */
    zdxRatePerMinute: intIn(1, 10_000).optional(),
    /** Tenant ZDX rate limit per hour. @default the tier's (1,000/3,000/6,000/9,000) */
    zdxRatePerHour: intIn(1, 1_000_000).optional(),
    /** Tenant ZDX rate limit per day. @default the tier's (10,000/15,000/30,000/60,000) */
    zdxRatePerDay: intIn(1, 10_000_000).optional(),
    /** The first look also asks Zscaler's score analysis (2 more ZDX calls per device; the tenant must offer it). @default false */
    firstLookScoreAnalysis: z.boolean().default(false),
    /**
     * Fraction of the tenant's ZDX budget (every window) this integration may use; the rest stays
     * for the ZDX portal and other API users of the tenant. @default 0.5
     */
    zdxRateShare: z.number().gt(0, { error: 'must be more than 0' }).max(1, { error: 'must be at most 1 (the whole tenant budget)' }).default(0.5),
  })
  .transform(({ zdxRateTier, ...diagnostics }) => {
    const tier = ZDX_RATE_TIERS[zdxRateTier];
    return {
      ...diagnostics,
      zdxRateTier,
      zdxRatePerSecond: diagnostics.zdxRatePerSecond ?? tier.perSecond,
      zdxRatePerMinute: diagnostics.zdxRatePerMinute ?? tier.perMinute,
      zdxRatePerHour: diagnostics.zdxRatePerHour ?? tier.perHour,
      zdxRatePerDay: diagnostics.zdxRatePerDay ?? tier.perDay,
    };
  })
  .superRefine((diagnostics, ctx) => {
    const windows = [
      ['zdxRatePerSecond', diagnostics.zdxRatePerSecond],
      ['zdxRatePerMinute', diagnostics.zdxRatePerMinute],
      ['zdxRatePerHour', diagnostics.zdxRatePerHour],
      ['zdxRatePerDay', diagnostics.zdxRatePerDay],
    ] as const;
    for (let i = 0; i + 1 < windows.length; i++) {
      const [name, value] = windows[i]!;
      const [longer, longerValue] = windows[i + 1]!;
      if (value > longerValue) ctx.addIssue({ code: 'custom', path: [name], message: `must not exceed ${longer} (${longerValue})` });
    }
  }, whenValid(['zdxRatePerSecond'], ['zdxRatePerMinute']))
  .prefault({});

/**
 * How ZDX is reached: the legacy ZDX API key on `zdxBaseUrl`, or a ZIdentity API client through the
 * OneAPI gateway. The ZDX secret holds `{ keyId, keySecret }` or `{ clientId, clientSecret | privateKey }` to match.
 */
const ZdxSettings = z
  .strictObject({
    /** `api-key` (legacy ZDX API key) or `oneapi` (ZIdentity client credentials). @default 'api-key' */
    auth: z.enum(ZDX_AUTH_MODES).default('api-key'),
    /** ZIdentity vanity domain: the token URL becomes `https://<vanityDomain>.zslogin.net/oauth2/v1/token`. @example 'acme' */
    vanityDomain: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'expected the vanity domain label only, like acme (not a URL)').optional(),
    /** ZIdentity token URL, for other clouds or the simulator; overrides `vanityDomain`. @example 'https://acme.zsloginbeta.net/oauth2/v1/token' */
    tokenUrl: z
      .string()
      .superRefine((value, ctx) => {
        // Same host rules as the API hosts (https, or http on loopback), but with the token path.
        const url = URL.canParse(value) ? new URL(value) : undefined;
        const problem = url === undefined ? baseUrlProblem(value) : url.pathname === '/' ? 'expected the full token URL, e.g. https://acme.zslogin.net/oauth2/v1/token' : baseUrlProblem(url.origin);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** OneAPI gateway host (the client adds /zdx/v1). @default 'https://api.zsapi.net' @example 'https://api.beta.zsapi.net' */
    oneApiBaseUrl: BaseUrl.default(DEFAULT_ONEAPI_BASE_URL),
  })
  .superRefine((zdx, ctx) => {
    if (zdx.auth === 'oneapi' && zdx.vanityDomain === undefined && zdx.tokenUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['vanityDomain'], message: 'auth "oneapi" needs vanityDomain (or tokenUrl) to find the ZIdentity token endpoint' });
    }
  })
  .prefault({});

const WebhookSettings = z
  .strictObject({
    /** Largest accepted webhook body in bytes. @default 65536 (64 KiB) */
    maxBodyBytes: intIn(1024, 1024 * 1024).default(64 * 1024),
    /** Endpoint throttling: steady requests per second and burst. @default { rate: 10, burst: 20 } */
    throttle: z
      .strictObject({
        rate: intIn(1, 10_000).default(10),
        burst: intIn(1, 5_000).default(20),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * The zod schema of `context.zsa`. Every key is documented with its default; see the README's
 * configuration reference for examples.
 */
export const ZsaConfigSchema = z
  .strictObject({
    /** ZDX API host (the client adds /v1). @default 'https://api.zdxcloud.net' @example 'https://api.zdxbeta.net' */
    zdxBaseUrl: BaseUrl.default('https://api.zdxcloud.net'),
    /** ZDX authentication: legacy API key (default) or OneAPI through ZIdentity. */
    zdx: ZdxSettings,
    /** ZCSPM API host. @default 'https://api.cloudneeti.com' @example 'https://trialapi.cloudneeti.com' */
    zcspmBaseUrl: BaseUrl.default('https://api.cloudneeti.com'),
    /** ZCSPM license GUID (required). @example '00000000-0000-4000-8000-000000000001' */
    zcspmLicenseId: Guid,
    /**
     * AWS account -> ZCSPM cloud account. Object form `{"111122223333": "<guid>"}` (value may also be
     * `{ "zcspmAccountId", "name" }`) or array form `[{ "awsAccountId", "zcspmAccountId", "name"? }]`.
     * Normalized to the array form. @default []
     */
    accountMappings: AccountMappings,
    /** AWS Organization whose accounts may send CloudFormation events to the central bus. @example 'o-a1b2c3d4e5' */
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an AWS Organizations id like o-a1b2c3d4e5').optional(),
    /** Accounts (outside or inside the organization) that may send events to the central bus. @default [] */
    memberAccountIds: uniqueStrings(AwsAccountId, 'account').default([]),
    /** Post-deploy scan pipeline. */
    scan: ScanSettings,
    /** Alert diagnostics pipeline. */
    diagnostics: DiagnosticsSettings,
    /** Notification channels and their routing thresholds. */
    notifications: z
      .strictObject({
        /** Short label of this deployment shown in messages, e.g. `prod`. @default none */
        environment: z.string().min(1).max(40).optional(),
        slack: SlackSettings,
        sns: SnsSettings,
        eventBridge: EventBridgeSettings,
      })
      .prefault({}),
    /** ZDX webhook endpoint. */
    webhook: WebhookSettings,
    /**
     * AWS Security Hub (CSPM) findings from every scan: one per failed asset and policy, fixed ones
     * archived. Security Hub must be enabled in each scanned account and Region. @default { enabled: false, regions: [] }
     */
    securityHub: z
      .strictObject({
        /** Import the findings of every scan. @default false */
        enabled: z.boolean().default(false),
        /** Regions whose Security Hub receives the findings. @default [] (the central stack's Region) */
        regions: uniqueStrings(Region, 'Region').default([]),
      })
      .prefault({}),
    /** Retention of every Lambda and state machine log group (a CloudWatch Logs period). @default 30 */
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `expected a CloudWatch Logs retention period: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    /** Email subscribed to the notification topic for alarm messages only. @example 'oncall@example.com' */
    alarmEmail: Email.optional(),
  })
  .superRefine((config, ctx) => {
    const mapped = new Set(config.accountMappings.map((mapping) => mapping.awsAccountId));
    config.scan.accounts.forEach((account, index) => {
      if (!mapped.has(account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['scan', 'accounts', index],
          message: `AWS account ${account} has no entry in zsa.accountMappings, so it cannot be scanned`,
        });
      }
    });
  }, whenValid(['scan', 'accounts'], ['accountMappings']));

/** The validated deployment configuration. */
export type ZsaConfig = z.infer<typeof ZsaConfigSchema>;
/** What may be written in cdk.json (defaults applied by {@link parseConfig}). */
export type ZsaConfigInput = z.input<typeof ZsaConfigSchema>;

/** Raw context values, for callers without a construct (tests, the CLI, the sandbox). */
export interface RawConfigContext {
  readonly [CONFIG_CONTEXT_KEY]?: unknown;
  readonly [CONFIG_FILE_CONTEXT_KEY]?: unknown;
}

interface ContextSource {
  readonly node: { tryGetContext(key: string): unknown };
}

/** One source of configuration, in the order they are layered. */
interface ConfigLayer {
  /** How messages name it, e.g. `cdk.json context "zsa"`, `-c zsa=...`, `./prod.json`. */
  readonly name: string;
  readonly value: unknown;
}

const CDK_JSON_LAYER = `cdk.json context "${CONFIG_CONTEXT_KEY}"`;

/**
 * Reads, layers and validates the configuration from a construct's context (usually the App) or from
 * raw context values. Layers, each merged onto the one before: `cdk.json` context `zsa`; a
 * `-c zsa='{...}'` on the command line (the CDK would let it replace the whole block, so it is merged
 * onto the `cdk.json` in the working directory instead); the file named by `-c zsaConfigFile=FILE`.
 * Throws {@link ConfigError} listing every problem as `zsa.<key>: <what is wrong>`, naming the layers.
 */
export function loadConfig(source: ContextSource | RawConfigContext, options: { readonly cwd?: string } = {}): ZsaConfig {
  const context: RawConfigContext = isContextSource(source)
    ? {
        [CONFIG_CONTEXT_KEY]: source.node.tryGetContext(CONFIG_CONTEXT_KEY),
        [CONFIG_FILE_CONTEXT_KEY]: source.node.tryGetContext(CONFIG_FILE_CONTEXT_KEY),
      }
    : source;
  const layers: ConfigLayer[] = [];
  const inline = context[CONFIG_CONTEXT_KEY];
  if (typeof inline === 'string') {
    const cdkJson = readCdkJsonConfig(options.cwd ?? process.cwd());
    if (cdkJson !== undefined) layers.push({ name: CDK_JSON_LAYER, value: cdkJson });
    layers.push({ name: `-c ${CONFIG_CONTEXT_KEY}=...`, value: readContextValue(inline) });
  } else if (inline !== undefined && inline !== null) {
    layers.push({ name: CDK_JSON_LAYER, value: inline });
  }
  const file = context[CONFIG_FILE_CONTEXT_KEY];
  if (file !== undefined && file !== null && file !== '') {
    if (typeof file !== 'string') throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: expected a file path`);
    layers.push({ name: file, value: readConfigFile(file) });
  }
  const merged = layers.reduce<unknown>((base, layer) => mergeConfig(base, layer.value), {});
  return parseConfig(merged, layers.length > 0 ? layers.map((layer) => layer.name).join(' + ') : CDK_JSON_LAYER);
}

/** `context.zsa` of the `cdk.json` in `dir`, or undefined when there is none. */
export function readCdkJsonConfig(dir: string): unknown {
  const path = resolvePath(dir, 'cdk.json');
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const context = (parsed as { context?: Record<string, unknown> } | null)?.context;
  return context?.[CONFIG_CONTEXT_KEY];
}

/**
 * Validates one raw configuration object (the value of `context.zsa`); `source` names where it came
 * from in the error heading. Every problem is reported in one round.
 */
export function parseConfig(raw: unknown, source: string = CDK_JSON_LAYER): ZsaConfig {
  const result = ZsaConfigSchema.safeParse(raw, { error: defaultMessage });
  if (result.success) return result.data;
  const lines = flattenIssues(result.error.issues, ZsaConfigSchema).map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`Invalid deployment configuration (${source}):\n${lines.join('\n')}`);
}

/** The sandbox license id the simulator and the shipped cdk.json use: never a real tenant's. */
export const PLACEHOLDER_LICENSE_ID = '00000000-0000-4000-8000-000000000001';

/**
 * What a valid configuration still cannot do in a real deployment, said at synth as warnings (the
 * shipped `cdk.json` is valid, so it runs locally, but scans nothing in a real account).
 */
export function configWarnings(config: ZsaConfig): string[] {
  const warnings: string[] = [];
  if (config.zcspmLicenseId === PLACEHOLDER_LICENSE_ID) {
    warnings.push(`${CONFIG_CONTEXT_KEY}.zcspmLicenseId is the sandbox placeholder ${PLACEHOLDER_LICENSE_ID}: set your ZCSPM license GUID before deploying`);
  }
  if (config.accountMappings.length === 0) {
    warnings.push(
      `${CONFIG_CONTEXT_KEY}.accountMappings is empty: every deployment will be reported as unmapped and none scanned ("npm run zsa -- accounts suggest" proposes mappings)`,
    );
  }
  return warnings;
}

/**
 * Layers `overlay` over `base`: plain objects merge key by key; arrays and other values replace.
 * Exported for the CLI, which layers the same way.
 */
export function mergeConfig(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay === undefined ? base : overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = mergeConfig(base[key], value);
  return merged;
}

function readContextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new ConfigError(`${CONFIG_CONTEXT_KEY}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function readConfigFile(path: string): unknown {
  const absolute = resolvePath(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: cannot read ${absolute} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE_CONTEXT_KEY}: ${absolute} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Env var names the Lambdas read (their parsers live in lambdas/; test/infra checks the two agree). */
export const RuntimeEnv = {
  /** The whole runtime subset as one JSON document ({@link PipelineSettings}). */
  PIPELINE_SETTINGS: PIPELINE_SETTINGS_ENV,
  ZDX_BASE_URL: 'ZDX_BASE_URL',
  /** `api-key` or `oneapi` (`zdx.auth`). */
  ZDX_AUTH: 'ZDX_AUTH',
  /** ZIdentity token URL; set only with `ZDX_AUTH=oneapi`. */
  ZDX_TOKEN_URL: 'ZDX_TOKEN_URL',
  ZCSPM_BASE_URL: 'ZCSPM_BASE_URL',
  ZCSPM_LICENSE_ID: 'ZCSPM_LICENSE_ID',
  ZCSPM_TOKEN_LIFETIME_SECONDS: 'ZCSPM_TOKEN_LIFETIME_SECONDS',
  ZDX_RATE_PER_SECOND: 'ZDX_RATE_PER_SECOND',
  ZDX_RATE_PER_MINUTE: 'ZDX_RATE_PER_MINUTE',
  ZDX_RATE_PER_HOUR: 'ZDX_RATE_PER_HOUR',
  ZDX_RATE_PER_DAY: 'ZDX_RATE_PER_DAY',
  /** Fraction of the tenant's ZDX budget the integration uses. */
  ZDX_RATE_SHARE: 'ZDX_RATE_SHARE',
  /** JSON, lambdas/scan/settings.ts `ScanSettingsSchema`. */
  SCAN_SETTINGS: 'SCAN_SETTINGS',
  /** JSON object `{ "<aws account id>": "<zcspm guid>" }`; only for small configurations (see `accountMappingsEnv`). */
  ACCOUNT_MAPPINGS: 'ACCOUNT_MAPPINGS',
  /** Name of the mappings file bundled with ScanRequest, relative to `LAMBDA_TASK_ROOT`. */
  ACCOUNT_MAPPINGS_FILE: 'ACCOUNT_MAPPINGS_FILE',
  /** JSON, lambdas/diagnostics/settings.ts `DiagnosticsSettingsSchema`. */
  DIAGNOSTICS_SETTINGS: 'DIAGNOSTICS_SETTINGS',
  /** JSON, lambdas/notify/settings.ts `NotificationSettingsSchema`. */
  NOTIFICATION_SETTINGS: 'NOTIFICATION_SETTINGS',
  /** JSON, lambdas/notify/settings.ts `SecurityHubSettingsSchema` (the scan's notify function only). */
  SECURITY_HUB_SETTINGS: 'SECURITY_HUB_SETTINGS',
} as const;

/**
 * The runtime-relevant subset of the configuration as one document: what every Lambda may need,
 * without the deploy-only keys (organization, member accounts, log retention, emails, throttling).
 * Account mappings are a compact object (`awsAccountId -> zcspmAccountId`) with the names apart.
 * As an env var this document is bounded by Lambda's 4 KB environment (about 30 accounts); the stack
 * does not use it for mappings: ScanRequest gets them as a bundled file ({@link accountMappingsEnv}).
 */
export interface PipelineSettings {
  readonly zdxBaseUrl: string;
  readonly zcspmBaseUrl: string;
  readonly zcspmLicenseId: string;
  readonly accountMappings: Readonly<Record<string, string>>;
  readonly accountNames: Readonly<Record<string, string>>;
  readonly scan: ZsaConfig['scan'];
  readonly diagnostics: ZsaConfig['diagnostics'];
  readonly notifications: {
    readonly environment?: string;
    readonly slack: ZsaConfig['notifications']['slack'];
    readonly sns: Omit<ZsaConfig['notifications']['sns'], 'emails'>;
    readonly eventBridge: ZsaConfig['notifications']['eventBridge'];
  };
  readonly webhook: { readonly maxBodyBytes: number };
}

/** Builds {@link PipelineSettings} from a validated configuration. */
export function pipelineSettings(config: ZsaConfig): PipelineSettings {
  const accountNames: Record<string, string> = {};
  for (const mapping of config.accountMappings) {
    if (mapping.name) accountNames[mapping.awsAccountId] = mapping.name;
  }
  const { emails: _emails, ...sns } = config.notifications.sns;
  return {
    zdxBaseUrl: config.zdxBaseUrl,
    zcspmBaseUrl: config.zcspmBaseUrl,
    zcspmLicenseId: config.zcspmLicenseId,
    accountMappings: accountMappingsRecord(config),
    accountNames,
    scan: config.scan,
    diagnostics: config.diagnostics,
    notifications: {
      ...(config.notifications.environment ? { environment: config.notifications.environment } : {}),
      slack: config.notifications.slack,
      sns,
      eventBridge: config.notifications.eventBridge,
    },
    webhook: { maxBodyBytes: config.webhook.maxBodyBytes },
  };
}

/**
 * `PIPELINE_SETTINGS`: {@link PipelineSettings} as compact JSON. Throws {@link ConfigError} when it
 * would not fit Lambda's env budget (about 30 account mappings with short names fit); organization-scale
 * mappings go through {@link accountMappingsFile} instead.
 */
export function pipelineSettingsEnv(config: ZsaConfig): { readonly PIPELINE_SETTINGS: string } {
  return { [RuntimeEnv.PIPELINE_SETTINGS]: fitEnv(RuntimeEnv.PIPELINE_SETTINGS, JSON.stringify(pipelineSettings(config))) };
}

/**
 * The discrete variables every Zscaler-facing function reads through lambdas/core/config.ts
 * (`EnvVar`): API hosts, license, ZCSPM token lifetime and the tenant's ZDX rate limits. Small enough
 * to give to every function (the stack puts them in `functionDefaults`).
 */
export function coreEnv(config: ZsaConfig): Readonly<Record<string, string>> {
  const zdx = zdxConnection(config);
  return {
    [RuntimeEnv.ZDX_BASE_URL]: zdx.baseUrl,
    [RuntimeEnv.ZDX_AUTH]: zdx.auth,
    ...(zdx.tokenUrl !== undefined ? { [RuntimeEnv.ZDX_TOKEN_URL]: zdx.tokenUrl } : {}),
    [RuntimeEnv.ZCSPM_BASE_URL]: config.zcspmBaseUrl,
    [RuntimeEnv.ZCSPM_LICENSE_ID]: config.zcspmLicenseId,
    [RuntimeEnv.ZCSPM_TOKEN_LIFETIME_SECONDS]: String(config.scan.zcspmTokenLifetimeMinutes * 60),
    [RuntimeEnv.ZDX_RATE_PER_SECOND]: String(config.diagnostics.zdxRatePerSecond),
    [RuntimeEnv.ZDX_RATE_PER_MINUTE]: String(config.diagnostics.zdxRatePerMinute),
    [RuntimeEnv.ZDX_RATE_PER_HOUR]: String(config.diagnostics.zdxRatePerHour),
    [RuntimeEnv.ZDX_RATE_PER_DAY]: String(config.diagnostics.zdxRatePerDay),
    [RuntimeEnv.ZDX_RATE_SHARE]: String(config.diagnostics.zdxRateShare),
  };
}

/** Where and how ZDX is called under `zdx.auth`: the API host, and for OneAPI the ZIdentity token URL. */
export interface ZdxConnection {
  readonly auth: ZdxAuth;
  readonly baseUrl: string;
  readonly tokenUrl?: string | undefined;
}

/** The {@link ZdxConnection} of a validated configuration. */
export function zdxConnection(config: ZsaConfig): ZdxConnection {
  if (config.zdx.auth === 'api-key') return { auth: 'api-key', baseUrl: config.zdxBaseUrl };
  const tokenUrl = config.zdx.tokenUrl ?? zidentityTokenUrl(config.zdx.vanityDomain ?? '');
  return { auth: 'oneapi', baseUrl: config.zdx.oneApiBaseUrl, tokenUrl };
}

/**
 * `SCAN_SETTINGS` (the scan use case's schema) for the scan functions.
 * `ownStack` (the integration stack's name or id, tokens allowed) is added by the workflow construct
 * with `Stack.toJsonString`; StackSet triggering (`includeStackSetInstances`) is decided by the rule.
 */
export function scanSettings(config: ZsaConfig): Record<string, unknown> {
  const { scan } = config;
  return {
    triggerStatuses: scan.triggerStatuses,
    ...(scan.stackNameInclude.length > 0 ? { includeStacks: scan.stackNameInclude } : {}),
    excludeStacks: scan.stackNameExclude,
    accounts: scan.accounts,
    regions: scan.regions,
    debounceSeconds: scan.debounceSeconds,
    benchmarks: scan.benchmarks,
    polling: {
      minIntervalSeconds: scan.minPollIntervalSeconds,
      maxIntervalSeconds: scan.maxPollIntervalSeconds,
      scanTimeoutSeconds: scan.timeoutMinutes * 60,
    },
  };
}

/**
 * Largest `ACCOUNT_MAPPINGS` value put in ScanRequest's environment (about 16 accounts). Above it the
 * mappings travel only in the bundled file ({@link accountMappingsFile}), so the function's 4 KB
 * environment stays small whatever the organization's size.
 */
export const ACCOUNT_MAPPINGS_INLINE_MAX_BYTES = 1024;

/** File name of the mappings inside ScanRequest's bundle (lambdas/scan/settings.ts reads it). */
export const ACCOUNT_MAPPINGS_FILE_NAME = 'account-mappings.json';

/**
 * `{ "<aws account id>": "<zcspm guid>" }` as compact JSON: the content of ScanRequest's bundled
 * {@link ACCOUNT_MAPPINGS_FILE_NAME}. No size limit: Lambda reads it from the deployment package
 * (about 60 bytes per account, so 10,000 accounts are 600 KB of a 250 MB package).
 */
export function accountMappingsFile(config: ZsaConfig): string {
  return JSON.stringify(accountMappingsRecord(config));
}

/**
 * ScanRequest's mapping variables: always `ACCOUNT_MAPPINGS_FILE` (the bundled file is the source in
 * Lambda), plus `ACCOUNT_MAPPINGS` when the JSON takes at most {@link ACCOUNT_MAPPINGS_INLINE_MAX_BYTES},
 * for local in-process runs (the sandbox reads function environments from the template).
 */
export function accountMappingsEnv(config: ZsaConfig): { readonly ACCOUNT_MAPPINGS_FILE: string; readonly ACCOUNT_MAPPINGS?: string } {
  const json = accountMappingsFile(config);
  return {
    [RuntimeEnv.ACCOUNT_MAPPINGS_FILE]: ACCOUNT_MAPPINGS_FILE_NAME,
    ...(Buffer.byteLength(json, 'utf8') <= ACCOUNT_MAPPINGS_INLINE_MAX_BYTES ? { [RuntimeEnv.ACCOUNT_MAPPINGS]: json } : {}),
  };
}

/** `DIAGNOSTICS_SETTINGS` (the diagnostics use case's schema) for the diagnostics functions. */
export function diagnosticsSettings(config: ZsaConfig): Record<string, unknown> {
  const { diagnostics } = config;
  return {
    minSeverity: diagnostics.minSeverity,
    perAlertDeviceCap: diagnostics.maxDevicesPerAlert,
    deviceCooldownMinutes: diagnostics.deviceCooldownMinutes,
    tenantTraceSlots: diagnostics.tenantTraceCap,
    sessionLengthMinutes: diagnostics.sessionLengthMinutes,
    probeDevice: diagnostics.probeDevice,
    firstLookScoreAnalysis: diagnostics.firstLookScoreAnalysis,
    webhookMaxBodyBytes: config.webhook.maxBodyBytes,
  };
}

/**
 * `NOTIFICATION_SETTINGS` (the notifiers' schema). The topic ARN is a deploy-time token: serialize
 * the result with `Stack.of(scope).toJsonString(...)`.
 */
export function notificationSettings(config: ZsaConfig, refs: { readonly topicArn: string }): Record<string, unknown> {
  const { environment, slack, sns, eventBridge } = config.notifications;
  type Route = Pick<ZsaConfig['notifications']['slack'], 'enabled' | 'kinds' | 'minSeverity' | 'scan'>;
  const route = ({ enabled, kinds, minSeverity, scan }: Route) => ({ enabled, kinds, minSeverity, scan });
  return {
    ...(environment ? { environment } : {}),
    slack: { ...route(slack), mode: slack.mode },
    sns: { ...route(sns), topicArn: refs.topicArn },
    eventBridge: { ...route(eventBridge), eventBusName: eventBridge.busName },
  };
}

/**
 * `SECURITY_HUB_SETTINGS` (lambdas/notify/settings.ts `SecurityHubSettingsSchema`) for the scan's
 * notify function, the only one with findings to import; undefined when Security Hub is off. Apart
 * from `NOTIFICATION_SETTINGS` so every notifying function keeps the same channel settings.
 */
export function securityHubSettings(config: ZsaConfig, refs: SecurityHubRefs): Record<string, unknown> | undefined {
  if (!config.securityHub.enabled) return undefined;
  return { enabled: true, regions: securityHubRegions(config, refs.region), centralAccountId: refs.accountId, partition: refs.partition };
}

/** The deploying stack's account, Region and partition (tokens allowed) for the Security Hub channel. */
export interface SecurityHubRefs {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

/** Regions whose Security Hub receives the findings: the configured ones, else `stackRegion`. */
export function securityHubRegions(config: ZsaConfig, stackRegion: string): string[] {
  return config.securityHub.regions.length > 0 ? [...config.securityHub.regions] : [stackRegion];
}

function accountMappingsRecord(config: ZsaConfig): Record<string, string> {
  return Object.fromEntries(config.accountMappings.map((mapping) => [mapping.awsAccountId, mapping.zcspmAccountId]));
}

function fitEnv(name: string, json: string): string {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > PIPELINE_SETTINGS_MAX_BYTES) {
    throw new ConfigError(
      `zsa.accountMappings: ${name} would take ${bytes} bytes, more than the ${PIPELINE_SETTINGS_MAX_BYTES} bytes ` +
        `Lambda's 4 KB environment leaves for it; shorten or drop mapping names, or deliver the mappings as a bundled file (accountMappingsFile)`,
    );
  }
  return json;
}

interface FlatIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Expands zod issues into one line each: unknown keys get their own path (and the closest known key
 * of `root` at that path, when one is close), record keys their inner message.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], root?: z.ZodType): FlatIssue[] {
  return issues.flatMap((issue): FlatIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = root ? knownKeysAt(root, issue.path) : [];
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: unknownKeyMessage(key, known) }));
    }
    if (issue.code === 'invalid_key') {
      return issue.issues.map((inner) => ({ path: issue.path, message: inner.message }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return flattenIssues(best).map((inner) => ({ path: [...issue.path, ...inner.path], message: inner.message }));
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/** `unknown key: did you mean "maxDevicesPerAlert"?`, or the keys that exist there. */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const scored = known.map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }));
  const best = scored.sort((a, b) => a.distance - b.distance)[0];
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return `unknown key: did you mean "${best.candidate}"?`;
  return known.length > 0 ? `unknown key (the keys here are: ${known.join(', ')})` : 'unknown key';
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The keys of the object schema at `path` below `schema` (through defaults, optionals and pipes). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const part of path) {
    const shape = (node?._zod.def as { shape?: Record<string, z.core.$ZodType> } | undefined)?.shape;
    node = shape ? unwrap(shape[String(part)]) : undefined;
  }
  const shape = (node?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let node = schema;
  for (let depth = 0; node && depth < 10; depth++) {
    const def = node._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; getter?: () => z.core.$ZodType };
    const next = def.innerType ?? def.in ?? def.getter?.();
    if (!next) return node;
    node = next;
  }
  return node;
}

function formatPath(path: readonly PropertyKey[]): string {
  return [CONFIG_CONTEXT_KEY, ...path.map((part) => String(part))].join('.');
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text (a JSON string)',
  boolean: 'true or false',
  array: 'a list [...]',
  object: 'an object {...}',
};

/** How a received JSON value is named in a message: `"abc"`, `1.5`, `a list`. */
function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 39)}…` : input}"`;
  return String(input);
}

/**
 * The project's wording for zod's generic problems (a schema's own message wins over this):
 * "is required", "expected a whole number, received 1.5", "must be at least 0".
 */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, received ${describeInput(issue.input)}`;
    case 'too_small': {
      const limit = String(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${limit} item${limit === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return limit === '1' ? 'must not be empty' : `needs at least ${limit} characters`;
      return issue.inclusive === false ? `must be greater than ${limit}` : `must be at least ${limit}`;
    }
    case 'too_big': {
      const limit = String(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${limit} item${limit === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at most ${limit} characters`;
      return issue.inclusive === false ? `must be less than ${limit}` : `must be at most ${limit}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, received ${describeInput(issue.input)}`;
    default:
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContextSource(source: ContextSource | RawConfigContext): source is ContextSource {
  const node = (source as { node?: unknown }).node;
  return typeof node === 'object' && node !== null && typeof (node as { tryGetContext?: unknown }).tryGetContext === 'function';
}
