import fc from 'fast-check';
import { REDACTED, redactSecrets } from '../../../../lambdas/core/http/redact.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrZXkiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXBhcnQ';

describe('redactSecrets', () => {
  describe('known values', () => {
    it('replaces every occurrence of a known secret, raw and URL-encoded', () => {
      const text = 'secret a+b/c= sent as a%2Bb%2Fc%3D and again a+b/c=';

      const result = redactSecrets(text, ['a+b/c=']);

      expect(result).toBe(`secret ${REDACTED} sent as ${REDACTED} and again ${REDACTED}`);
    });

    it('ignores undefined and very short values so the text stays readable', () => {
      expect(redactSecrets('id is ab', ['ab', undefined])).toBe('id is ab');
    });
  });

  describe('patterns', () => {
    it.each([
      ['{"key_secret":"abc123"}', `{"key_secret":"${REDACTED}"}`],
      ['{"Secret": "s3cr3t", "APIApplicationId": "app"}', `{"Secret": "${REDACTED}", "APIApplicationId": "app"}`],
      ['{"token":"tok","token_type":"Bearer"}', `{"token":"${REDACTED}","token_type":"${REDACTED}"}`],
      ['{"access_token": 12345}', `{"access_token": "${REDACTED}"}`],
      ['{"Ocp-Apim-Subscription-Key":"k-1"}', `{"Ocp-Apim-Subscription-Key":"${REDACTED}"}`],
      ['{"message":"escaped \\"quote\\" kept","password":"p\\"w"}', `{"message":"escaped \\"quote\\" kept","password":"${REDACTED}"}`],
    ])('redacts secret-named JSON fields: %s', (input, expected) => {
      expect(redactSecrets(input)).toBe(expected);
    });

    it('redacts header-style credentials', () => {
      const text = 'Authorization: Bearer abc.def\nOcp-Apim-Subscription-Key: 0123456789abcdef';

      const result = redactSecrets(text);

      expect(result).toBe(`Authorization: Bearer ${REDACTED}\nOcp-Apim-Subscription-Key: ${REDACTED}`);
    });

    it('redacts bearer credentials, JWTs and secret query parameters anywhere', () => {
      const text = `got bearer xyz; jwt ${JWT}; url /token?key_secret=abc&accountId=42`;

      const result = redactSecrets(text);

      expect(result).toBe(`got bearer ${REDACTED}; jwt ${REDACTED}; url /token?key_secret=${REDACTED}&accountId=42`);
    });

    it('redacts a secret field or a JWT in a body that was cut off mid-value', () => {
      expect(redactSecrets('{"result":{"token":"abc.def')).toBe(`{"result":{"token":"${REDACTED}"`);
      expect(redactSecrets('{"tok":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIi')).toBe(`{"tok":"${REDACTED}`);
    });

    it('leaves ordinary text alone', () => {
      const text = '{"message":"Request Successful","statusCode":200,"jobStatus":"Running"}';

      expect(redactSecrets(text)).toBe(text);
    });
  });

  describe('property', () => {
    it('never lets a known secret survive, wherever it is embedded', () => {
      fc.assert(
        fc.property(fc.string(), fc.string({ minLength: 6, maxLength: 40 }), fc.string(), (before, secret, after) => {
          const result = redactSecrets(`${before}${secret}${after}`, [secret]);

          return !result.includes(secret) || `${before}${after}`.includes(secret) || REDACTED.includes(secret);
        }),
        { numRuns: 500 },
      );
    });
  });
});
