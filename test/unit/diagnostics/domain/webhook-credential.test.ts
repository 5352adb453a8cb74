import { checkWebhookCredential } from '../../../../lambdas/diagnostics/domain/webhook-credential.js';

const token = 'zdx-webhook-token-0123456789';
const basic = { basic: { username: 'zdx', password: 'correct horse battery' } };

function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('webhook-credential', () => {
  describe('checkWebhookCredential', () => {
    it('accepts the configured bearer token, whatever the scheme case', () => {
      expect(checkWebhookCredential(`Bearer ${token}`, { bearerToken: token })).toEqual({ ok: true, scheme: 'bearer' });
      expect(checkWebhookCredential(`bearer ${token}`, { bearerToken: token })).toEqual({ ok: true, scheme: 'bearer' });
    });

    it('rejects a wrong or truncated token without echoing it', () => {
      const wrong = checkWebhookCredential(`Bearer ${token}x`, { bearerToken: token });
      const truncated = checkWebhookCredential(`Bearer ${token.slice(0, 10)}`, { bearerToken: token });

      expect(wrong).toEqual({ ok: false, reason: 'wrong credential' });
      expect(truncated).toEqual({ ok: false, reason: 'wrong credential' });
    });

    it('accepts the configured basic credential and rejects a wrong password', () => {
      expect(checkWebhookCredential(basicHeader(basic.basic.username, basic.basic.password), basic)).toEqual({ ok: true, scheme: 'basic' });
      expect(checkWebhookCredential(basicHeader(basic.basic.username, 'wrong'), basic)).toEqual({ ok: false, reason: 'wrong credential' });
    });

    it('rejects a scheme that is not configured', () => {
      expect(checkWebhookCredential(basicHeader('zdx', token), { bearerToken: token })).toEqual({ ok: false, reason: 'wrong credential' });
      expect(checkWebhookCredential(`Bearer ${token}`, basic)).toEqual({ ok: false, reason: 'wrong credential' });
    });

    it('explains a missing or malformed header', () => {
      expect(checkWebhookCredential(undefined, { bearerToken: token })).toEqual({ ok: false, reason: 'missing Authorization header' });
      expect(checkWebhookCredential('  ', { bearerToken: token })).toEqual({ ok: false, reason: 'missing Authorization header' });
      expect(checkWebhookCredential(token, { bearerToken: token })).toEqual({ ok: false, reason: 'Authorization must be "Bearer <token>" or "Basic <credentials>"' });
      expect(checkWebhookCredential(`Bearer ${'a'.repeat(9000)}`, { bearerToken: token })).toEqual({ ok: false, reason: 'Authorization header is too long' });
    });
  });
});
