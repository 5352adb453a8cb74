/**
 * Turns a scan's failed assets (and the ones its rescan found fixed) into AWS Security Hub (CSPM)
 * findings in the AWS Security Finding Format (ASFF). Pure: no clock, no I/O, so the same scan
 * always gives the same findings and a retried import sends exactly what the first attempt sent.
 *
 * - One finding per ZCSPM account, policy and resource: the `Id` is built from those three, so a
 *   rescan updates the same finding instead of adding a duplicate.
 * - Failed assets are `Compliance.Status` FAILED and `RecordState` ACTIVE; assets a rescan found
 *   fixed are PASSED and ARCHIVED (a provider archives what no longer applies).
 * - `CreatedAt` / `FirstObservedAt` keep the scan that first saw the failure; `UpdatedAt` /
 *   `LastObservedAt` move forward with every scan (Security Hub ignores an update that is not later).
 * - Severity and types go both to the top level (read on creation) and to `FindingProviderFields`
 *   (the only place a provider may change them later).
 */
import { createHash } from 'node:crypto';
import type { ScanReport } from '../../results.js';
import { normalizeSeverity, type ResultSeverity } from '../../render/result-facts.js';
import { truncate } from '../../render/text.js';

/** `SchemaVersion` of every finding. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Limits of one finding (AWS Security Hub API reference, `AwsSecurityFinding`). */
export const ASFF_LIMITS = {
  idChars: 512,
  generatorIdChars: 512,
  titleChars: 256,
  descriptionChars: 1024,
  resourceIdChars: 512,
  productFieldKeyChars: 128,
  productFieldValueChars: 2048,
  productFields: 50,
  resources: 32,
  types: 50,
  /** Bytes of one finding as JSON. */
  findingBytes: 240 * 1024,
  /** Findings per BatchImportFindings call. */
  findingsPerCall: 100,
} as const;

/** `Severity.Label` values. */
export const ASFF_SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type AsffSeverityLabel = (typeof ASFF_SEVERITY_LABELS)[number];

/** The deployment that introduced a failure: the deployed stack whose resource first failed. */
export interface IntroducingDeployment {
  readonly stackName: string;
  readonly stackId: string;
  /** When the deployment finished (ISO 8601). */
  readonly time: string;
}

/** One failed (or fixed) asset with what earlier scans remember about it. */
export interface TrackedFinding {
  readonly policyId: string;
  readonly resourceId: string;
  readonly resourceName: string;
  readonly resourceType: string;
  readonly region?: string | undefined;
  readonly severity: string;
  readonly shortTitle: string;
  readonly categoryName?: string | undefined;
  /** When a scan first saw this failure (ISO 8601); the scan's own time when unknown. */
  readonly firstSeenAt?: string | undefined;
  readonly introducedBy?: IntroducingDeployment | undefined;
}

/** The finding as BatchImportFindings takes it (the fields this integration writes). */
export interface AsffFinding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly CompanyName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: string[];
  readonly FirstObservedAt: string;
  readonly LastObservedAt: string;
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original: string };
  readonly FindingProviderFields: { readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original: string }; readonly Types: string[] };
  readonly Title: string;
  readonly Description: string;
  readonly SourceUrl?: string;
  readonly ProductFields: Record<string, string>;
  readonly Resources: Array<{
    readonly Type: string;
    readonly Id: string;
    readonly Partition: AsffPartition;
    readonly Region: string;
    readonly Details?: { readonly Other: Record<string, string> };
  }>;
  readonly Compliance: { readonly Status: 'FAILED' | 'PASSED' };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
}

/** AWS partitions Security Hub runs in. */
export const ASFF_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type AsffPartition = (typeof ASFF_PARTITIONS)[number];

/** Where the findings go: the Security Hub of one account and Region. */
export interface FindingTarget {
  readonly partition: AsffPartition;
  /** Region whose Security Hub receives the findings. */
  readonly region: string;
}

/** The inputs of {@link buildScanFindings}. */
export interface ScanFindingsInput {
  readonly report: ScanReport;
  /** Every failed asset of the scan. */
  readonly failed: readonly TrackedFinding[];
  /** Every asset the previous scan failed and this one did not. */
  readonly fixed: readonly TrackedFinding[];
  readonly target: FindingTarget;
}

/** Prefix of the role each member account's forwarder stack creates per Region . */
const MEMBER_IMPORT_ROLE_PREFIX = 'zsa-securityhub-import';

/**
 * Name of the import role in a member account for `region`. One role per Region, because the
 * forwarder stack is deployed once per account and Region and IAM names are account-wide.
 */
