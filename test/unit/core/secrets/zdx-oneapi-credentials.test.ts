import { ZdxOneApiCredentials } from '../../../../lambdas/core/secrets/schemas.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----';

describe('ZdxOneApiCredentials (the ZDX secret with zdx.auth "oneapi")', () => {
  it.each([
    [{ clientId: 'client', clientSecret: 'secret' }],
    [{ clientId: 'client', privateKey: PEM }],
  ])('accepts %j', (value) => {
    expect(ZdxOneApiCredentials.parse(value)).toEqual(value);
  });

  it.each([
    [{ clientId: 'client' }, 'exactly one of clientSecret or privateKey'],
    [{ clientId: 'client', clientSecret: 'secret', privateKey: PEM }, 'exactly one of clientSecret or privateKey'],
    [{ clientId: 'client', privateKey: 'not a key' }, 'expected a PEM private key'],
    [{ keyId: 'legacy', keySecret: 'legacy' }, 'keyId'],
  ])('rejects %j', (value, message) => {
    const result = ZdxOneApiCredentials.safeParse(value);

    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
