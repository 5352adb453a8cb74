/**
 * ZCSPM (formerly Cloudneeti) API client (see shared/reference/zcspm-api.md).
 *
 * Two credentials on every call: the APIM subscription key header and a bearer token, a LICENSE token
 * for license-level calls (accounts, access scope, onboarding) and an ACCOUNT token for account-level
 * calls (rescan, job status, benchmarks, summary, failed assets, health). The `{ result, statusCode,
 * message }` envelope is unwrapped here; keys are matched case-insensitively.
 */
import * as z from 'zod';
import type { FetchedToken } from '../../core/auth/token-cache.js';
import { ApiError, InvalidInputError, asCredentialsRejection, describeIssues, excerpt } from '../../core/errors.js';
import type { CallOptions, HttpClient, HttpMethod } from '../../core/http/http-client.js';
import type { PathParams, Query } from '../../core/http/path.js';
import { redactSecrets } from '../../core/http/redact.js';
import { systemClock, type Clock, type TokenSource } from '../../core/ports.js';
import { canonicalizeKeys, schemaKeys } from '../keys.js';
import { jwtExpiresAt } from '../jwt.js';
import { iterateNumbered } from '../pagination.js';
import { summarizeAudit } from './posture.js';
import {
  AuditSummaryResultSchema,
  FailedAssetsPageSchema,
  HealthStatusSchema,
  JobStatusResultSchema,
  LicenseAccountsSchema,
  OnboardAwsInputSchema,
  OnboardResultSchema,
  RescanResultSchema,
  SupportedBenchmarksResultSchema,
  TokenResultSchema,
  UpdateAccessScopeResultSchema,
  envelopeOf,
  type AuditSummary,
  type Benchmark,
  type FailedAssetItem,
  type FailedAssetsPage,
  type HealthStatus,
  type JobStatus,
  type LicenseAccounts,
  type OnboardAwsInput,
  type OnboardResult,
  type RescanResult,
} from './schemas.js';

/** The header Azure API Management reads the subscription key from. */
export const SUBSCRIPTION_KEY_HEADER = 'Ocp-Apim-Subscription-Key';

/** Values under these keys are user data (resource tags) and keep their spelling. */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(['tags']);

/** Which token a call needs: the license's, or one account's. */
export interface TokenScope {
  readonly accountId?: string;
}

export interface ZcspmClientOptions {
  /** Base URL = the ZCSPM host, e.g. `https://api.cloudneeti.com`. */
  readonly http: HttpClient;
  readonly licenseId: string;
  readonly subscriptionKey: string;
  /** Token source per scope: `{}` for the license token, `{ accountId }` for an account token. */
  readonly tokens: (scope: TokenScope) => TokenSource;
}

export interface FailedAssetsQuery {
  readonly benchmarkId: string;
  /** @default 1000 (what Zscaler's own script uses) */
  readonly pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 1_000;

/** A body-level envelope: only `statusCode` and `message` are looked at before the payload. */
const EnvelopeHead = z.object({ statusCode: z.number().int().optional(), message: z.string().nullish(), result: z.unknown() });

const canonicalCache = new WeakMap<z.ZodType, ReadonlyMap<string, string>>();

function canonicalKeysOf(payload: z.ZodType): ReadonlyMap<string, string> {
  let keys = canonicalCache.get(payload);
  if (!keys) {
    keys = schemaKeys(envelopeOf(payload));
    canonicalCache.set(payload, keys);
  }
  return keys;
}

type Envelope<S extends z.ZodType> = { statusCode?: number | undefined; message?: string | null | undefined; result: z.output<S> | undefined };

const envelopeSchemas = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The envelope with its payload parsed in the same schema, so a garbled payload fails inside
 * `HttpClient.request`, which reads an idempotent request again (wrong shapes are as transient as
 * truncated bodies). Fields are named with their `result.` path. An error status in the body leaves
 * the payload unparsed (it is usually null there): the caller throws the ApiError.
 */
function envelopeSchema<S extends z.ZodType>(payload: S): z.ZodType<Envelope<S>> {
  let schema = envelopeSchemas.get(payload);
  if (!schema) {
    const canonical = canonicalKeysOf(payload);
    schema = z
      .preprocess((raw) => canonicalizeKeys(raw, canonical, OPAQUE_KEYS), EnvelopeHead)
      .transform((envelope, ctx) => {
        if (envelope.statusCode !== undefined && envelope.statusCode >= 400) return { ...envelope, result: undefined };
        const parsed = payload.safeParse(envelope.result);
        if (parsed.success) return { ...envelope, result: parsed.data };
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['result', ...issue.path] });
        return z.NEVER;
      });
    envelopeSchemas.set(payload, schema);
  }
  return schema as z.ZodType<Envelope<S>>;
}

/** `Success` and the legacy `Completed` are success; `Failed` is failure; anything else still runs. */
export function interpretJobStatus(jobStatus: string): JobStatus {
  const lower = jobStatus.trim().toLowerCase();
  const succeeded = lower === 'success' || lower === 'completed';
  const failed = lower === 'failed';
  return { jobStatus, succeeded, failed, terminal: succeeded || failed };
}

