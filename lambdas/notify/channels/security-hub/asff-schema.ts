/**
 * A zod check of a finding against the ASFF rules BatchImportFindings enforces: required fields,
 * their lengths, the enumerations, 1 to 32 resources, the product-field limits and 240 KB per
 * finding. Tests and the sandbox run every finding through it; the builder is written to pass it.
 */
import * as z from 'zod';
import { ASFF_LIMITS, ASFF_PARTITIONS, ASFF_SCHEMA_VERSION, ASFF_SEVERITY_LABELS } from './findings.js';

const Timestamp = z.iso.datetime({ offset: true });
const SeveritySchema = z.strictObject({ Label: z.enum(ASFF_SEVERITY_LABELS), Original: z.string().min(1).max(64).optional() });
const TypeSchema = z
  .string()
  .regex(/^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(\/[^/]+){0,2}$/, 'expected namespace/category/classifier with a valid namespace');

/** One ASFF finding as this integration writes it (unknown keys are refused: a typo would be dropped by AWS). */
export const AsffFindingSchema = z.lazy(() =>
  z
    .strictObject({
      SchemaVersion: z.literal(ASFF_SCHEMA_VERSION),
      Id: z.string().min(1).max(ASFF_LIMITS.idChars),
      ProductArn: z.string().min(12).max(2048).regex(/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/, 'expected a custom integration product ARN'),
      ProductName: z.string().min(1).max(128),
      CompanyName: z.string().min(1).max(128),
      GeneratorId: z.string().min(1).max(ASFF_LIMITS.generatorIdChars),
      AwsAccountId: z.string().regex(/^\d{12}$/),
      Types: z.array(TypeSchema).min(1).max(ASFF_LIMITS.types),
      FirstObservedAt: Timestamp,
      LastObservedAt: Timestamp,
      CreatedAt: Timestamp,
      UpdatedAt: Timestamp,
      Severity: SeveritySchema,
      FindingProviderFields: z.strictObject({ Severity: SeveritySchema, Types: z.array(TypeSchema).min(1).max(ASFF_LIMITS.types) }),
      Title: z.string().min(1).max(ASFF_LIMITS.titleChars),
      Description: z.string().min(1).max(ASFF_LIMITS.descriptionChars),
      SourceUrl: z.url().optional(),
      ProductFields: z
        .record(z.string().min(1).max(ASFF_LIMITS.productFieldKeyChars), z.string().max(ASFF_LIMITS.productFieldValueChars))
        .refine((fields) => Object.keys(fields).length <= ASFF_LIMITS.productFields, `at most ${ASFF_LIMITS.productFields} product fields`),
      Resources: z
        .array(
          z.strictObject({
            Type: z.string().min(1).max(256),
            Id: z.string().min(1).max(ASFF_LIMITS.resourceIdChars),
            Partition: z.enum(ASFF_PARTITIONS),
            Region: z.string().min(1).max(16),
            Details: z.strictObject({ Other: z.record(z.string().max(128), z.string().max(1024)) }).optional(),
          }),
        )
        .min(1)
        .max(ASFF_LIMITS.resources),
      Compliance: z.strictObject({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) }),
      RecordState: z.enum(['ACTIVE', 'ARCHIVED']),
    })
    .superRefine((finding, ctx) => {
      if (Date.parse(finding.UpdatedAt) < Date.parse(finding.CreatedAt)) {
        ctx.addIssue({ code: 'custom', path: ['UpdatedAt'], message: 'must not be before CreatedAt' });
      }
      const account = finding.ProductArn.split(':')[4];
      if (account !== finding.AwsAccountId) {
        ctx.addIssue({ code: 'custom', path: ['ProductArn'], message: 'a default product ARN must name the finding account (the caller imports its own findings)' });
      }
      const bytes = Buffer.byteLength(JSON.stringify(finding));
      if (bytes > ASFF_LIMITS.findingBytes) ctx.addIssue({ code: 'custom', path: [], message: `finding is ${bytes} bytes, above 240 KB` });
    }),
);

/** The issues of `finding` against {@link AsffFindingSchema}, one line each (empty when valid). */
export function asffProblems(finding: unknown): string[] {
  const parsed = AsffFindingSchema.safeParse(finding);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(finding)'}: ${issue.message}`);
}
