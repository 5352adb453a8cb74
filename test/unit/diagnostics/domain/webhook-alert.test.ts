import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../../../lambdas/core/errors.js';
import { EXTRA_LIMITS, isTestWebhook, parseWebhookAlert } from '../../../../lambdas/diagnostics/domain/webhook-alert.js';

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

    it('accepts an alert id sent as a string of digits, canonically, and upper-cases the status', () => {
      const { alert } = parseWebhookAlert({ alertId: ' 0017 ', status: 'started' });

      expect(alert.alertId).toBe('17');
      expect(alert.status).toBe('STARTED');
    });

    it('refuses an alert id that is not a ZDX alert id (an integer), saying what it should be', () => {
      const expected = (got: string) => `body is not a usable ZDX alert: alertId: must be a ZDX alert id: a whole number such as 7263519 (got ${got})`;

      expect(rejection({ alertId: 'abc/../x', status: 'STARTED' }).message).toBe(expected('"abc/../x"'));
      expect(rejection({ alertId: -1, status: 'STARTED' }).message).toBe(expected('-1'));
      expect(rejection({ alertId: 1.5, status: 'STARTED' }).message).toBe(expected('1.5'));
      expect(rejection({ alertId: '1e3', status: 'STARTED' }).message).toBe(expected('"1e3"'));
      expect(rejection({ alertId: '-1', status: 'STARTED' }).message).toBe(expected('"-1"'));
      expect(rejection({ alertId: '99999999999999999', status: 'STARTED' }).message).toBe(expected('"99999999999999999"'));
      expect(rejection({ alertId: 2 ** 53, status: 'STARTED' }).message).toBe(expected(String(2 ** 53)));
      expect(rejection({ alertId: true, status: 'STARTED' }).message).toBe(expected('a boolean'));
      expect(rejection({ alertId: [7], status: 'STARTED' }).message).toBe(expected('an array'));
      expect(rejection({ alertId: 'x'.repeat(500), status: 'STARTED' }).message).toBe(expected(`"${'x'.repeat(39)}…"`));
    });

    it('canonicalises a known severity and refuses any other, naming the accepted values', () => {
      expect(parseWebhookAlert({ alertId: 5, status: 'STARTED', severity: ' medium ' }).alert.severity).toBe('Medium');
      expect(parseWebhookAlert({ alertId: 5, status: 'STARTED' }).alert.severity).toBeUndefined();
      expect(rejection({ alertId: 5, status: 'STARTED', severity: 'Urgent' }).message).toBe('body is not a usable ZDX alert: severity: must be High, Medium or Low (got "Urgent")');
      expect(rejection({ alertId: 5, status: 'ENDED', severity: 3 }).message).toBe('body is not a usable ZDX alert: severity: must be High, Medium or Low (got 3)');
    });

    it('keeps unknown fields only within bounds, with a warning for each one dropped', () => {
      let deep: unknown = 'bottom';
      for (let level = 0; level < 5_000; level += 1) deep = { a: deep };
      let justDeepEnough: unknown = 1;
      for (let level = 0; level < EXTRA_LIMITS.maxDepth; level += 1) justDeepEnough = [justDeepEnough];
      const many = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`field${index}`, index]));

      const { alert, warnings } = parseWebhookAlert({ alertId: 5, status: 'STARTED', deep, justDeepEnough, big: 'x'.repeat(3_000), ...many });

      expect(alert.extra.deep).toBeUndefined();
      expect(alert.extra.justDeepEnough).toEqual(justDeepEnough);
      expect(alert.extra.big).toBeUndefined();
      expect(Object.keys(alert.extra)).toHaveLength(EXTRA_LIMITS.maxFields);
      expect(warnings).toEqual([
        'deep: not kept, nested deeper than 8 levels',
        'big: not kept, 3002 characters of JSON (at most 2048 each, 8192 in all)',
        '9 more unknown fields not kept: at most 32 are',
      ]);
      expect(() => JSON.stringify(alert)).not.toThrow();
    });

    it('strips unknown keys inside the criteria', () => {
      const { alert } = parseWebhookAlert({ alertId: 5, status: 'STARTED', criteria: { op: 'AND', junk: { a: 1 }, conditions: [{ conditionString: 'PFT > 3 s', junk: 1, stats: { avg: 4, junk: 2 } }] } });

      expect(alert.criteria).toEqual({ op: 'AND', conditions: [{ conditionString: 'PFT > 3 s', stats: { avg: 4 } }] });
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

    it('stores text as valid Unicode and refuses a status that is not', () => {
      expect(parseWebhookAlert({ alertId: 5, status: 'STARTED', ruleName: 'a\uD800b' }).alert.ruleName).toBe('a\uFFFDb');
      expect(rejection({ alertId: 5, status: 'END\uD800ED' }).message).toBe('body is not a usable ZDX alert: status: must be valid Unicode text');
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
      expect(rejection({ alertId: '', status: 'STARTED' }).message).toContain('alertId: must be a ZDX alert id');
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
