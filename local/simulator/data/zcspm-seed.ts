/**
 * Seeded ZCSPM cloud accounts and their AWS resource inventories (ARNs, names, regions, tags).
 * The account names carry the AWS account number, e.g. "prod (111122223333)", so a mapping can be
 * suggested by name.
 */
import { Rng, seededGuid } from '../random.js';

/** One cloud resource as ZCSPM reports it in failed assets. */
export interface CloudResource {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly resourceType: string;
  readonly resourceRegion: string;
  readonly tags: Record<string, string>;
}

/** A seeded license account. */
export interface SeedAccount {
  readonly awsAccountId?: string;
  readonly accountName: string;
  readonly connectorType: 'AWS' | 'Azure';
  readonly inApiScope: boolean;
}

/** The license's seeded accounts: two AWS accounts in scope and an Azure one outside it. */
export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { awsAccountId: '111122223333', accountName: 'prod (111122223333)', connectorType: 'AWS', inApiScope: true },
  { awsAccountId: '444455556666', accountName: 'staging (444455556666)', connectorType: 'AWS', inApiScope: true },
  { accountName: 'corp-azure-subscription', connectorType: 'Azure', inApiScope: false },
];

/** Deterministic ZCSPM account GUID for an AWS account number (or a name for other clouds). */
export function accountGuid(seed: number, nativeId: string): string {
  return seededGuid('zcspm-account', seed, nativeId);
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const WORDS = ['orders', 'billing', 'catalog', 'auth', 'reports', 'events', 'media', 'search', 'audit', 'payments'];

/** Builds the resource inventory of one AWS account. */
export function buildAwsInventory(seed: number, awsAccountId: string, env: string): CloudResource[] {
  const rng = new Rng('inventory', seed, awsAccountId);
  const out: CloudResource[] = [];
  const add = (resourceType: string, count: number, make: (name: string, region: string) => { id: string; name?: string }) => {
    for (let i = 0; i < count; i += 1) {
      const region = rng.pick(REGIONS);
      const base = `${env}-${rng.pick(WORDS)}-${rng.hex(4)}`;
      const made = make(base, region);
      out.push({
        resourceId: made.id,
        resourceName: made.name ?? base,
        resourceType,
        resourceRegion: resourceType.startsWith('AWS::IAM::') || resourceType === 'AWS::S3::Bucket' ? 'global' : region,
        tags: rng.chance(0.85) ? { Owner: `team-${rng.pick(WORDS)}`, Environment: env } : { Environment: env },
      });
    }
  };
  const a = awsAccountId;
  add('AWS::S3::Bucket', rng.int(4, 7), (n) => ({ id: `arn:aws:s3:::${n}-${a}` , name: `${n}-${a}` }));
  add('AWS::EC2::SecurityGroup', rng.int(5, 8), (n, r) => {
    const id = `sg-0${rng.hex(16)}`;
    return { id: `arn:aws:ec2:${r}:${a}:security-group/${id}`, name: `${n}-sg` };
  });
  add('AWS::EC2::Volume', rng.int(3, 6), (_n, r) => {
    const id = `vol-0${rng.hex(16)}`;
    return { id: `arn:aws:ec2:${r}:${a}:volume/${id}`, name: id };
  });
  add('AWS::EC2::Instance', rng.int(2, 5), (n, r) => ({ id: `arn:aws:ec2:${r}:${a}:instance/i-0${rng.hex(16)}`, name: `${n}-host` }));
  add('AWS::IAM::User', rng.int(3, 6), (_n) => {
    const name = `${rng.pick(['alice', 'bob', 'carol', 'deploy', 'ci', 'dave', 'erin'])}.${rng.hex(3)}`;
    return { id: `arn:aws:iam::${a}:user/${name}`, name };
  });
  add('AWS::IAM::Role', rng.int(4, 8), (n) => ({ id: `arn:aws:iam::${a}:role/${n}-role`, name: `${n}-role` }));
  add('AWS::RDS::DBInstance', rng.int(1, 3), (n, r) => ({ id: `arn:aws:rds:${r}:${a}:db:${n}-db`, name: `${n}-db` }));
  add('AWS::CloudTrail::Trail', rng.int(1, 2), (n, r) => ({ id: `arn:aws:cloudtrail:${r}:${a}:trail/${n}-trail`, name: `${n}-trail` }));
  add('AWS::Lambda::Function', rng.int(4, 9), (n, r) => ({ id: `arn:aws:lambda:${r}:${a}:function:${n}-fn`, name: `${n}-fn` }));
  add('AWS::DynamoDB::Table', rng.int(2, 4), (n, r) => ({ id: `arn:aws:dynamodb:${r}:${a}:table/${n}`, name: n }));
  add('AWS::KMS::Key', rng.int(2, 3), (_n, r) => {
    const id = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`;
    return { id: `arn:aws:kms:${r}:${a}:key/${id}`, name: id };
  });
  add('AWS::SQS::Queue', rng.int(2, 4), (n, r) => ({ id: `arn:aws:sqs:${r}:${a}:${n}-queue`, name: `${n}-queue` }));
  add('AWS::SNS::Topic', rng.int(2, 3), (n, r) => ({ id: `arn:aws:sns:${r}:${a}:${n}-topic`, name: `${n}-topic` }));
  add('AWS::EC2::VPC', rng.int(1, 2), (n, r) => ({ id: `arn:aws:ec2:${r}:${a}:vpc/vpc-0${rng.hex(16)}`, name: `${n}-vpc` }));
  add('AWS::ElasticLoadBalancingV2::LoadBalancer', rng.int(1, 2), (n, r) => ({
    id: `arn:aws:elasticloadbalancing:${r}:${a}:loadbalancer/app/${n}-alb/${rng.hex(16)}`,
    name: `${n}-alb`,
  }));
  return out;
}