/** The ZCSPM API for one license. */
export class ZcspmClient {
  private readonly http: HttpClient;
  private readonly licenseId: string;
  private readonly scopedTokens = new Map<string, TokenSource>();

  constructor(private readonly options: ZcspmClientOptions) {
    this.licenseId = options.licenseId;
    this.http = options.http.with({
      headers: { [SUBSCRIPTION_KEY_HEADER]: options.subscriptionKey },
      sensitive: [options.subscriptionKey],
    });
  }

  /** GET /onboarding/license/{licenseId}/licenseAccounts (license token): accounts and granted APIs. */
  licenseAccounts(options?: CallOptions): Promise<LicenseAccounts> {
    return this.call('GET', '/onboarding/license/{licenseId}/licenseAccounts', LicenseAccountsSchema, {}, options);
  }

  /**
   * GET .../account/{accountId}/rescan (account token): starts a scan, returns its `jobId`.
   * It is a GET but it starts work: never retried in process, so one call starts at most one scan.
   */
  rescan(accountId: string, options?: CallOptions): Promise<RescanResult> {
    return this.call('GET', '/compliance/license/{licenseId}/account/{accountId}/rescan', RescanResultSchema, { accountId, idempotent: false }, options);
  }

  /** GET .../job/{jobId}/status (account token), with `succeeded`/`failed`/`terminal` worked out. */
  async jobStatus(accountId: string, jobId: string, options?: CallOptions): Promise<JobStatus> {
    const result = await this.call(
      'GET',
      '/compliance/license/{licenseId}/account/{accountId}/job/{jobId}/status',
      JobStatusResultSchema,
      { accountId, params: { jobId } },
      options,
    );
    return interpretJobStatus(result.jobStatus);
  }

  /** GET /audit/license/{licenseId}/account/{accountId}/benchmarks (account token). */
  supportedBenchmarks(accountId: string, options?: CallOptions): Promise<Benchmark[]> {
    return this.call('GET', '/audit/license/{licenseId}/account/{accountId}/benchmarks', SupportedBenchmarksResultSchema, { accountId }, options);
  }

  /**
   * GET .../benchmark/{benchmarkId}/summary[?jobId=] (account token): the summary of `jobId`, or of the
   * last successful scan without it. Postures are computed by one rule (posture.ts).
   * @throws InvalidInputError when the server has no summary (`result: null`, e.g. a benchmark that does not fit the account).
   */
  async auditSummary(accountId: string, benchmarkId: string, options: CallOptions & { jobId?: string | undefined } = {}): Promise<AuditSummary> {
    const result = await this.call(
      'GET',
      '/audit/license/{licenseId}/account/{accountId}/benchmark/{benchmarkId}/summary',
      AuditSummaryResultSchema.nullable(),
      { accountId, params: { benchmarkId }, query: { jobId: options.jobId } },
      options,
    );
    if (result === null) {
      throw new InvalidInputError(`no audit summary for benchmark ${benchmarkId} on account ${accountId}`, ['result: null']);
    }
    return summarizeAudit(result, benchmarkId);
  }

  /** One page of GET .../failedassets (account token); pages start at 1. */
  failedAssetsPage(
    accountId: string,
    query: FailedAssetsQuery & { pageNumber: number },
    options?: CallOptions,
  ): Promise<FailedAssetsPage> {
    return this.call(
      'GET',
      '/audit/license/{licenseId}/account/{accountId}/failedassets',
      FailedAssetsPageSchema,
      { accountId, query: { benchmarkId: query.benchmarkId, pageNumber: query.pageNumber, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE } },
      options,
    );
  }

  /** Every failed asset of a benchmark, page by page until `failedAssetCount` items were read. */
  failedAssets(accountId: string, query: FailedAssetsQuery, options?: CallOptions): AsyncGenerator<FailedAssetItem, void, undefined> {
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    return iterateNumbered(pageSize, async (pageNumber) => {
      const page = await this.failedAssetsPage(accountId, { ...query, pageSize, pageNumber }, options);
      return { items: page.failedPolicyAssetsLists, total: page.failedAssetCount };
    });
  }

  /** GET /audit/license/{licenseId}/account/{accountId}/healthstatus (account token). */
  healthStatus(accountId: string, options?: CallOptions): Promise<HealthStatus> {
    return this.call('GET', '/audit/license/{licenseId}/account/{accountId}/healthstatus', HealthStatusSchema, { accountId }, options);
  }

  /** PUT /onboarding/license/{licenseId}/config (license token): adds the account to the app's scope. */
  updateAccessScope(accountId: string, options?: CallOptions): Promise<string> {
    return this.call('PUT', '/onboarding/license/{licenseId}/config', UpdateAccessScopeResultSchema, { body: { accountId } }, options);
  }

