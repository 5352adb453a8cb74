import { readFileSync } from 'node:fs';
import { handleAlertWebhook, isJsonContentType, type WebhookRequest } from '../../../../lambdas/diagnostics/steps/alert-intake.js';
import { FakeLedger, FakeStarter } from '../../../helpers/diagnostics/fakes.js';

const fixtureText = readFileSync(new URL('../../../fixtures/events/zdx-webhook-alert-started.json', import.meta.url), 'utf8');
const token = 'zdx-webhook-token-0123456789';

function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: fixtureText,
    isBase64Encoded: false,
    ...overrides,
  };
}

function setup() {
  const ledger = new FakeLedger();
  const executions = new FakeStarter();
  const deps = {
    credential: async () => ({ bearerToken: token }),
    ledger,
    executions,
    settings: { minSeverity: 'Low' as const, webhookMaxBodyBytes: 65_536 },
  };
  return { ledger, executions, deps };
}

function bodyOf(result: { response: { body: string } }): Record<string, unknown> {
  return JSON.parse(result.response.body) as Record<string, unknown>;
}

describe('alert-intake', () => {
  describe('handleAlertWebhook', () => {
    it('starts one execution named after the alert and answers 202', async () => {
      const { deps, executions, ledger } = setup();

      const result = await handleAlertWebhook(request(), deps);

      expect(result.response.statusCode).toBe(202);
      expect(bodyOf(result)).toMatchObject({ alertId: '7263519', executionName: 'alert-7263519' });
      expect(executions.started).toHaveLength(1);
      expect(executions.started[0]?.input).toMatchObject({ source: 'webhook', alert: { alertId: '7263519', severity: 'High' } });
      expect(ledger.claims.get('7263519')?.state).toBe('started');
    });

    it('starts nothing for a second delivery of the same alert', async () => {
      const { deps, executions } = setup();
      await handleAlertWebhook(request(), deps);

      const second = await handleAlertWebhook(request(), deps);

      expect(second.response.statusCode).toBe(200);
      expect(second.outcome).toBe('duplicate');
      expect(executions.started).toHaveLength(1);
    });

    it('answers 200 to the portal test webhook and starts nothing', async () => {
      const { deps, executions } = setup();

      const result = await handleAlertWebhook(request({ body: '{"ruleName":"test"}' }), deps);

      expect(result.response.statusCode).toBe(200);
      expect(bodyOf(result).message).toBe('test webhook received; nothing started');
      expect(executions.started).toHaveLength(0);
    });

    it('answers 401 without a credential and with a wrong one, before reading the body', async () => {
      const { deps, executions } = setup();

      const missing = await handleAlertWebhook(request({ headers: { 'content-type': 'application/json' }, body: 'not json' }), deps);
      const wrong = await handleAlertWebhook(request({ headers: { authorization: 'Bearer nope-nope-nope-nope', 'content-type': 'application/json' } }), deps);

      expect(missing.response.statusCode).toBe(401);
      expect(bodyOf(missing)).toEqual({ error: 'Unauthorized', message: 'missing Authorization header' });
      expect(missing.response.headers['www-authenticate']).toContain('Bearer');
      expect(wrong.response.statusCode).toBe(401);
      expect(wrong.response.body).not.toContain('nope-nope');
      expect(executions.started).toHaveLength(0);
    });

    it('answers 405 to other methods and 415 to other content types', async () => {
      const { deps } = setup();

      const get = await handleAlertWebhook(request({ method: 'GET' }), deps);
      const form = await handleAlertWebhook(request({ headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' } }), deps);

      expect(get.response.statusCode).toBe(405);
      expect(get.response.headers.allow).toBe('POST');
      expect(form.response.statusCode).toBe(415);
      expect(bodyOf(form).message).toBe('content-type must be application/json, got "application/x-www-form-urlencoded"');
    });

    it('answers 413 above the body limit', async () => {
      const { deps } = setup();

      const result = await handleAlertWebhook(request({ body: JSON.stringify({ alertId: 1, status: 'STARTED', pad: 'x'.repeat(70_000) }) }), deps);

      expect(result.response.statusCode).toBe(413);
      expect(bodyOf(result).message).toMatch(/^body is \d+ bytes; the limit is 65536$/);
    });

    it('answers 400 with the reason for bodies that are not usable alerts', async () => {
      const { deps } = setup();

      const empty = await handleAlertWebhook(request({ body: '' }), deps);
      const broken = await handleAlertWebhook(request({ body: '{"alertId":' }), deps);
      const missing = await handleAlertWebhook(request({ body: '{"ruleName":"Slow"}' }), deps);

      expect(empty.response.statusCode).toBe(400);
      expect(bodyOf(empty).message).toBe('body is empty; expected a ZDX alert as JSON');
      expect(broken.response.statusCode).toBe(400);
      expect(bodyOf(broken).message).toMatch(/^body is not valid JSON: /);
      expect(missing.response.statusCode).toBe(400);
      expect(bodyOf(missing).message).toBe('body is not a usable ZDX alert: alertId: is required; status: is required');
    });

    it('decodes a base64 body', async () => {
      const { deps, executions } = setup();

      const result = await handleAlertWebhook(request({ body: Buffer.from(fixtureText).toString('base64'), isBase64Encoded: true }), deps);

      expect(result.response.statusCode).toBe(202);
      expect(executions.started).toHaveLength(1);
    });

    it('acknowledges an alert below the severity filter without starting anything', async () => {
      const { deps, executions } = setup();

      const result = await handleAlertWebhook(request({ body: JSON.stringify({ alertId: 9, status: 'STARTED', severity: 'Low' }) }), {
        ...deps,
        settings: { ...deps.settings, minSeverity: 'Medium' },
      });

      expect(result.response.statusCode).toBe(200);
      expect(result.outcome).toBe('filtered');
      expect(bodyOf(result).message).toBe('severity Low is below the configured minimum Medium; nothing started');
      expect(executions.started).toHaveLength(0);
    });

    it('records an ended status once and leaves running traces alone', async () => {
      const { deps, executions, ledger } = setup();
      const ended = JSON.stringify({ alertId: 7263519, status: 'ENDED_ON_RULE_MODIFY', endTime: 1763802000 });

      const first = await handleAlertWebhook(request({ body: ended }), deps);
      const again = await handleAlertWebhook(request({ body: ended }), deps);

      expect(first.response.statusCode).toBe(200);
      expect(first.outcome).toBe('recorded');
      expect(bodyOf(first).message).toContain('deep traces already running are left to finish');
      expect(again.outcome).toBe('duplicate');
      expect(ledger.recorded.has('7263519#ENDED_ON_RULE_MODIFY')).toBe(true);
      expect(executions.started).toHaveLength(0);
    });

    it('answers 503 and frees the claim when Step Functions fails, so a redelivery starts it', async () => {
      const { deps, executions } = setup();
      executions.fail = new Error('ServiceUnavailable');

      const failed = await handleAlertWebhook(request(), deps);
      const retried = await handleAlertWebhook(request(), deps);

      expect(failed.response.statusCode).toBe(503);
      expect(failed.response.headers['retry-after']).toBe('30');
      expect(retried.response.statusCode).toBe(202);
      expect(executions.started).toHaveLength(1);
    });

    it('answers 503 when the credential cannot be loaded', async () => {
      const { deps } = setup();

      const result = await handleAlertWebhook(request(), { ...deps, credential: () => Promise.reject(new Error('AccessDenied')) });

      expect(result.response.statusCode).toBe(503);
      expect(bodyOf(result).error).toBe('ServiceUnavailable');
    });
  });

  describe('isJsonContentType', () => {
    it('accepts JSON media types with parameters', () => {
      expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
      expect(isJsonContentType('Application/JSON')).toBe(true);
      expect(isJsonContentType('application/vnd.zdx+json')).toBe(true);
      expect(isJsonContentType('text/json')).toBe(false);
      expect(isJsonContentType(undefined)).toBe(false);
    });
  });
});
