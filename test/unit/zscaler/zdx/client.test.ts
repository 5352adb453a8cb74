import { createHash } from 'node:crypto';
import { MockAgent } from 'undici';
import { ErrorName, InvalidInputError } from '../../../../lambdas/core/errors.js';
import { HttpClient } from '../../../../lambdas/core/http/http-client.js';
import type { RateLimiter, TokenSource } from '../../../../lambdas/core/ports.js';
import { ZdxClient, fetchZdxToken } from '../../../../lambdas/zscaler/zdx/client.js';

const HOST = 'https://api.zdx.test';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = { now: () => NOW };

const tokens: TokenSource = { getToken: async () => 'zdx-token', invalidate: async () => undefined };

function jwt(claims: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
}

function header(headers: unknown, name: string): string | undefined {
  const record = headers as Record<string, string>;
  return Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: Error) => caught,
  );
}

describe('ZdxClient', () => {
  let agent: MockAgent;
  let http: HttpClient;
  let acquired: number;
  let client: ZdxClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    http = new HttpClient({ baseUrl: HOST, dispatcher: agent, clock, sleep: async () => undefined, random: () => 0 });
    acquired = 0;
    const rateLimiter: RateLimiter = { acquire: async () => void acquired++ };
    client = new ZdxClient({ http, tokens, rateLimiter });
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  describe('alerts.affectedDevices', () => {
    it('walks every page with the bearer token, one rate-limit unit per call', async () => {
      const pool = agent.get(HOST);
      const paths: string[] = [];
      pool
        .intercept({ path: (path) => path.startsWith('/v1/alerts/99/affected_devices') })
        .reply((options) => {
          paths.push(options.path);
          expect(header(options.headers, 'authorization')).toBe('Bearer zdx-token');
          const first = !options.path.includes('offset=');
          return {
            statusCode: 200,
            data: first
              ? { devices: [{ id: 1, name: 'a', userid: 10, userName: 'Ann' }], next_offset: 'p2' }
              : { devices: [{ id: 2, name: 'b' }], next_offset: null },
          };
        })
        .times(2);

      const devices = [];
      for await (const device of client.alerts.affectedDevices(99, { from: 100, to: 200 })) devices.push(device);

      expect(devices.map((device) => device.id)).toEqual(['1', '2']);
      expect(devices[0]).toMatchObject({ userid: '10', userName: 'Ann' });
      expect(paths).toEqual(['/v1/alerts/99/affected_devices?from=100&to=200', '/v1/alerts/99/affected_devices?from=100&to=200&offset=p2']);
      expect(acquired).toBe(2);
    });
  });

  describe('deepTraces.start', () => {
    it('posts the snake_case body with integer ids and is not retried on a 5xx', async () => {
      let body = '';
      agent
        .get(HOST)
        .intercept({ path: '/v1/devices/5/deeptraces', method: 'POST' })
        .reply((options) => {
          body = String(options.body);
          return { statusCode: 503, data: '' };
        });

      const error = await failure(
        client.deepTraces.start('5', { sessionName: 'alert-1', appId: '3', webProbeId: '4', cloudpathProbeId: 6, sessionLengthMinutes: 5, probeDevice: true }),
      );

      expect(error).toMatchObject({ name: ErrorName.ServerError, endpoint: 'POST /v1/devices/{deviceId}/deeptraces' });
      expect(JSON.parse(body)).toEqual({
        session_name: 'alert-1',
        app_id: 3,
        web_probe_id: 4,
        cloudpath_probe_id: 6,
        session_length_minutes: 5,
        probe_device: true,
      });
    });

    it('rejects a request without a probe before sending anything', () => {
      expect(() => client.deepTraces.start('5', { sessionName: 's', appId: 1 })).toThrow(InvalidInputError);
    });
  });
});

describe('fetchZdxToken', () => {
  let agent: MockAgent;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  describe('fetchZdxToken', () => {
    it('sends the key secret hashed with the timestamp and reads the expiry from the JWT', async () => {
      const http = new HttpClient({ baseUrl: HOST, dispatcher: agent, clock });
      const timestamp = NOW / 1000;
      const token = jwt({ sub: 'key', exp: timestamp + 1800 });
      let sent: unknown;
      agent
        .get(HOST)
        .intercept({ path: '/v1/oauth/token', method: 'POST' })
        .reply((options) => {
          sent = JSON.parse(String(options.body));
          return { statusCode: 200, data: { token, token_type: 'Bearer', expires_in: 3600 } };
        });

      const result = await fetchZdxToken(http, { keyId: 'key', keySecret: 'top-secret' }, clock);

      expect(sent).toEqual({
        key_id: 'key',
        key_secret: createHash('sha256').update(`top-secret:${timestamp}`).digest('hex'),
        timestamp,
      });
      expect(result).toEqual({ token, expiresAt: NOW + 1_800_000 });
    });

    it('uses expires_in for an opaque token', async () => {
      const http = new HttpClient({ baseUrl: HOST, dispatcher: agent, clock });
      agent.get(HOST).intercept({ path: '/v1/oauth/token', method: 'POST' }).reply(200, { token: 'opaque', expires_in: 600 });

      const result = await fetchZdxToken(http, { keyId: 'key', keySecret: 'top-secret' }, clock);

      expect(result).toEqual({ token: 'opaque', expiresAt: NOW + 600_000 });
    });

    it('keeps the secret and its hash out of the error when the key is refused', async () => {
      const http = new HttpClient({ baseUrl: HOST, dispatcher: agent, clock });
      const hash = createHash('sha256').update(`top-secret:${NOW / 1000}`).digest('hex');
      agent
        .get(HOST)
        .intercept({ path: '/v1/oauth/token', method: 'POST' })
        .reply(401, `invalid credentials top-secret / ${hash}`);

      const error = await failure(fetchZdxToken(http, { keyId: 'key', keySecret: 'top-secret' }, clock));

      expect(error).toMatchObject({ name: ErrorName.CredentialsRejected, secret: expect.stringContaining('ZDX API key secret') });
      expect(error.message).toMatch(/^credentials rejected: the ZDX token endpoint refused the credentials; fix the ZDX API key secret/);
      expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(new RegExp(`top-secret|${hash}`));
    });
  });
});
