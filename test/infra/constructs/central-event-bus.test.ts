import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { CentralEventBus, type CentralEventBusProps, MAX_LISTED_ACCOUNTS } from '../../../lib/constructs/central-event-bus.js';
import { nagFindings, newIntegrationStack, newStack } from '../support.js';

const ORG_ID = 'o-a1b2c3d4e5';
const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';

interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal: unknown;
  readonly Action: unknown;
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function centralBus(props: CentralEventBusProps): { stack: Stack; bus: CentralEventBus; template: Template } {
  const stack = newStack();
  const bus = new CentralEventBus(stack, 'CentralEventBus', props);
  return { stack, bus, template: Template.fromStack(stack) };
}

function busArn(stack: Stack, bus: CentralEventBus): unknown {
  return { 'Fn::GetAtt': [stack.getLogicalId(bus.bus.node.defaultChild as Parameters<Stack['getLogicalId']>[0]), 'Arn'] };
}

function statements(template: Template): PolicyStatement[] {
  return Object.values(template.findResources('AWS::Events::EventBusPolicy')).map(
    (policy) => (policy as { Properties: { Statement: PolicyStatement } }).Properties.Statement,
  );
}

/** True when a statement admits every principal: `*` or `{ AWS: '*' }` (alone or in a list). */
function admitsAnyone(statement: PolicyStatement): boolean {
  const principal = statement.Principal;
  if (principal === '*') return true;
  const aws = (principal as { AWS?: unknown }).AWS;
  return [aws].flat().includes('*');
}

describe('CentralEventBus', () => {
  describe('constructor', () => {
    it('admits the organization by aws:PrincipalOrgID, for CloudFormation events only', () => {
      const { stack, bus, template } = centralBus({ organizationId: ORG_ID });

      expect(statements(template)).toEqual([
        {
          Sid: 'cdk-AllowOrganization',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Resource: busArn(stack, bus),
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': ORG_ID },
            'ForAllValues:StringEquals': { 'events:source': ['aws.cloudformation'] },
          },
        },
      ]);
      template.hasResourceProperties('AWS::Events::EventBusPolicy', { EventBusName: { Ref: Match.anyValue() }, StatementId: 'cdk-AllowOrganization' });
    });

    it('admits listed accounts each as its own principal, without an organization', () => {
      const { stack, bus, template } = centralBus({ accountIds: [ACCOUNT_A, ACCOUNT_B] });

      expect(statements(template)).toEqual([
        {
          Sid: 'cdk-AllowListedAccounts',
          Effect: 'Allow',
          Principal: {
            AWS: [ACCOUNT_A, ACCOUNT_B].map((account) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] })),
          },
          Action: 'events:PutEvents',
          Resource: busArn(stack, bus),
          Condition: { 'ForAllValues:StringEquals': { 'events:source': ['aws.cloudformation'] } },
        },
      ]);
    });

    it('admits the organization and listed accounts together, with the given sources', () => {
      const { template } = centralBus({ organizationId: ORG_ID, accountIds: [ACCOUNT_A], sources: ['aws.cloudformation', 'com.example.deploy'] });

      const found = statements(template);

      expect(found.map((statement) => statement.Sid)).toEqual(['cdk-AllowOrganization', 'cdk-AllowListedAccounts']);
      for (const statement of found) {
        expect(statement.Condition?.['ForAllValues:StringEquals']).toEqual({ 'events:source': ['aws.cloudformation', 'com.example.deploy'] });
      }
    });

    it.each<[string, CentralEventBusProps]>([
      ['an organization', { organizationId: ORG_ID }],
      ['listed accounts', { accountIds: [ACCOUNT_A] }],
      ['both', { organizationId: ORG_ID, accountIds: [ACCOUNT_A, ACCOUNT_B] }],
    ])('never admits every principal without the organization condition, with %s', (_label, props) => {
      const { template } = centralBus(props);

      const open = statements(template).filter((statement) => admitsAnyone(statement) && statement.Condition?.StringEquals?.['aws:PrincipalOrgID'] !== ORG_ID);

      expect(statements(template).length).toBeGreaterThan(0);
      expect(open).toEqual([]);
    });

    it('creates no archive unless a retention is given, then archives the admitted sources', () => {
      const without = centralBus({ organizationId: ORG_ID }).template;
      const { stack, bus, template } = centralBus({ organizationId: ORG_ID, archiveRetention: Duration.days(30) });

      without.resourceCountIs('AWS::Events::Archive', 0);
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: busArn(stack, bus),
        RetentionDays: 30,
        EventPattern: { source: ['aws.cloudformation'] },
      });
    });

    it('exposes the default bus first and the custom bus second', () => {
      const { bus } = centralBus({ organizationId: ORG_ID });

      expect(bus.buses).toEqual([bus.defaultBus, bus.bus]);
      expect(bus.defaultBus.eventBusName).toBe('default');
    });

    it('rejects props without senders, malformed or duplicated ids and too many accounts, naming each prop', () => {
      const tooMany = Array.from({ length: MAX_LISTED_ACCOUNTS + 1 }, (_, index) => String(100000000000 + index));

      const rejected = [
        () => centralBus({}),
        () => centralBus({ organizationId: 'org-1' }),
        () => centralBus({ accountIds: [ACCOUNT_A, '12345', ACCOUNT_A] }),
        () => centralBus({ accountIds: tooMany }),
        () => centralBus({ organizationId: ORG_ID, sources: [] }),
      ];

      rejected.forEach((build) => expect(build).toThrow(ConfigError));
      expect(rejected[0]).toThrow(/organizationId or accountIds: give at least one/);
      expect(rejected[1]).toThrow(/organizationId: expected an AWS Organizations id/);
      expect(rejected[2]).toThrow(/accountIds\.1: expected a 12-digit AWS account id[\s\S]*accountIds\.2: account 111122223333 is listed twice/);
      expect(rejected[3]).toThrow(/10 KB bus policy limit/);
      expect(rejected[4]).toThrow(/sources: expected at least one event source/);
    });
  });

  describe('fromConfig', () => {
    it('returns undefined when the configuration names neither an organization nor member accounts', () => {
      const stack = newStack();

      const bus = CentralEventBus.fromConfig(stack, 'CentralEventBus', { memberAccountIds: [] });

      expect(bus).toBeUndefined();
      expect(stack.node.children).toEqual([]);
    });

    it('admits the configured organization and member accounts', () => {
      const stack = newStack();

      CentralEventBus.fromConfig(stack, 'CentralEventBus', { organizationId: ORG_ID, memberAccountIds: [ACCOUNT_A] });

      expect(statements(Template.fromStack(stack)).map((statement) => statement.Sid)).toEqual(['cdk-AllowOrganization', 'cdk-AllowListedAccounts']);
    });
  });

  describe('buses', () => {
    it('gives the scan workflow one rule on the default bus and one on the central bus', () => {
      const stack = newIntegrationStack({ organizationId: ORG_ID });
      const central = stack.centralBus!;
      const workflow = stack.postDeployScan;

      const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.cloudformation'] } } }));
      expect(workflow.rules).toHaveLength(2);
      expect(rules.map((rule) => (rule as { Properties: { EventBusName?: unknown } }).Properties.EventBusName)).toEqual([
        'default',
        { Ref: stack.getLogicalId(central.bus.node.defaultChild as Parameters<Stack['getLogicalId']>[0]) },
      ]);
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless finding', () => {
      const { stack } = centralBus({ organizationId: ORG_ID, accountIds: [ACCOUNT_A], archiveRetention: Duration.days(30) });

      expect(nagFindings(stack)).toEqual([]);
    });
  });
});