export function memberImportRoleName(region: string): string {
  return `${MEMBER_IMPORT_ROLE_PREFIX}-${region}`;
}

/** `ProductName` / `CompanyName` of every finding (a custom integration may set both). */
const FINDING_PRODUCT = { productName: 'ZCSPM post-deploy scan', companyName: 'Zscaler' } as const;

/** Product ARN of a custom integration in `accountId` (the default product of that account). */
function productArn(target: FindingTarget, accountId: string): string {
  return `arn:${target.partition}:securityhub:${target.region}:${accountId}:product/${accountId}/default`;
}

/**
 * The stable finding id of a policy failing on a resource of a ZCSPM account. Long resource ids
 * are hashed so the id stays within 512 characters and still never collides.
 */
export function findingId(zcspmAccountId: string, policyId: string, resourceId: string): string {
  const readable = `zcspm/${zcspmAccountId}/${policyId}/${resourceId}`;
  if (readable.length <= ASFF_LIMITS.idChars) return readable;
  return `zcspm/${zcspmAccountId}/${truncate(policyId, 128)}/sha256:${createHash('sha256').update(resourceId).digest('hex')}`;
}

/** The FAILED findings of every failed asset, then the PASSED + ARCHIVED findings of every fixed one. */
export function buildScanFindings(input: ScanFindingsInput): AsffFinding[] {
  const failedKeys = new Set(input.failed.map((finding) => `${finding.policyId}\u0000${finding.resourceId}`));
  // A fixed asset that also fails now (e.g. a duplicate across benchmarks) stays FAILED.
  const fixed = input.fixed.filter((finding) => !failedKeys.has(`${finding.policyId}\u0000${finding.resourceId}`));
  return [...input.failed.map((finding) => toFinding(finding, 'FAILED', input)), ...fixed.map((finding) => toFinding(finding, 'PASSED', input))];
}

/**
 * ASFF resource type of a ZCSPM resource type. ZCSPM reports CloudFormation-style names
 * (`AWS::S3::Bucket`); other spellings (`S3Bucket`, `s3-bucket`) match too. `Other` when none fits.
 */
export function asffResourceType(zcspmResourceType: string): string {
  const key = zcspmResourceType.replace(/^aws/i, '').replace(/[^a-z0-9]/gi, '').toLowerCase();
  return RESOURCE_TYPES[key] ?? 'Other';
}

/** ZCSPM impact (Critical, High, Moderate, Low, VeryLow) as an ASFF severity label. */
export function asffSeverity(zcspmImpact: string): AsffSeverityLabel {
  return SEVERITY_LABELS[normalizeSeverity(zcspmImpact)];
}

// Keys: the ZCSPM (CloudFormation) type without the `AWS` prefix and separators, lower-cased.
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  s3bucket: 'AwsS3Bucket',
  ec2securitygroup: 'AwsEc2SecurityGroup',
  ec2volume: 'AwsEc2Volume',
  ec2instance: 'AwsEc2Instance',
  ec2vpc: 'AwsEc2Vpc',
  iamuser: 'AwsIamUser',
  iamrole: 'AwsIamRole',
  rdsdbinstance: 'AwsRdsDbInstance',
  cloudtrailtrail: 'AwsCloudTrailTrail',
  lambdafunction: 'AwsLambdaFunction',
  dynamodbtable: 'AwsDynamoDbTable',
  kmskey: 'AwsKmsKey',
  sqsqueue: 'AwsSqsQueue',
  snstopic: 'AwsSnsTopic',
  elasticloadbalancingv2loadbalancer: 'AwsElbv2LoadBalancer',
  elbv2loadbalancer: 'AwsElbv2LoadBalancer',
  redshiftcluster: 'AwsRedshiftCluster',
  ekscluster: 'AwsEksCluster',
};

// An unknown impact is not assumed harmless: MEDIUM keeps it visible without outranking known highs.
const SEVERITY_LABELS: Readonly<Record<ResultSeverity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
  unknown: 'MEDIUM',
};

