/**
 * ZCSPM (formerly Cloudneeti) payload schemas (see shared/reference/zcspm-api.md).
 *
 * Every response is an envelope `{ result, statusCode, message }`; these schemas describe `result`
 * and the client unwraps it, so a ResponseShapeError names fields as `result.jobId`. Keys are matched
 * case-insensitively before parsing (the vendor's audit sample is PascalCase, the scripts camelCase),
 * and `benchMarkId` (failed assets) reads as `benchmarkId`.
 */
import * as z from 'zod';

// Module-level schemas are `z.lazy`: importing this module builds none of them, and a handler builds
// only those it parses, on first use (each zod construction costs cold-start time; README, Performance).

const OptionalText = z.lazy(() => z.string().nullish());
const OptionalNumber = z.lazy(() => z.number().nullish());
/** Text the sources show both as a string and a number (`noOfPolicies: "11"`); a string for us. */
const Textual = z.lazy(() => z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value)));

function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value) => value ?? []);
}

/** The envelope around every payload. `statusCode`/`message` are lenient: the client checks them. */
export function envelopeOf<T extends z.ZodType>(result: T) {
  return z.object({ result, statusCode: z.number().int().optional(), message: z.string().nullish() });
}

export const TokenResultSchema = z.lazy(() => z.object({ token: z.string().min(1) }));

export const RescanResultSchema = z.lazy(() => z.object({ jobId: z.string().min(1) }));
export type RescanResult = z.infer<typeof RescanResultSchema>;

/** `jobStatus` is an open string: `Pending | New | Running | Success | Failed`, legacy `Completed`. */
export const JobStatusResultSchema = z.lazy(() => z.object({ jobStatus: z.string().min(1) }));

export const JobStatusSchema = z.lazy(() => z.object({
  jobStatus: z.string(),
  /** `Success` or the legacy `Completed`. */
  succeeded: z.boolean(),
  failed: z.boolean(),
  /** succeeded or failed: stop polling. */
  terminal: z.boolean(),
}));
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const BenchmarkSchema = z.lazy(() => z.object({
  benchmarkId: z.string().min(1),
  name: OptionalText,
  title: OptionalText,
  longName: OptionalText,
  category: OptionalText,
}));
export type Benchmark = z.infer<typeof BenchmarkSchema>;
export const SupportedBenchmarksResultSchema = z.lazy(() => z.array(BenchmarkSchema));

const ColourCounts = {
  total: OptionalNumber,
  green: OptionalNumber,
  red: OptionalNumber,
  amber: OptionalNumber,
  gray: OptionalNumber,
  compliancePercent: OptionalNumber,
};

/** Colour counts as ZCSPM sends them for an account or a category; any may be missing. */
export type PostureCounts = NonNullable<AuditSummaryResult['posture']>;

/** ZCSPM's compliance summary, as the client computes it from the counts (posture.ts). */
export const PostureSchema = z.lazy(() => z.object({
  total: z.number().int().nonnegative(),
  green: z.number().int().nonnegative(),
  red: z.number().int().nonnegative(),
  amber: z.number().int().nonnegative(),
  gray: z.number().int().nonnegative(),
  /** Green / (Green + Red + Amber) x 100, Gray left out (ZCSPM's own rule). */
  compliancePercent: z.number().min(0).max(100),
}));
export type Posture = z.infer<typeof PostureSchema>;

export const AuditPolicySchema = z.lazy(() => z.object({
  policyId: z.string().min(1),
  shortTitle: OptionalText,
  serviceName: OptionalText,
  complianceNumber: Textual.nullish(),
  passedResourceCount: z.number().int().nonnegative(),
  totalResourceCount: z.number().int().nonnegative(),
  /** Green | Red | Amber | Gray (open string). */
  compliance: z.string(),
  /** Critical | High | Moderate | Low | VeryLow (open string). */
  severity: OptionalText,
  riskProbability: OptionalText,
  riskLevel: OptionalText,
}));

export const AuditCategorySchema = z.lazy(() => z.object({
  categoryName: z.string(),
  categoryId: OptionalText,
  controlCategoryOrder: OptionalNumber,
  ...ColourCounts,
  policies: list(AuditPolicySchema),
}));

/** The raw audit summary `result` (form 4b, job optional). */
export const AuditSummaryResultSchema = z.lazy(() => z.object({
  benchmarkId: OptionalText,
  benchmarkName: OptionalText,
  title: OptionalText,
  longName: OptionalText,
  accountId: OptionalText,
  accountName: OptionalText,
  licenseId: OptionalText,
  licenseName: OptionalText,
  connectorType: OptionalText,
  subscriptionId: OptionalText,
  awsAccountId: Textual.nullish(),
  jobId: OptionalText,
  lastScannedDate: OptionalText,
  lastScannedDateEpochTime: OptionalNumber,
  posture: z.object(ColourCounts).nullish(),
  resourceCategories: list(AuditCategorySchema),
}));
export type AuditSummaryResult = z.infer<typeof AuditSummaryResultSchema>;