  /**
   * POST /onboarding/license/{licenseId}/account/aws (license token): onboards an AWS account and starts
   * its first scan. Not retried in process (a retry could onboard twice).
   * @throws InvalidInputError when the input is malformed (nothing is sent).
   */
  onboardAws(input: OnboardAwsInput, options?: CallOptions): Promise<OnboardResult> {
    const parsed = OnboardAwsInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      throw new InvalidInputError(`onboarding request rejected: ${issues.join('; ')}`, issues, { cause: parsed.error });
    }
    const body = { AccountName: parsed.data.accountName, AWSAccountId: parsed.data.awsAccountId, AWSRoleName: parsed.data.roleName };
    return this.call('POST', '/onboarding/license/{licenseId}/account/aws', OnboardResultSchema, { body, idempotent: false }, options);
  }

  private tokensFor(accountId: string | undefined): TokenSource {
    const key = accountId ?? '';
    let source = this.scopedTokens.get(key);
    if (!source) {
      source = this.options.tokens(accountId === undefined ? {} : { accountId });
      this.scopedTokens.set(key, source);
    }
    return source;
  }

  /** One call: scope's token, envelope checked and unwrapped, payload parsed with `result.` paths. */
  private async call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    payload: S,
    extra: { accountId?: string; params?: PathParams; query?: Query; body?: unknown; idempotent?: boolean },
    options: CallOptions | undefined,
  ): Promise<z.output<S>> {
    const endpoint = `${method} ${path}`;
    const envelope = await this.http.request({
      method,
      path,
      params: { licenseId: this.licenseId, ...(extra.accountId === undefined ? {} : { accountId: extra.accountId }), ...extra.params },
      query: extra.query,
      body: extra.body,
      idempotent: extra.idempotent,
      schema: envelopeSchema(payload),
      tokens: this.tokensFor(extra.accountId),
      signal: options?.signal,
      deadline: options?.deadline,
    });
    // APIM answers HTTP 200 only for success, but an error status in the body must never read as data.
    if (envelope.statusCode !== undefined && envelope.statusCode >= 400) {
      throw ApiError.fromResponse({
        status: envelope.statusCode,
        endpoint,
        bodyExcerpt: excerpt(redactSecrets(envelope.message ?? '', [this.options.subscriptionKey]) || undefined),
      });
    }
    return envelope.result as z.output<S>;
  }
}

/** ZCSPM API application credential plus the APIM subscription key (from Secrets Manager). */
export interface ZcspmCredentials {
  readonly licenseId: string;
  readonly applicationId: string;
  readonly applicationSecret: string;
  readonly subscriptionKey: string;
  /** Set for an account token; absent for the license token. */
  readonly accountId?: string | undefined;
}

export interface ZcspmTokenOptions extends CallOptions {
  /** The API application's configured "Token Expiry", used when the token is not a JWT. */
  readonly lifetimeSeconds: number;
  readonly clock?: Clock;
  /** Id of the secret holding the credentials (e.g. its ARN), named when they are rejected. */
  readonly secretId?: string | undefined;
}

/** What an operator must fix when the ZCSPM token endpoint refuses the credentials. */
function zcspmSecretLabel(secretId?: string): string {
  return `ZCSPM app secret${secretId ? ` (${secretId})` : ''} (API application id and secret, APIM subscription key)`;
}

/**
 * POST /authorize/license/{licenseId}/token[?accountId=] with `{ APIApplicationId, Secret }` and the
 * subscription key. `expiresAt` is the JWT's `exp` when the token is a JWT, else now + lifetime.
 * Neither the secret nor the key can appear in an error.
 */
export async function fetchZcspmToken(
  http: HttpClient,
  credentials: ZcspmCredentials,
  options: ZcspmTokenOptions,
): Promise<FetchedToken> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const path = '/authorize/license/{licenseId}/token';
  const endpoint = `POST ${path}`;
  const rejected = (error: unknown) => asCredentialsRejection(error, zcspmSecretLabel(options.secretId), 'the ZCSPM token endpoint');
  const envelope = await http.request({
    method: 'POST',
    path,
    params: { licenseId: credentials.licenseId },
    query: { accountId: credentials.accountId },
    headers: { [SUBSCRIPTION_KEY_HEADER]: credentials.subscriptionKey },
    body: { APIApplicationId: credentials.applicationId, Secret: credentials.applicationSecret },
    idempotent: true,
    sensitive: [credentials.applicationSecret, credentials.subscriptionKey],
    schema: envelopeSchema(TokenResultSchema),
    signal: options.signal,
    deadline: options.deadline,
  }).catch((error: unknown) => {
    throw rejected(error);
  });
  const secrets = [credentials.applicationSecret, credentials.subscriptionKey];
  if (envelope.statusCode !== undefined && envelope.statusCode >= 400) {
    throw rejected(ApiError.fromResponse({ status: envelope.statusCode, endpoint, bodyExcerpt: excerpt(redactSecrets(envelope.message ?? '', secrets) || undefined) }));
  }
  const { token } = envelope.result as z.output<typeof TokenResultSchema>;
  return { token, expiresAt: jwtExpiresAt(token) ?? now + options.lifetimeSeconds * 1000 };
}
