/**
 * The ZCSPM policy catalog the simulator scans against: AWS policies with realistic titles and
 * resource types, grouped into three benchmarks (CSBP, PCI3_2, AWSFDCIS1_2_0) with their
 * categories and control numbers. Resource types use CloudFormation type names.
 */

/** ZCSPM policy severities (zcspm-api.md §6). */
export type Severity = 'Critical' | 'High' | 'Moderate' | 'Low' | 'VeryLow';

/** One ZCSPM policy. */
export interface PolicyDef {
  readonly policyId: string;
  readonly shortTitle: string;
  readonly serviceName: string;
  /** Resource type the policy evaluates; `*` = every resource. */
  readonly resourceType: string;
  readonly severity: Severity;
  /** Share of resources failing in the seeded baseline. */
  readonly baselineFailRate: number;
  /** Failing resources of this policy are publicly reachable. */
  readonly publicExposure?: boolean;
}

/** One benchmark: categories of policies with their control numbers. */
export interface BenchmarkDef {
  readonly benchmarkId: string;
  readonly name: string;
  readonly longName: string;
  readonly connectorTypes: readonly string[];
  readonly categories: ReadonlyArray<{
    readonly categoryId: string;
    readonly categoryName: string;
    /** `[policyId, complianceNumber]` pairs. */
    readonly policies: ReadonlyArray<readonly [string, string]>;
  }>;
}

const p = (policyId: string, shortTitle: string, serviceName: string, resourceType: string, severity: Severity, baselineFailRate: number, publicExposure = false): PolicyDef => ({
  policyId,
  shortTitle,
  serviceName,
  resourceType,
  severity,
  baselineFailRate,
  publicExposure,
});

/** Every policy the simulator evaluates. */
export const POLICIES: readonly PolicyDef[] = [
  p('S3BucketPublicAccessBlock', 'S3 buckets should block public access', 'Amazon S3', 'AWS::S3::Bucket', 'High', 0.2, true),
  p('S3BucketEncryption', 'S3 buckets should have default server-side encryption enabled', 'Amazon S3', 'AWS::S3::Bucket', 'High', 0.15),
  p('S3BucketVersioning', 'S3 bucket versioning should be enabled', 'Amazon S3', 'AWS::S3::Bucket', 'Moderate', 0.5),
  p('S3BucketLogging', 'S3 bucket server access logging should be enabled', 'Amazon S3', 'AWS::S3::Bucket', 'Low', 0.6),
  p('SGUnrestrictedSSH', 'Security groups should not allow unrestricted ingress to port 22', 'Amazon EC2', 'AWS::EC2::SecurityGroup', 'Critical', 0.2, true),
  p('SGUnrestrictedRDP', 'Security groups should not allow unrestricted ingress to port 3389', 'Amazon EC2', 'AWS::EC2::SecurityGroup', 'Critical', 0, true),
  p('SGDefaultRestrictAll', 'The VPC default security group should restrict all traffic', 'Amazon EC2', 'AWS::EC2::SecurityGroup', 'Moderate', 0.3),
  p('EBSVolumeEncrypted', 'EBS volumes should be encrypted at rest', 'Amazon EC2', 'AWS::EC2::Volume', 'High', 0.3),
  p('EC2InstanceIMDSv2', 'EC2 instances should require Instance Metadata Service Version 2 (IMDSv2)', 'Amazon EC2', 'AWS::EC2::Instance', 'High', 0.4),
  p('EC2InstanceNoPublicIp', 'EC2 instances should not have a public IPv4 address', 'Amazon EC2', 'AWS::EC2::Instance', 'Moderate', 0.2, true),
  p('IAMUserMFAEnabled', 'IAM users with console access should have MFA enabled', 'AWS IAM', 'AWS::IAM::User', 'Critical', 0.25),
  p('IAMAccessKeysRotated', 'IAM access keys should be rotated every 90 days or less', 'AWS IAM', 'AWS::IAM::User', 'Moderate', 0.35),
  p('IAMRoleNoFullAdmin', 'IAM roles should not allow full "*:*" administrative privileges', 'AWS IAM', 'AWS::IAM::Role', 'High', 0.15),
  p('RDSInstanceNotPublic', 'RDS DB instances should not be publicly accessible', 'Amazon RDS', 'AWS::RDS::DBInstance', 'Critical', 0, true),
  p('RDSStorageEncrypted', 'RDS DB instance storage should be encrypted at rest', 'Amazon RDS', 'AWS::RDS::DBInstance', 'High', 0.3),
  p('RDSAutomatedBackups', 'RDS DB instances should have automated backups enabled', 'Amazon RDS', 'AWS::RDS::DBInstance', 'Moderate', 0.2),
  p('CloudTrailMultiRegion', 'CloudTrail should be enabled and configured for all regions', 'AWS CloudTrail', 'AWS::CloudTrail::Trail', 'High', 0),
  p('CloudTrailLogValidation', 'CloudTrail log file validation should be enabled', 'AWS CloudTrail', 'AWS::CloudTrail::Trail', 'Moderate', 0.5),
  p('LambdaSupportedRuntime', 'Lambda functions should use supported runtimes', 'AWS Lambda', 'AWS::Lambda::Function', 'Moderate', 0.25),
  p('LambdaNoPublicAccess', 'Lambda function resource policies should prohibit public access', 'AWS Lambda', 'AWS::Lambda::Function', 'Critical', 0, true),
  p('DynamoDBPointInTimeRecovery', 'DynamoDB tables should have point-in-time recovery enabled', 'Amazon DynamoDB', 'AWS::DynamoDB::Table', 'Moderate', 0.4),
  p('KMSKeyRotation', 'KMS customer managed keys should have automatic rotation enabled', 'AWS KMS', 'AWS::KMS::Key', 'Moderate', 0.3),
  p('SQSQueueEncrypted', 'SQS queues should be encrypted at rest', 'Amazon SQS', 'AWS::SQS::Queue', 'Moderate', 0.3),
  p('SNSTopicEncrypted', 'SNS topics should be encrypted at rest using AWS KMS', 'Amazon SNS', 'AWS::SNS::Topic', 'Low', 0.4),
  p('VPCFlowLogsEnabled', 'VPC flow logging should be enabled in all VPCs', 'Amazon VPC', 'AWS::EC2::VPC', 'Moderate', 0.5),
  p('ELBListenerTLS12', 'Load balancer HTTPS listeners should use TLS 1.2 or later', 'Elastic Load Balancing', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'High', 0.3),
  p('RedshiftClusterNotPublic', 'Redshift clusters should not be publicly accessible', 'Amazon Redshift', 'AWS::Redshift::Cluster', 'Critical', 0.5, true),
  p('EKSEndpointNotPublic', 'EKS cluster endpoints should not be publicly accessible', 'Amazon EKS', 'AWS::EKS::Cluster', 'High', 0.5, true),
  p('ResourceOwnerTag', 'Resources should be tagged with an Owner', 'AWS Resource Groups Tagging', '*', 'Low', 0.1),
];

