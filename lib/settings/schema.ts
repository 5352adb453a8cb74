/**
 * The deployment configuration's schema: cdk.json context `zsa`, validated with zod at synth.
 *
 * Every rejection names the full key, e.g. `zsa.accountMappings.1234: expected a 12-digit AWS account id`.
 * Unknown keys are rejected too, so a typo never silently falls back to a default. Value sets the
 * Lambdas also check (severities, session lengths, result kinds) come from the Lambdas' own settings,
 * so a configuration that passes here is one they accept.
 */
import * as z from 'zod';
import { ALERT_SEVERITIES, MAX_DEVICES_PER_ALERT, SESSION_LENGTHS_MINUTES } from '../../lambdas/diagnostics/settings.js';
import { SEVERITY_LEVELS } from '../../lambdas/notify/render/result-facts.js';
import { RoutableKind } from '../../lambdas/notify/settings.js';
import { ZDX_AUTH_MODES } from '../../lambdas/core/config.js';
import { DEFAULT_ONEAPI_BASE_URL } from '../../lambdas/zscaler/zdx/oneapi.js';
import { ZDX_RATE_TIERS } from '../../lambdas/core/rate-budget/zdx-rate-tiers.js';
import { defaultMessage, flattenIssues, isPlainObject } from './issues.js';

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Result kinds a channel can opt into (failure reports always go to every enabled channel). */
const RESULT_KINDS = RoutableKind.unwrap().options;

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
  minSeverity: z.enum(SEVERITY_LEVELS).default('info'),
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
    minSeverity: z.enum(ALERT_SEVERITIES).default('Medium'),
    /**
     * Devices traced per alert at most; the rest are reported as capped. At most 100: each traced
     * device carries about 1.5 KB of evidence through the Map, and Step Functions state is 256 KiB.
     * @default 50
     */
    maxDevicesPerAlert: intIn(
      1,
      MAX_DEVICES_PER_ALERT,
      `at most ${MAX_DEVICES_PER_ALERT}: each traced device carries its evidence through the state machine, whose state is limited to 256 KiB`,
    ).default(50),
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
/** What may be written in cdk.json (defaults applied by `parseConfig`, ./load.ts). */
export type ZsaConfigInput = z.input<typeof ZsaConfigSchema>;