/** A policy row of {@link AuditSummarySchema}. */
export const AuditPolicyViewSchema = z.lazy(() => z.object({
  policyId: z.string(),
  shortTitle: z.string().optional(),
  serviceName: z.string().optional(),
  complianceNumber: z.string().optional(),
  severity: z.string().optional(),
  riskLevel: z.string().optional(),
  compliance: z.string(),
  passedResourceCount: z.number(),
  totalResourceCount: z.number(),
  /** total - passed (ZCSPM has no such field; its own scripts compute it this way). */
  failedResourceCount: z.number(),
}));
export type AuditPolicy = z.infer<typeof AuditPolicyViewSchema>;

/**
 * The audit summary as the client returns it: every posture computed by one rule (see posture.ts),
 * the benchmark id always set, nulls turned into absent fields.
 */
export const AuditSummarySchema = z.lazy(() => z.object({
  benchmarkId: z.string(),
  benchmarkName: z.string().optional(),
  accountId: z.string().optional(),
  accountName: z.string().optional(),
  connectorType: z.string().optional(),
  /** The scan job the summary is based on, when the server says. */
  jobId: z.string().optional(),
  lastScannedDate: z.string().optional(),
  posture: PostureSchema,
  categories: z.array(
    z.object({
      categoryId: z.string().optional(),
      categoryName: z.string(),
      posture: PostureSchema,
      policies: z.array(AuditPolicyViewSchema),
    }),
  ),
}));
export type AuditSummary = z.infer<typeof AuditSummarySchema>;

export const FailedAssetItemSchema = z.lazy(() => z.object({
  resourceId: z.string().min(1),
  resourceName: OptionalText,
  resourceType: OptionalText,
  resourceRegion: OptionalText,
  accessLevel: OptionalText,
  policyId: z.string().min(1),
  shortTitle: OptionalText,
  categoryName: OptionalText,
  /** Policy severity (Critical, High, Moderate, Low, VeryLow). */
  impact: OptionalText,
  /** Resource tags, as sent (keys may differ only in case). */
  tags: z.record(z.string(), z.unknown()).nullish(),
}));
export type FailedAssetItem = z.infer<typeof FailedAssetItemSchema>;

/** One page of `GET .../failedassets` (`result.failedAssetCount` is the total across pages). */
export const FailedAssetsPageSchema = z.lazy(() => z.object({
  failedAssetCount: z.number().int().nonnegative(),
  accountId: OptionalText,
  accountName: OptionalText,
  connectorType: OptionalText,
  benchmarkId: OptionalText,
  benchmarkName: OptionalText,
  failedPolicyAssetsLists: list(FailedAssetItemSchema),
}));
export type FailedAssetsPage = z.infer<typeof FailedAssetsPageSchema>;

export const LicenseAccountsSchema = z.lazy(() => z.object({
  licenseId: z.string().min(1),
  accounts: list(
    z.object({
      accountId: z.string().min(1),
      accountName: z.string(),
      isInApiScope: z.boolean().nullish(),
      /** "Azure", "Office365" seen; "AWS"/"GCP" assumed (open string). */
      connectorType: OptionalText,
    }),
  ),
  /** API permissions granted to the calling application. */
  apis: list(z.string()),
}));
export type LicenseAccounts = z.infer<typeof LicenseAccountsSchema>;

export const HealthStatusSchema = z.lazy(() => z.object({
  prerequisites: list(
    z.object({
      name: z.string(),
      /** "complete" | "incomplete" | "Undetermined" as sent (a string, not a boolean). */
      isHealthy: Textual,
      description: OptionalText,
      noOfPolicies: Textual.nullish(),
      required: z.boolean().nullish(),
      category: OptionalText,
      referLink: OptionalText,
    }),
  ),
  lastScannedTime: OptionalText,
  accountScanQuotaDetails: z.object({ allocatedQuota: OptionalNumber, consumedQuota: OptionalNumber }).nullish(),
}));
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/** `PUT .../config`: `result` is a sentence such as "Account Added". */
export const UpdateAccessScopeResultSchema = z.lazy(() => z.unknown().transform((value) => (typeof value === 'string' ? value : JSON.stringify(value ?? null))));

export const OnboardResultSchema = z.lazy(() => z.object({ accountId: z.string().min(1), jobId: z.string().min(1) }));
export type OnboardResult = z.infer<typeof OnboardResultSchema>;

/** Input of `onboardAws`, checked before anything is sent. */
export const OnboardAwsInputSchema = z.lazy(() => z.object({
  accountName: z.string().min(1).max(256),
  awsAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'),
}));
export type OnboardAwsInput = z.infer<typeof OnboardAwsInputSchema>;
