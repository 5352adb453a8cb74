import { randomUUID } from 'node:crypto';
import { ScanReportSchema } from '../../../lambdas/notify/results.js';
import { matchesEventPattern } from '../../../local/sandbox/event-pattern.js';
import { ScanPipelineHarness } from '../../../local/sandbox/scan-harness.js';
import { LOCAL_ACCOUNT, resourcesOfType } from '../../../local/sandbox/template.js';
import { stackEvent, stackInstanceEvent } from '../../helpers/scan/fakes.js';

/**
 * Organization rollout end to end: events from member accounts (forwarded to the central bus, or
 * StackSet instance events seen in the administrator account) scan the ZCSPM account mapped to the
 * account that was deployed to, in the Region that was deployed to.
 */
const MEMBER = {
  payments: '210000000001',
  analytics: '210000000002',
  stackSetTarget: '210000000003',
  stackSetAdmin: '210000000004',
} as const;

let harness: ScanPipelineHarness;

beforeAll(async () => {
  harness = await ScanPipelineHarness.start({
    awsAccounts: Object.values(MEMBER),
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    // The central bus exists only with an organization (or member accounts): its rule is synthesized too.
    config: { organizationId: 'o-a1b2c3d4e5' },
  });
});

afterAll(async () => {
  await harness.close();
});

const zcspmOf = (awsAccountId: string): string => harness.mappings[awsAccountId] as string;

/** Rescan calls the simulator recorded for one ZCSPM account (its GUID is in the path). */
const rescansOf = (zcspmAccountId: string) =>
  harness.simulator.calls.filter((call) => call.api === 'zcspm' && call.path.endsWith('/rescan') && call.path.includes(zcspmAccountId));

const outcomesOf = async (awsAccountId: string) => (await harness.scanOutcomes()).filter((outcome) => outcome.awsAccountId === awsAccountId);

const memberEvent = (account: string, region: string, stackName: string) =>
  stackEvent({ account, region, stackName, stackUuid: randomUUID(), token: `token-${randomUUID()}` });

/** The synthesized deployment rules' event patterns and the bus each listens on. */
function deploymentRules(): Array<{ pattern: unknown; eventBusName: unknown }> {
  const { template } = harness.stack;
  return resourcesOfType(template, 'AWS::Events::Rule', 'PostDeployScan').map((logicalId) => {
    const properties = template.Resources[logicalId]?.Properties as { EventPattern: unknown; EventBusName?: unknown };
    return { pattern: properties.EventPattern, eventBusName: properties.EventBusName };
  });
}

describe('organization rollout (synthesized central stack, real handlers, simulator, DynamoDB Local)', () => {
  describe('deployment rules', () => {
    it('listens on the default bus and on the central bus with the same pattern', () => {
      const rules = deploymentRules();

      expect(rules).toHaveLength(2);
      expect(rules[1]?.pattern).toEqual(rules[0]?.pattern);
      expect(rules.map((rule) => JSON.stringify(rule.eventBusName ?? 'default'))).toEqual([
        expect.stringContaining('default'),
        expect.stringContaining('CentralEventBus'),
      ]);
    });

    it('matches a forwarded member-account event on the central bus rule, envelope account untouched', () => {
      const forwarded = memberEvent(MEMBER.payments, 'eu-central-1', 'forwarded');
      const [, centralRule] = deploymentRules();

      expect(forwarded.account).not.toBe(LOCAL_ACCOUNT);
      expect(matchesEventPattern(centralRule?.pattern, forwarded)).toBe(true);
    });
  });

  describe('member accounts in two Regions', () => {
    it('scans the ZCSPM account mapped to each member account, in the Region of its event', async () => {
      const deployments = [
        { account: MEMBER.payments, region: 'eu-west-1', stackName: 'payments-api' },
        { account: MEMBER.analytics, region: 'ap-southeast-2', stackName: 'analytics-etl' },
      ];

      const delivered = await Promise.all(deployments.map(({ account, region, stackName }) => harness.deliver(memberEvent(account, region, stackName))));
      await harness.idle();

      expect(delivered.map((delivery) => delivery.delivered && delivery.result)).toEqual([
        expect.objectContaining({ outcome: 'opened', zcspmAccountId: zcspmOf(MEMBER.payments) }),
        expect.objectContaining({ outcome: 'opened', zcspmAccountId: zcspmOf(MEMBER.analytics) }),
      ]);
      for (const { account, region, stackName } of deployments) {
        const outcomes = await outcomesOf(account);
        expect(outcomes).toHaveLength(1);
        expect(rescansOf(zcspmOf(account))).toHaveLength(1);
        expect(ScanReportSchema.parse(outcomes[0]?.report)).toMatchObject({ awsAccountId: account, region, zcspmAccountId: zcspmOf(account), jobStatus: 'Success' });
        expect(outcomes[0]?.deployments).toEqual([expect.objectContaining({ stackName })]);
      }
      expect(harness.simulator.calls.filter((call) => call.path.endsWith('/rescan'))).toHaveLength(2);
      expect(rescansOf(zcspmOf(MEMBER.stackSetAdmin))).toHaveLength(0);
    });
  });

  describe('StackSet instance', () => {
    it('scans the target account and Region named by the instance stack id, not the administrator account', async () => {
      const instance = stackInstanceEvent({ targetAccount: MEMBER.stackSetTarget, targetRegion: 'ca-central-1', adminAccount: MEMBER.stackSetAdmin });

      const delivered = await harness.deliver(instance);
      await harness.idle();

      const outcomes = await outcomesOf(MEMBER.stackSetTarget);
      expect(instance.account).toBe(MEMBER.stackSetAdmin);
      expect(delivered).toMatchObject({ delivered: true, result: { outcome: 'opened', zcspmAccountId: zcspmOf(MEMBER.stackSetTarget) } });
      expect(outcomes).toHaveLength(1);
      expect(ScanReportSchema.parse(outcomes[0]?.report)).toMatchObject({
        awsAccountId: MEMBER.stackSetTarget,
        region: 'ca-central-1',
        zcspmAccountId: zcspmOf(MEMBER.stackSetTarget),
      });
      expect(rescansOf(zcspmOf(MEMBER.stackSetTarget))).toHaveLength(1);
      expect(rescansOf(zcspmOf(MEMBER.stackSetAdmin))).toHaveLength(0);
      expect(await outcomesOf(MEMBER.stackSetAdmin)).toEqual([]);
    });
  });
});
