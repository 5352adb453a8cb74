import { parseDeploymentEvent, type ParsedDeploymentEvent } from '../../../../lambdas/scan/domain/cfn-event.js';
import { decideScan } from '../../../../lambdas/scan/domain/decide.js';
import { ScanSettingsSchema, type ScanSettings } from '../../../../lambdas/scan/settings.js';
import { stackEvent, stackInstanceEvent } from '../../../helpers/scan/fakes.js';

const settings = (overrides: Record<string, unknown> = {}): ScanSettings => ScanSettingsSchema.parse(overrides);

function parsed(event: unknown): Extract<ParsedDeploymentEvent, { ok: true }> {
  const result = parseDeploymentEvent(event);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('decideScan', () => {
  describe('statuses', () => {
    it.each(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'])('scans %s by default', (status) => {
      const event = parsed(stackEvent({ status }));

      const decision = decideScan(event, settings());

      expect(decision).toEqual({ action: 'scan' });
    });

    it.each(['DELETE_COMPLETE', 'DELETE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_FAILED'])(
      'ignores %s with a reason naming the status',
      (status) => {
        const event = parsed(stackEvent({ status }));

        const decision = decideScan(event, settings());

        expect(decision).toEqual({ action: 'ignore', reason: `stack status ${status} is not a trigger status (CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE)` });
      },
    );

    it('scans UPDATE_ROLLBACK_COMPLETE when configured', () => {
      const event = parsed(stackEvent({ status: 'UPDATE_ROLLBACK_COMPLETE' }));

      const decision = decideScan(event, settings({ triggerStatuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] }));

      expect(decision.action).toBe('scan');
    });

    it('scans a SUCCEEDED StackSet instance and ignores other detailed statuses and DELETE actions', () => {
      const succeeded = parsed(stackInstanceEvent());
      const running = parsed(stackInstanceEvent({ detailedStatus: 'RUNNING' }));
      const deleted = parsed(stackInstanceEvent({ action: 'DELETE' }));

      expect(decideScan(succeeded, settings())).toEqual({ action: 'scan' });
      expect(decideScan(running, settings())).toEqual({ action: 'ignore', reason: 'StackSet instance status RUNNING is not a trigger status (SUCCEEDED)' });
      expect(decideScan(deleted, settings())).toEqual({ action: 'ignore', reason: 'StackSet instance action DELETE is not a trigger action (CREATE, UPDATE)' });
    });
  });

  describe('own stack', () => {
    it('ignores the integration stack by ARN', () => {
      const event = parsed(stackEvent({ stackName: 'ZscalerIntegration' }));

      const decision = decideScan(event, settings({ ownStack: { stackId: event.deployment.stackId } }));

      expect(decision).toEqual({ action: 'ignore', reason: "stack ZscalerIntegration is this integration's own stack" });
    });

    it('ignores the integration stack by name only within its own account', () => {
      const own = parsed(stackEvent({ stackName: 'ZscalerIntegration', account: '111122223333' }));
      const elsewhere = parsed(stackEvent({ stackName: 'ZscalerIntegration', account: '999988887777' }));
      const ownStack = { stackName: 'ZscalerIntegration', awsAccountId: '111122223333' };

      expect(decideScan(own, settings({ ownStack })).action).toBe('ignore');
      expect(decideScan(elsewhere, settings({ ownStack })).action).toBe('scan');
    });
  });

  describe('filters', () => {
    it('applies exclude before include globs', () => {
      const config = settings({ includeStacks: ['app-*'], excludeStacks: ['app-*-sandbox'] });

      expect(decideScan(parsed(stackEvent({ stackName: 'app-payments' })), config)).toEqual({ action: 'scan' });
      expect(decideScan(parsed(stackEvent({ stackName: 'app-payments-sandbox' })), config)).toEqual({
        action: 'ignore',
        reason: 'stack app-payments-sandbox matches excludeStacks pattern "app-*-sandbox"',
      });
      expect(decideScan(parsed(stackEvent({ stackName: 'infra-vpc' })), config)).toEqual({
        action: 'ignore',
        reason: 'stack infra-vpc matches no includeStacks pattern',
      });
    });

    it('filters by account and region when lists are given', () => {
      const config = settings({ accounts: ['111122223333'], regions: ['eu-west-1'] });

      expect(decideScan(parsed(stackEvent({ account: '111122223333', region: 'eu-west-1' })), config)).toEqual({ action: 'scan' });
      expect(decideScan(parsed(stackEvent({ account: '999988887777', region: 'eu-west-1' })), config)).toEqual({
        action: 'ignore',
        reason: 'account 999988887777 is not in the accounts filter',
      });
      expect(decideScan(parsed(stackEvent({ account: '111122223333', region: 'us-east-1' })), config)).toEqual({
        action: 'ignore',
        reason: 'region us-east-1 is not in the regions filter',
      });
    });
  });
});
