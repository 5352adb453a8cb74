import {
  REDACTED,
  clearRegisteredSecrets,
  isSecretKey,
  redact,
  redactValue,
  registerSecret,
  registerSecretValues,
} from '../../../../lambdas/core/observability/redaction.js';

describe('redact', () => {
  beforeEach(() => clearRegisteredSecrets());

  it('replaces every occurrence of a registered value, longest first', () => {
    registerSecret('abcdef');
    registerSecret('abcdef-and-more');

    const text = redact('x abcdef-and-more y abcdef z');

    expect(text).toBe(`x ${REDACTED} y ${REDACTED} z`);
  });

  it('ignores values too short to redact safely', () => {
    registerSecret('abc');

    const text = redact('abc is everywhere: abcabc');

    expect(text).toBe('abc is everywhere: abcabc');
  });

  it('removes credentials it was never told about by their shape', () => {
    const text = redact(
      'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig url=https://hooks.slack.com/services/T0/B0/xyz ?key_secret=abc123&x=1 xoxb-123456789-abcdef',
    );

    expect(text).toBe(`Authorization: Bearer ${REDACTED} url=${REDACTED} ?key_secret=${REDACTED}&x=1 ${REDACTED}`);
  });
});

describe('registerSecretValues', () => {
  beforeEach(() => clearRegisteredSecrets());

  it('registers every string leaf of a parsed secret', () => {
    registerSecretValues({ basic: { username: 'webhook-user', password: 'webhook-password' }, list: ['listed-secret'], n: 5 });

    const text = redact('webhook-user webhook-password listed-secret 5');

    expect(text).toBe(`${REDACTED} ${REDACTED} ${REDACTED} 5`);
  });
});

describe('isSecretKey', () => {
  it('matches secret-bearing keys in any case and separator style only', () => {
    const verdicts = ['Authorization', 'key_secret', 'keySecret', 'webhookUrl', 'bearer-token', 'Ocp-Apim-Subscription-Key', 'tokenExpiresAt', 'traceId'].map(isSecretKey);

    expect(verdicts).toEqual([true, true, true, true, true, true, false, false]);
  });
});

describe('redactValue', () => {
  beforeEach(() => clearRegisteredSecrets());

  it('replaces secret keys whatever their value and redacts strings and errors deeply', () => {
    registerSecret('registered-secret');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;

    const out = redactValue({
      headers: { authorization: 'anything', accept: 'application/json' },
      token: 12345,
      nested: [{ note: 'has registered-secret inside' }],
      error: new Error('failed with registered-secret'),
      cyclic,
    });

    expect(out).toEqual({
      headers: { authorization: REDACTED, accept: 'application/json' },
      token: REDACTED,
      nested: [{ note: `has ${REDACTED} inside` }],
      error: expect.objectContaining({ name: 'Error', message: `failed with ${REDACTED}` }),
      cyclic: { name: 'loop', self: '[Circular]' },
    });
  });
});
