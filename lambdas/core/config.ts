/**
 * Runtime configuration from environment variables, read once at cold start through zod.
 *
 * Each handler composes the variables it needs from {@link EnvVar} into one schema and calls
 * {@link readEnv} at module scope, so a misconfigured function fails on its first invocation with a
 * ConfigError naming every bad variable, instead of deep inside a use case. Env vars carry secret
 * ARNs, never secrets.
 */
import * as z from 'zod';
import { ConfigError, describeIssues } from './errors.js';
import { ZDX_RATE_TIERS } from './rate-budget/zdx-rate-tiers.js';

/** How the ZDX client authenticates: the legacy ZDX API key, or a ZIdentity API client through OneAPI. */
export const ZDX_AUTH_MODES = ['api-key', 'oneapi'] as const;

const secretArn = z.lazy(() =>
  z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'expected a Secrets Manager secret ARN'),
);
const httpUrl = z.lazy(() => z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')));
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Schema pieces for the common variables; pick what a function needs:
 * `readEnv(z.object({ TABLE_NAME: EnvVar.TABLE_NAME, ZDX_BASE_URL: EnvVar.ZDX_BASE_URL }))`.
 */
export const EnvVar = {
  /** The state table (store, token cache, rate budget). */
  TABLE_NAME: z.lazy(() => z.string().min(3).max(255)),
  /** ZDX API host, e.g. `https://api.zdxcloud.net` (the client adds `/v1`). Trailing slashes are dropped. */
  ZDX_BASE_URL: httpUrl,
  /** ZCSPM API host, e.g. `https://cspmapi.zscaler.com` or the simulator. Trailing slashes are dropped. */
  ZCSPM_BASE_URL: httpUrl,
  ZDX_SECRET_ARN: secretArn,
  /** How ZDX authenticates: `api-key` (the secret holds a ZDX API key) or `oneapi` (a ZIdentity API client). @default 'api-key' */
  ZDX_AUTH: z.lazy(() => z.enum(ZDX_AUTH_MODES).default('api-key')),
  /** ZIdentity token URL, e.g. `https://acme.zslogin.net/oauth2/v1/token`; required with `ZDX_AUTH=oneapi`. */
  ZDX_TOKEN_URL: z.lazy(() => z.url({ protocol: /^https?$/ }).optional()),
  ZCSPM_SECRET_ARN: secretArn,
  SLACK_SECRET_ARN: secretArn,
  WEBHOOK_SECRET_ARN: secretArn,
  /** The ZCSPM license (tenant) id, a GUID. */
  ZCSPM_LICENSE_ID: z.lazy(() => z.guid()),
  /** Lifetime assumed for ZCSPM tokens when they are not JWTs. @default 3600 */
  ZCSPM_TOKEN_LIFETIME_SECONDS: z.lazy(() => positiveInt(3600)),
  /** ZDX tenant limits the shared rate budget honours (tier 1 defaults). */
  ZDX_RATE_PER_SECOND: z.lazy(() => positiveInt(ZDX_RATE_TIERS[1].perSecond)),
  ZDX_RATE_PER_MINUTE: z.lazy(() => positiveInt(ZDX_RATE_TIERS[1].perMinute)),
  ZDX_RATE_PER_HOUR: z.lazy(() => positiveInt(ZDX_RATE_TIERS[1].perHour)),
  ZDX_RATE_PER_DAY: z.lazy(() => positiveInt(ZDX_RATE_TIERS[1].perDay)),
  /** Fraction of the tenant's ZDX limits this integration uses. @default 0.5 */
  ZDX_RATE_SHARE: z.lazy(() => z.coerce.number().gt(0).max(1).default(0.5)),
  /**
   * Local runs only (benchmarks): every rate window is this fraction of its real length, so an
   * hour of budget passes in minutes. Unset in AWS. @default 1
   */
  ZDX_RATE_WINDOW_SCALE: z.lazy(() => z.coerce.number().gt(0).max(1).default(1)),
  /** Local runs only (benchmarks on a loaded machine): the budget's latency allowance. @default 100 */
  ZDX_RATE_LATENCY_ALLOWANCE_MS: z.lazy(() => positiveInt(100)),
  /** Fraction of the ZDX limits held back. @default 0.1 */
  ZDX_RATE_SAFETY_MARGIN: z.lazy(() => z.coerce.number().min(0).lt(1).default(0.1)),
  /** How long fetched secrets are reused. @default 300 */
  SECRETS_MAX_AGE_SECONDS: z.lazy(() => positiveInt(300)),
  /** Local runs only: DynamoDB Local's endpoint. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.lazy(() => httpUrl.optional()),
  /** Set by Lambda. */
  AWS_REGION: z.lazy(() => z.string().min(1).optional()),
} as const;

/** The name of a variable in {@link EnvVar}. */
export type EnvVarName = keyof typeof EnvVar;

/** The variables every Zscaler-facing function needs. */
export const commonEnvSchema = z.lazy(() => z.object({
  TABLE_NAME: EnvVar.TABLE_NAME,
  DYNAMODB_ENDPOINT: EnvVar.DYNAMODB_ENDPOINT,
}));

/**
 * Parses `env` (default `process.env`) with `schema` and returns the typed result. Empty strings
 * count as unset. Throws a ConfigError that names every failing variable and why, never its value.
 */
export function readEnv<TSchema extends z.ZodType>(
  schema: TSchema,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.infer<TSchema> {
  const cleaned: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[name] = value;
  }
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data as z.infer<TSchema>;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    return issue.code === 'invalid_type' && cleaned[name] === undefined ? `${name} is not set` : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
}

/**
 * Parses a JSON setting (an env var's value or a bundled file) with `schema`; absent or blank text
 * counts as `{}`, so the schema's defaults apply. Throws a ConfigError naming `source` and either the
 * JSON error or every bad key.
 */
export function parseJsonSetting<TSchema extends z.ZodType>(text: string | undefined, source: string, schema: TSchema): z.infer<TSchema> {
  let json: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${describeIssues(parsed.error.issues).join('; ')}`, { cause: parsed.error });
  return parsed.data as z.infer<TSchema>;
}
