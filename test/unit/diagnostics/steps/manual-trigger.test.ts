import { InvalidInputError } from '../../../../lambdas/core/errors.js';
import { handleManualTrigger } from '../../../../lambdas/diagnostics/steps/manual-trigger.js';
import { FakeStarter } from '../../../helpers/diagnostics/fakes.js';

describe('manual-trigger', () => {
  describe('handleManualTrigger', () => {
    it('starts one execution for a device and application', async () => {
      const executions = new FakeStarter();

      const result = await handleManualTrigger({ id: 'evt-1', 'detail-type': 'TraceRequested', source: 'zsa.cli', detail: { deviceId: 1001, appId: 4 } }, { executions });

      expect(result).toMatchObject({ executionName: 'manual-1001-4-evt-1', alreadyStarted: false });
      expect(executions.started[0]?.input).toEqual({
        source: 'manual',
        alert: { alertId: 'manual-1001-4', status: 'STARTED', ruleName: 'Manual deep trace', extra: { eventId: 'evt-1' } },
        devices: [{ deviceId: '1001', appId: '4' }],
      });
    });

    it('starts an alert run by alert id, idempotent per event', async () => {
      const executions = new FakeStarter();
      const event = { id: 'evt-2', detail: { alertId: '7263519' } };

      await handleManualTrigger(event, { executions });
      const again = await handleManualTrigger(event, { executions });

      expect(again).toMatchObject({ executionName: 'manual-alert-7263519-evt-2', alreadyStarted: true });
      expect(executions.started).toHaveLength(1);
      expect(executions.started[0]?.input.devices).toBeUndefined();
    });

    it('rejects an event without the ids, naming the problem', async () => {
      const executions = new FakeStarter();

      const attempt = handleManualTrigger({ id: 'evt-3', detail: { deviceId: 1001 } }, { executions });

      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(handleManualTrigger({ id: 'evt-3', detail: { deviceId: 1001 } }, { executions })).rejects.toThrow(
        'not a manual trace request: detail: detail needs deviceId and appId, or alertId',
      );
      expect(executions.started).toHaveLength(0);
    });

    it('refuses a device or application id that is not a ZDX id (digits), before anything reaches an API path', async () => {
      const executions = new FakeStarter();

      const attempt = handleManualTrigger({ id: 'evt-4', detail: { deviceId: '../admin', appId: 4 } }, { executions });

      await expect(attempt).rejects.toThrow('not a manual trace request: detail.deviceId: must be a ZDX device id: a whole number such as 7263519 (got "../admin")');
      expect(executions.started).toHaveLength(0);
    });
  });
});
