import { generateKeyPairSync } from 'node:crypto';
import { BadRequestError } from '../../../lambdas/core/errors.js';
import { HttpClient } from '../../../lambdas/core/http/http-client.js';
import { clientAssertion, fetchOneApiToken } from '../../../lambdas/zscaler/zdx/oneapi.js';
import { SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, startSimulator, type RunningSimulator } from '#simulator/index.js';
import { everythingShown, failure } from '../zscaler/helpers.js';
import { call, zdxToken } from './simulator-http.js';
import { manualClock } from '../../helpers/clock.js';

const CLIENT = SIMULATOR_CREDENTIALS.oneApi;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function secretForm(overrides: Record<string, string> = {}): string {
  return form({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, audience: 'https://api.zscaler.com', ...overrides });
}

describe('Simulator ZDX through OneAPI (ZIdentity tokens, /zdx/v1)', () => {
  const clock = manualClock();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({
      clock,
      config: {
        credentials: { oneApi: { publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString() } },
        oneApi: { tokenLifetimeSeconds: 300 },
        zdx: { rateLimit: { perSecond: 3, perMinute: 1000 } },
      },
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    clock.advance(2_000);
  });

  async function oneApiToken(): Promise<string> {
    const result = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm(), headers: FORM });
    return result.json.access_token as string;
  }

  describe(`POST ${ZIDENTITY_TOKEN_PATH}`, () => {
    it('issues a bearer JWT for the client secret with the configured lifetime', async () => {
      const result = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm(), headers: FORM });

      expect(result.status).toBe(200);
      expect(result.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
      const claims = JSON.parse(Buffer.from((result.json.access_token as string).split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({ sub: CLIENT.clientId, aud: 'https://api.zscaler.com', exp: claims.iat + 300 });
      expect(sim.counters.tokenRequests[`zidentity:${CLIENT.clientId}`]).toBeGreaterThanOrEqual(1);
    });

    it('answers a wrong secret with 400 invalid_client, and HTTP Basic with a wrong secret with 401 and a challenge', async () => {
      const inBody = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm({ client_secret: 'wrong' }), headers: FORM });
      const basic = Buffer.from(`${CLIENT.clientId}:wrong`).toString('base64');
      const inHeader = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, {
        rawBody: form({ grant_type: 'client_credentials', audience: 'https://api.zscaler.com' }),
        headers: { ...FORM, authorization: `Basic ${basic}` },
      });

      expect(inBody.status).toBe(400);
      expect(inBody.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
      expect(inHeader.status).toBe(401);
      expect(inHeader.json.error).toBe('invalid_client');
      expect(inHeader.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(JSON.stringify(sim.calls.filter((c) => c.path === ZIDENTITY_TOKEN_PATH).map((c) => c.body))).not.toContain('wrong');
    });

    it('accepts the right secret through HTTP Basic', async () => {
      const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');

      const result = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, {
        rawBody: form({ grant_type: 'client_credentials', audience: 'https://api.zscaler.com' }),
        headers: { ...FORM, authorization: `Basic ${basic}` },
      });

      expect(result.status).toBe(200);
    });

    it('names what is wrong with a malformed request: grant type, audience, JSON body', async () => {
      const grant = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm({ grant_type: 'password' }), headers: FORM });
      const audience = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm({ audience: 'https://example.com' }), headers: FORM });
      const json = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { body: { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } });

      expect([grant.status, grant.json.error]).toEqual([400, 'unsupported_grant_type']);
      expect([audience.status, audience.json.error]).toEqual([400, 'invalid_request']);
      expect([json.status, json.json.error]).toEqual([400, 'invalid_request']);
    });

    it('accepts a private-key JWT assertion once, and rejects its replay and a foreign key', async () => {
      const assertion = clientAssertion(CLIENT.clientId, privatePem, clock.now());
      const fields = { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', audience: 'https://api.zscaler.com' };
      const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

      const first = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: form({ ...fields, client_assertion: assertion }), headers: FORM });
      const replay = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: form({ ...fields, client_assertion: assertion }), headers: FORM });
      const forged = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: form({ ...fields, client_assertion: clientAssertion(CLIENT.clientId, foreign, clock.now()) }), headers: FORM });

      expect(first.status).toBe(200);
      expect(replay.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed: client_assertion was already used' });
      expect(forged.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed: client_assertion signature does not verify' });
    });
  });

  describe('/zdx/v1', () => {
    it('serves the ZDX routes to a ZIdentity token and keeps the recorded OneAPI path', async () => {
      const token = await oneApiToken();
      sim.resetCalls();

      const apps = await call(sim, 'GET', '/zdx/v1/apps', { token });

      expect(apps.status).toBe(200);
      expect(sim.calls.map((c) => [c.api, c.path])).toEqual([['zdx', '/zdx/v1/apps']]);
    });

    it('rejects a token of the other transport on each door with 401', async () => {
      const oneApi = await oneApiToken();
      const legacy = await zdxToken(sim, clock.now());

      const legacyOnOneApi = await call(sim, 'GET', '/zdx/v1/apps', { token: legacy });
      const oneApiOnLegacy = await call(sim, 'GET', '/v1/apps', { token: oneApi });

      expect(legacyOnOneApi.status).toBe(401);
      expect(legacyOnOneApi.json.message).toMatch(/OneAPI accepts ZIdentity access tokens only/);
      expect(oneApiOnLegacy.status).toBe(401);
      expect(oneApiOnLegacy.json.message).toMatch(/ZDX API key tokens only/);
    });

    it('does not serve ZDX API-key authentication under /zdx/v1', async () => {
      const result = await call(sim, 'GET', '/zdx/v1/oauth/validate', { token: await oneApiToken() });

      expect(result.status).toBe(404);
    });

    it('rejects an expired ZIdentity token', async () => {
      const token = await oneApiToken();
      clock.advance(301_000);

      const result = await call(sim, 'GET', '/zdx/v1/apps', { token });

      expect([result.status, result.json.message]).toEqual([401, 'Bearer token has expired']);
    });

    it('draws OneAPI calls from the tenant rate limit with the documented headers; token requests draw nothing', async () => {
      sim.zdx.resetRateLimit();
      const token = await oneApiToken();
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push(await call(sim, 'GET', '/zdx/v1/apps', { token }));
      const tokenAfter = await call(sim, 'POST', ZIDENTITY_TOKEN_PATH, { rawBody: secretForm(), headers: FORM });

      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(results[0]!.headers.get('ratelimit-limit')).toBe('3');
      expect(results[3]!.json).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' });
      expect(tokenAfter.status).toBe(200);
      expect(tokenAfter.headers.get('ratelimit-limit')).toBeNull();
    });
  });

  describe('fetchOneApiToken (the client) against it', () => {
    it('gets a token with a private key, and a wrong secret fails as BadRequestError that never shows the secret', async () => {
      const http = new HttpClient({ baseUrl: sim.url, timeoutMs: 5_000, clock });

      const withKey = await fetchOneApiToken(http, ZIDENTITY_TOKEN_PATH, { clientId: CLIENT.clientId, privateKey: privatePem }, clock);
      const error = await failure(fetchOneApiToken(http, ZIDENTITY_TOKEN_PATH, { clientId: CLIENT.clientId, clientSecret: 'a-wrong-secret-value' }, clock));

      expect(withKey.expiresAt).toBe(Math.floor(clock.now() / 1000) * 1000 + 300_000);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toContain('invalid_client');
      expect(everythingShown(error)).not.toContain('a-wrong-secret-value');
      expect(everythingShown(error)).not.toContain('PRIVATE KEY');
    });
  });
});
