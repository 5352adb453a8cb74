import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../../../lambdas/core/errors.js';
import { isTestWebhook, parseWebhookAlert } from '../../../../lambdas/use-cases/diagnostics/webhook-alert.js';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/events/zdx-webhook-alert-started.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function rejection(body: unknown): InvalidInputError {
  try {
    parseWebhookAlert(body);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('webhook-alert', () => {
  describe('parseWebhookAlert', () => {
    it('reads every documented field of the shared fixture', () => {
      const { alert, warnings } = parseWebhookAlert(fixture);

      expect(alert).toMatchObject({
        alertId: '7263519',
        ruleName: 'Poor Outlook Online Page Fetch Time',
        status: 'STARTED',
        severity: 'High',
        alertType: 'Application',
        startTime: 1763800920,
        zdxUrl: 'https://admin.zdxcloud.net/zdx/alerts/7263519',
        impactedDeviceCount: 3,
        criteriaString: 'Page Fetch Time > 3000 ms',
      });
      expect(alert.criteria?.conditions?.[0]).toMatchObject({ conditionString: 'Page Fetch Time > 3000 ms', isHit: true, stats: { avg: 4975 } });
      expect(warnings).toEqual([]);
    });

    it('accepts a string alert id and upper-cases the status', () => {
      const { alert } = parseWebhookAlert({ alertId: ' A-17 ', status: 'started' });

      expect(alert.alertId).toBe('A-17');
      expect(alert.status).toBe('STARTED');
    });

    it('keeps unknown fields in extra, including a __proto__ key as plain data', () => {
      const body = JSON.parse('{"alertId":1,"status":"STARTED","zscaler_hosted_locations":["FRA"],"__proto__":{"polluted":true}}') as unknown;

      const { alert } = parseWebhookAlert(body);

      expect(alert.extra.zscaler_hosted_locations).toEqual(['FRA']);
      expect(Object.hasOwn(alert.extra, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('drops a descriptive field of the wrong kind with a warning instead of rejecting the alert', () => {
      const { alert, warnings } = parseWebhookAlert({ alertId: 5, status: 'STARTED', startTime: 'yesterday', impactedDeviceCount: -3, severity: 'High' });

      expect(alert.startTime).toBeUndefined();
      expect(alert.severity).toBe('High');
      expect(warnings).toEqual([expect.stringMatching(/^startTime: ignored/), expect.stringMatching(/^impactedDeviceCount: ignored/)]);
    });

    it('converts millisecond timestamps and numeric strings to epoch seconds', () => {
      const { alert } = parseWebhookAlert({ alertId: 5, status: 'ENDED', startTime: 1763800920000, endTime: '1763801000' });

      expect(alert.startTime).toBe(1763800920);
      expect(alert.endTime).toBe(1763801000);
    });

    it('shortens over-long text fields', () => {
      const { alert } = parseWebhookAlert({ alertId: 5, status: 'STARTED', ruleName: 'x'.repeat(5000) });

      expect(alert.ruleName).toHaveLength(512);
      expect(alert.ruleName?.endsWith('…')).toBe(true);
    });

    it('names both missing required fields', () => {
      const error = rejection({ ruleName: 'Slow app' });

      expect(error.message).toBe('body is not a usable ZDX alert: alertId: is required; status: is required');
      expect(error.issues).toHaveLength(2);
    });

    it('says what is wrong with an alert id of the wrong kind', () => {
      expect(rejection({ alertId: 1.5, status: 'STARTED' }).message).toContain('alertId: must be a number or a non-empty string');
      expect(rejection({ alertId: '', status: 'STARTED' }).message).toContain('alertId: must not be empty');
      expect(rejection({ alertId: 'a\u0000b', status: 'STARTED' }).message).toContain('alertId');
      expect(rejection({ alertId: 3, status: 42 }).message).toContain('status: must be a string such as "STARTED"');
    });

    it('rejects bodies that are not JSON objects, naming what arrived', () => {
      expect(rejection([1, 2]).message).toBe('body must be a JSON object (a ZDX alert), got an array');
      expect(rejection(null).message).toBe('body must be a JSON object (a ZDX alert), got null');
      expect(rejection('alert').message).toBe('body must be a JSON object (a ZDX alert), got a string');
    });
  });

  describe('isTestWebhook', () => {
    it('recognises the portal test body by its rule name only', () => {
      expect(isTestWebhook({ ruleName: 'test' })).toBe(true);
      expect(isTestWebhook({ ruleName: ' Test ', alertId: 1 })).toBe(true);
      expect(isTestWebhook({ ruleName: 'testing', alertId: 1 })).toBe(false);
      expect(isTestWebhook([{ ruleName: 'test' }])).toBe(false);
    });
  });
});
