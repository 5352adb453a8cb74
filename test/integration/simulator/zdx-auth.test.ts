import { createPublicKey, createVerify } from 'node:crypto';
import { SIMULATOR_CREDENTIALS, startSimulator, type RunningSimulator } from '#simulator/index.js';
import { call, zdxToken, zdxTokenBody } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

describe('Simulator ZDX authentication', () => {
  const clock = manualClock();
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ clock, config: { zdx: { rateLimit: { enabled: false }, tokenLifetimeSeconds: 60 } } });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('POST /v1/oauth/token', () => {
    it('issues a bearer JWT when the key secret is hashed with a fresh timestamp', async () => {
      const body = zdxTokenBody(clock.now());

      const result = await call(sim, 'POST', '/v1/oauth/token', { body });

      expect(result.status).toBe(200);
      expect(result.json).toEqual({ token: expect.any(String), token_type: 'Bearer', expires_in: 60 });
      const [header, claims] = (result.json.token as string).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
      expect(claims).toMatchObject({ sub: SIMULATOR_CREDENTIALS.zdx.keyId, exp: claims.iat + 60 });
    });

    it('rejects with 401 when the hash was made with a wrong secret', async () => {
      const body = zdxTokenBody(clock.now(), 'not-the-secret');

      const result = await call(sim, 'POST', '/v1/oauth/token', { body });

      expect(result.status).toBe(401);
      expect(result.json).toEqual({ code: 'UNAUTHORIZED', message: 'Invalid API key credentials' });
    });

    it('rejects with 401 when the timestamp is more than 15 minutes old', async () => {
      const body = zdxTokenBody(clock.now() - 901_000);

      const result = await call(sim, 'POST', '/v1/oauth/token', { body });

      expect(result.status).toBe(401);
      expect(result.json.message).toMatch(/outside the allowed window of 900 seconds/);
    });

    it('accepts a timestamp 15 minutes old', async () => {
      const body = zdxTokenBody(clock.now() - 900_000);

      const result = await call(sim, 'POST', '/v1/oauth/token', { body });

      expect(result.status).toBe(200);
    });

    it('rejects with 401 when the key id is unknown', async () => {
      const body = { ...zdxTokenBody(clock.now()), key_id: 'other-key' };

      const result = await call(sim, 'POST', '/v1/oauth/token', { body });

      expect(result.status).toBe(401);
    });

    it('rejects the plain secret with 400 unless the plain variant is enabled', async () => {
      const body = { key_id: SIMULATOR_CREDENTIALS.zdx.keyId, key_secret: SIMULATOR_CREDENTIALS.zdx.keySecret };

      const rejected = await call(sim, 'POST', '/v1/oauth/token', { body });
      sim.update({ zdx: { acceptPlainSecret: true } });
      const accepted = await call(sim, 'POST', '/v1/oauth/token', { body });
      sim.update({ zdx: { acceptPlainSecret: false } });

      expect(rejected.status).toBe(400);
      expect(rejected.json.message).toMatch(/timestamp: required/);
      expect(accepted.status).toBe(200);
    });

    it('answers 400 naming the field when the body has the wrong shape', async () => {
      const result = await call(sim, 'POST', '/v1/oauth/token', { body: { key_id: 5 } });

      expect(result.status).toBe(400);
      expect(result.json.message).toMatch(/key_id/);
      expect(result.json.message).toMatch(/key_secret/);
    });

    it('counts every token request', async () => {
      const before = sim.counters.tokenRequests.zdx ?? 0;

      await zdxToken(sim, clock.now());
      await call(sim, 'POST', '/v1/oauth/token', { body: zdxTokenBody(clock.now(), 'bad') });

      expect(sim.counters.tokenRequests.zdx).toBe(before + 2);
    });
  });

  describe('GET /v1/oauth/validate', () => {
    it('answers valid for a fresh token and 401 once it expired', async () => {
      const token = await zdxToken(sim, clock.now());

      const fresh = await call(sim, 'GET', '/v1/oauth/validate', { token });
      clock.advance(60_000);
      const expired = await call(sim, 'GET', '/v1/oauth/validate', { token });

      expect(fresh.json).toEqual({ valid: true });
      expect(expired.status).toBe(401);
      expect(expired.json.message).toBe('Bearer token has expired');
    });

    it('answers 401 without a bearer', async () => {
      const result = await call(sim, 'GET', '/v1/alerts/ongoing');

      expect(result.status).toBe(401);
      expect(result.json.code).toBe('UNAUTHORIZED');
    });

    it('answers 401 for a token the simulator never issued', async () => {
      const result = await call(sim, 'GET', '/v1/oauth/validate', { token: 'eyJhbGciOiJSUzI1NiJ9.e30.AAAA' });

      expect(result.status).toBe(401);
    });
  });

  describe('GET /v1/oauth/jwks', () => {
    it('returns the public key that verifies issued tokens', async () => {
      const token = await zdxToken(sim, clock.now());

      const result = await call(sim, 'GET', '/v1/oauth/jwks', { token });

      const [header, claims, signature] = token.split('.') as [string, string, string];
      const jwk = result.json.keys[0];
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      const verified = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(key, Buffer.from(signature, 'base64url'));
      expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(verified).toBe(true);
    });
  });
});
