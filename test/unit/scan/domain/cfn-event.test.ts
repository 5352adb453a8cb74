import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseDeploymentEvent, parseStackArn } from '../../../../lambdas/scan/domain/cfn-event.js';
import { stackEvent, stackInstanceEvent } from '../../../helpers/scan/fakes.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/scan/${name}`, import.meta.url), 'utf8'));

describe('parseDeploymentEvent', () => {
  describe('Stack Status Change', () => {
    it('reads account, region, stack and deployment key from the documented example', () => {
      const event = fixture('stack-create-complete.json');

      const parsed = parseDeploymentEvent(event);

      expect(parsed).toEqual({
        ok: true,
        eventId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        kind: 'stack',
        deployment: {
          awsAccountId: '111122223333',
          region: 'us-west-1',
          stackId: 'arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/2c1ec2b0-e748-11e7-9d71-50fa3f4c1e0a',
          stackName: 'teststack',
          status: 'CREATE_COMPLETE',
          deploymentKey: 'Console-CreateStack-7f59c3cf-00d2-40c7-b2ff-e75db0987002',
          time: '2017-12-22T18:43:48Z',
        },
      });
    });

    it('falls back to stack-id@time when the client request token is absent or empty', () => {
      const absent = stackEvent({ token: null, time: '2024-05-02T12:00:00Z' });
      const empty = stackEvent({ token: '', time: '2024-05-02T12:00:00Z' });

      const fromAbsent = parseDeploymentEvent(absent);
      const fromEmpty = parseDeploymentEvent(empty);

      const expected = 'arn:aws:cloudformation:us-west-1:111122223333:stack/teststack/2c1ec2b0-e748-11e7-9d71-50fa3f4c1e0a@2024-05-02T12:00:00Z';
      expect(fromAbsent.ok && fromAbsent.deployment.deploymentKey).toBe(expected);
      expect(fromEmpty.ok && fromEmpty.deployment.deploymentKey).toBe(expected);
    });

    it('keeps statuses it has never seen as open strings', () => {
      const event = stackEvent({ status: 'SOME_FUTURE_STATUS' });

      const parsed = parseDeploymentEvent(event);

      expect(parsed.ok && parsed.deployment.status).toBe('SOME_FUTURE_STATUS');
    });
  });

  describe('StackSet StackInstance Status Change', () => {
    it('takes account and region from the instance stack id, not from the envelope', () => {
      const event = fixture('stackset-instance-succeeded.json');

      const parsed = parseDeploymentEvent(event);

      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.kind).toBe('stack-set-instance');
      expect(parsed.action).toBe('CREATE');
      expect(parsed.deployment).toMatchObject({
        awsAccountId: '444455556666',
        region: 'eu-west-1',
        stackName: 'StackSet-baseline-guardrails-0a1b2c3d',
        status: 'SUCCEEDED',
        stackSetArn: 'arn:aws:cloudformation:us-east-1:111122223333:stackset/baseline-guardrails:6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f',
      });
    });
  });

  describe('rejections', () => {
    it.each([
      ['a string', 'hello', /not an EventBridge event/],
      ['null', null, /not an EventBridge event/],
      ['an object without fields', {}, /^not an EventBridge event: missing id, detail-type, source, account, region, time, detail$/],
    ])('explains why %s is not an event', (_label, input, reason) => {
      const parsed = parseDeploymentEvent(input);

      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.reason).toMatch(reason);
    });

    it('rejects another source', () => {
      const event = { ...stackEvent(), source: 'aws.ec2' };

      const parsed = parseDeploymentEvent(event);

      expect(parsed).toEqual({ ok: false, reason: 'source "aws.ec2" is not aws.cloudformation' });
    });

    it('rejects CloudFormation events that are not deployments', () => {
      const event = { ...stackEvent(), 'detail-type': 'CloudFormation Resource Status Change' };

      const parsed = parseDeploymentEvent(event);

      expect(!parsed.ok && parsed.reason).toBe('detail-type "CloudFormation Resource Status Change" is not a deployment event');
    });

    it('names the field of an invalid detail', () => {
      const event = { ...stackEvent(), detail: { 'stack-id': 'not-an-arn', 'status-details': { status: 'CREATE_COMPLETE' } } };

      const parsed = parseDeploymentEvent(event);

      expect(!parsed.ok && parsed.reason).toMatch(/^CloudFormation Stack Status Change has an invalid detail: stack-id: must be a CloudFormation stack ARN/);
    });

    it('rejects a StackSet instance event without a detailed status', () => {
      const event = stackInstanceEvent();
      (event.detail as Record<string, unknown>)['status-details'] = { status: 'CURRENT' };

      const parsed = parseDeploymentEvent(event);

      expect(!parsed.ok && parsed.reason).toMatch(/status-details\.detailed-status/);
    });
  });
});

describe('parseStackArn', () => {
  it('splits GovCloud and China partitions too', () => {
    expect(parseStackArn('arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/a/b')).toEqual({
      region: 'us-gov-west-1',
      awsAccountId: '123456789012',
      stackName: 'a',
    });
    expect(parseStackArn('arn:aws:s3:::bucket')).toBeUndefined();
  });
});

describe('parseDeploymentEvent (property)', () => {
  it('never throws and always explains a rejection, whatever the input', () => {
    const field = fc.oneof(fc.anything(), fc.string(), fc.constantFrom('CREATE_COMPLETE', 'arn:aws:cloudformation:eu-west-1:111122223333:stack/a/b', null));
    const mutated = fc
      .record({ key: fc.constantFrom('id', 'detail-type', 'source', 'account', 'region', 'time', 'detail'), value: field })
      .map(({ key, value }) => ({ ...stackEvent(), [key]: value }));
    const detailMutated = fc
      .record({ key: fc.constantFrom('stack-id', 'status-details', 'client-request-token'), value: field })
      .map(({ key, value }) => {
        const event = stackEvent();
        (event.detail as Record<string, unknown>)[key] = value;
        return event;
      });

    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, detailMutated), (input) => {
        const parsed = parseDeploymentEvent(input);
        return parsed.ok ? parsed.deployment.stackId.startsWith('arn:') : parsed.reason.length > 0;
      }),
      { numRuns: 3_000 },
    );
  });
});