function toFinding(finding: TrackedFinding, status: 'FAILED' | 'PASSED', input: ScanFindingsInput): AsffFinding {
  const { report, target } = input;
  const seenAt = report.completedAt;
  const createdAt = earlier(finding.firstSeenAt, seenAt);
  // A passed check is informational (as Security Hub's own controls report it); the impact stays in `Original`.
  const label = status === 'FAILED' ? asffSeverity(finding.severity) : 'INFORMATIONAL';
  const severity = { Label: label, Original: truncate(finding.severity, 64) };
  const types = findingTypes(report);
  const type = asffResourceType(finding.resourceType);
  const where = finding.region ?? report.region;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: findingId(report.zcspmAccountId, finding.policyId, finding.resourceId),
    ProductArn: productArn(target, report.awsAccountId),
    ProductName: FINDING_PRODUCT.productName,
    CompanyName: FINDING_PRODUCT.companyName,
    GeneratorId: truncate(`zcspm-policy/${finding.policyId}`, ASFF_LIMITS.generatorIdChars),
    AwsAccountId: report.awsAccountId,
    Types: types,
    FirstObservedAt: createdAt,
    LastObservedAt: seenAt,
    CreatedAt: createdAt,
    UpdatedAt: seenAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: truncate(finding.shortTitle, ASFF_LIMITS.titleChars),
    Description: truncate(describe(finding, status, report), ASFF_LIMITS.descriptionChars),
    ...(sourceUrl(report) ? { SourceUrl: sourceUrl(report) } : {}),
    ProductFields: productFields(finding, report),
    Resources: [
      {
        Type: type,
        Id: truncate(finding.resourceId, ASFF_LIMITS.resourceIdChars),
        Partition: target.partition,
        Region: where,
        ...(type === 'Other'
          ? { Details: { Other: { ResourceName: truncate(finding.resourceName, 1024), ZcspmResourceType: truncate(finding.resourceType, 1024) } } }
          : {}),
      },
    ],
    Compliance: { Status: status },
    RecordState: status === 'FAILED' ? 'ACTIVE' : 'ARCHIVED',
  };
}

/** One type per benchmark the scan evaluated (the policies are that benchmark's controls). */
function findingTypes(report: ScanReport): string[] {
  const names = report.benchmarks.map((benchmark) => benchmark.benchmarkName ?? benchmark.benchmarkId);
  const unique = [...new Set(names.length > 0 ? names : ['ZCSPM'])];
  return unique.slice(0, ASFF_LIMITS.types).map((name) => `Software and Configuration Checks/Industry and Regulatory Standards/${truncate(name.replace(/\//g, '-'), 200)}`);
}

function describe(finding: TrackedFinding, status: 'FAILED' | 'PASSED', report: ScanReport): string {
  const what = `${finding.resourceType} ${finding.resourceName}`;
  const category = finding.categoryName ? ` (${finding.categoryName})` : '';
  const account = report.zcspmAccountName ? `${report.awsAccountId} (ZCSPM account "${report.zcspmAccountName}")` : report.awsAccountId;
  const origin = finding.introducedBy ? ` It first failed after stack ${finding.introducedBy.stackName} was deployed at ${finding.introducedBy.time}.` : '';
  return status === 'FAILED'
    ? `ZCSPM policy ${finding.policyId}${category} fails on ${what} in account ${account}: ${finding.shortTitle}.${origin}`
    : `ZCSPM policy ${finding.policyId}${category} passes again on ${what} in account ${account}: the scan of ${report.completedAt} found it fixed.`;
}

function productFields(finding: TrackedFinding, report: ScanReport): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    'zsa/ZcspmAccountId': report.zcspmAccountId,
    'zsa/ZcspmPolicyId': finding.policyId,
    'zsa/ZcspmResourceType': finding.resourceType,
    'zsa/ZcspmImpact': finding.severity,
    'zsa/ZcspmCategory': finding.categoryName,
    'zsa/ScanJobId': report.jobId,
    'zsa/ExecutionUrl': report.links.execution,
    'zsa/ZcspmReportUrl': report.links.zcspm,
    'zsa/IntroducedByStackName': finding.introducedBy?.stackName,
    'zsa/IntroducedByStackId': finding.introducedBy?.stackId,
    'zsa/IntroducedAt': finding.introducedBy?.time,
  };
  return Object.fromEntries(
    Object.entries(fields)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([key, value]) => [key, truncate(value, ASFF_LIMITS.productFieldValueChars)]),
  );
}

/** The ZCSPM report when its portal URL is configured, else the execution that produced the finding. */
function sourceUrl(report: ScanReport): string | undefined {
  return report.links.zcspm ?? report.links.execution;
}

/** The earlier of two ISO timestamps (`fallback` when `candidate` is absent or unreadable). */
function earlier(candidate: string | undefined, fallback: string): string {
  if (!candidate) return fallback;
  const a = Date.parse(candidate);
  const b = Date.parse(fallback);
  if (!Number.isFinite(a)) return fallback;
  return Number.isFinite(b) && b < a ? fallback : candidate;
}