/** Policies by id. */
export const POLICY_BY_ID: ReadonlyMap<string, PolicyDef> = new Map(POLICIES.map((policy) => [policy.policyId, policy]));

/** The benchmarks AWS accounts support. */
export const BENCHMARKS: readonly BenchmarkDef[] = [
  {
    benchmarkId: 'CSBP',
    name: 'Cloud Security Best Practices',
    longName: 'Zscaler Cloud Security Best Practices',
    connectorTypes: ['AWS', 'Azure'],
    categories: [
      {
        categoryId: 'AWS_CSBP_AWS_Identity_Access_Management',
        categoryName: 'AWS - Identity and Access Management',
        policies: [['IAMUserMFAEnabled', '1000.1'], ['IAMAccessKeysRotated', '1000.2'], ['IAMRoleNoFullAdmin', '1000.3']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Storage',
        categoryName: 'AWS - Storage',
        policies: [['S3BucketPublicAccessBlock', '2000.1'], ['S3BucketEncryption', '2000.2'], ['S3BucketVersioning', '2000.3'], ['EBSVolumeEncrypted', '2000.4']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Networking',
        categoryName: 'AWS - Networking',
        policies: [['SGUnrestrictedSSH', '3000.1'], ['SGUnrestrictedRDP', '3000.2'], ['SGDefaultRestrictAll', '3000.3'], ['ELBListenerTLS12', '3000.4']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Compute',
        categoryName: 'AWS - Compute (IaaS and Serverless)',
        policies: [['EC2InstanceIMDSv2', '4000.1'], ['EC2InstanceNoPublicIp', '4000.2'], ['LambdaSupportedRuntime', '4000.3'], ['LambdaNoPublicAccess', '4000.4'], ['EKSEndpointNotPublic', '4000.5']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Database',
        categoryName: 'AWS - Database',
        policies: [['RDSInstanceNotPublic', '5000.1'], ['RDSStorageEncrypted', '5000.2'], ['RDSAutomatedBackups', '5000.3'], ['DynamoDBPointInTimeRecovery', '5000.4'], ['RedshiftClusterNotPublic', '5000.5']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Logging_Monitoring',
        categoryName: 'AWS - Logging and Monitoring',
        policies: [['CloudTrailMultiRegion', '6000.1'], ['CloudTrailLogValidation', '6000.2'], ['S3BucketLogging', '6000.3'], ['VPCFlowLogsEnabled', '6000.4']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Data_Protection',
        categoryName: 'AWS - Data Protection',
        policies: [['KMSKeyRotation', '7000.1'], ['SQSQueueEncrypted', '7000.2'], ['SNSTopicEncrypted', '7000.3']],
      },
      {
        categoryId: 'AWS_CSBP_AWS_Governance',
        categoryName: 'AWS - Governance',
        policies: [['ResourceOwnerTag', '8000.1']],
      },
    ],
  },
  {
    benchmarkId: 'PCI3_2',
    name: 'PCI DSS 3.2',
    longName: 'Payment Card Industry Data Security Standard v3.2',
    connectorTypes: ['AWS', 'Azure'],
    categories: [
      {
        categoryId: 'AWS_PCI3_2_Requirement_1',
        categoryName: 'Requirement 1: Install and maintain a firewall configuration to protect cardholder data',
        policies: [['SGUnrestrictedSSH', '1.2.1'], ['SGUnrestrictedRDP', '1.2.1'], ['SGDefaultRestrictAll', '1.2.1'], ['RDSInstanceNotPublic', '1.3.1'], ['S3BucketPublicAccessBlock', '1.3.4'], ['EC2InstanceNoPublicIp', '1.3.4'], ['RedshiftClusterNotPublic', '1.3.6']],
      },
      {
        categoryId: 'AWS_PCI3_2_Requirement_3',
        categoryName: 'Requirement 3: Protect stored cardholder data',
        policies: [['S3BucketEncryption', '3.4'], ['EBSVolumeEncrypted', '3.4'], ['RDSStorageEncrypted', '3.4'], ['KMSKeyRotation', '3.6.4']],
      },
      {
        categoryId: 'AWS_PCI3_2_Requirement_8',
        categoryName: 'Requirement 8: Identify and authenticate access to system components',
        policies: [['IAMUserMFAEnabled', '8.3.1'], ['IAMAccessKeysRotated', '8.2.4']],
      },
      {
        categoryId: 'AWS_PCI3_2_Requirement_10',
        categoryName: 'Requirement 10: Track and monitor all access to network resources and cardholder data',
        policies: [['CloudTrailMultiRegion', '10.1'], ['CloudTrailLogValidation', '10.5.2'], ['S3BucketLogging', '10.2.1'], ['VPCFlowLogsEnabled', '10.2.7']],
      },
    ],
  },
  {
    benchmarkId: 'AWSFDCIS1_2_0',
    name: 'CIS Amazon Web Services Foundations Benchmark v1.2.0',
    longName: 'CIS Amazon Web Services Foundations Benchmark v1.2.0',
    connectorTypes: ['AWS'],
    categories: [
      {
        categoryId: 'AWS_CIS1_2_0_Identity_Access_Management',
        categoryName: '1 Identity and Access Management',
        policies: [['IAMUserMFAEnabled', '1.2'], ['IAMAccessKeysRotated', '1.4'], ['IAMRoleNoFullAdmin', '1.22']],
      },
      {
        categoryId: 'AWS_CIS1_2_0_Logging',
        categoryName: '2 Logging',
        policies: [['CloudTrailMultiRegion', '2.1'], ['CloudTrailLogValidation', '2.2'], ['KMSKeyRotation', '2.8'], ['VPCFlowLogsEnabled', '2.9']],
      },
      {
        categoryId: 'AWS_CIS1_2_0_Networking',
        categoryName: '4 Networking',
        policies: [['SGUnrestrictedSSH', '4.1'], ['SGUnrestrictedRDP', '4.2'], ['SGDefaultRestrictAll', '4.3']],
      },
    ],
  },
];

/** Benchmarks by lower-cased id (ids match case-insensitively). */
export const BENCHMARK_BY_ID: ReadonlyMap<string, BenchmarkDef> = new Map(BENCHMARKS.map((b) => [b.benchmarkId.toLowerCase(), b]));

/** CloudFormation resource type of an ARN (or undefined when it is not one we know). */
export function resourceTypeOfArn(resourceId: string): string | undefined {
  const match = /^arn:aws[a-z-]*:([a-z0-9-]+):[^:]*:[^:]*:(.*)$/.exec(resourceId);
  if (!match) return undefined;
  const [, service, rest = ''] = match;
  const kind = rest.split(/[/:]/)[0] ?? '';
  const table: Record<string, string | Record<string, string>> = {
    s3: 'AWS::S3::Bucket',
    ec2: { 'security-group': 'AWS::EC2::SecurityGroup', volume: 'AWS::EC2::Volume', instance: 'AWS::EC2::Instance', vpc: 'AWS::EC2::VPC' },
    iam: { user: 'AWS::IAM::User', role: 'AWS::IAM::Role' },
    rds: { db: 'AWS::RDS::DBInstance' },
    cloudtrail: 'AWS::CloudTrail::Trail',
    lambda: 'AWS::Lambda::Function',
    dynamodb: 'AWS::DynamoDB::Table',
    kms: 'AWS::KMS::Key',
    sqs: 'AWS::SQS::Queue',
    sns: 'AWS::SNS::Topic',
    elasticloadbalancing: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    redshift: 'AWS::Redshift::Cluster',
    eks: 'AWS::EKS::Cluster',
  };
  const entry = table[service ?? ''];
  return typeof entry === 'string' ? entry : entry?.[kind];
}
