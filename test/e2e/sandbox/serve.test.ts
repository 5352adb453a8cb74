import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { runSandboxCli } from '../../../local/sandbox/cli.js';
import type { ServeRun } from '../../../local/sandbox/serve.js';

const CFN_EVENT = readFileSync('local/sandbox/samples/cfn-stack-create-complete.json', 'utf8');
const ZDX_ALERT = readFileSync('local/sandbox/samples/zdx-alert-started.json', 'utf8');

/** Starting both pipelines is slow on a loaded 2-core machine (not a timing assertion). */
const HARNESS_STARTUP_MS = 180_000;

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: ServeRun & { error?: string; message?: string };
}

/** One HTTP call over node:http (not fetch: the sandbox swaps undici's global dispatcher). */
function call(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) as HttpAnswer['body'] }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * `zsa sandbox --serve` in-process: both pipelines behind one local server, runs serialized through
 * one active harness (alert, deployment, alert again: the stand-ins are swapped both ways).
 */
describe('runSandboxCli --serve', () => {
  const stop = new AbortController();
  let stdout = '';
  let exit: Promise<number>;
  let url: string;
  let token: string;

  beforeAll(async () => {
    exit = runSandboxCli(['--serve', '--port', '0'], {
      env: { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT },
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stdout += text;
      },
      signal: stop.signal,
    });
    const started = await Promise.race([
      exit.then(() => false),
      (async () => {
        while (!/^Sandbox listening on/m.test(stdout)) await delay(50);
        return true;
      })(),
    ]);
    if (!started) throw new Error(`the server did not start:\n${stdout}`);
    url = /^Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/m.exec(stdout)?.[1] as string;
    token = /^Sandbox-only webhook bearer token \(random per run, not a real credential\): (\S+)$/m.exec(stdout)?.[1] as string;
  }, HARNESS_STARTUP_MS);

  afterAll(async () => {
    stop.abort();
    await exit;
  });

  describe('POST /zdx/alerts', () => {
    it('runs an alert sent with the printed bearer token, answering 202 as the deployed endpoint does, with its diagnosis; an unauthenticated request meanwhile is refused at once', async () => {
      let finished = false;
      const running = call(`${url}/zdx/alerts`, 'POST', ZDX_ALERT, { authorization: `Bearer ${token}` }).finally(() => {
        finished = true;
      });
      while ((await call(`${url}/runs/run-1`, 'GET')).status !== 200) await delay(20);

      // The run above is still going: a request without the right token must not wait behind it.
      const refused = await call(`${url}/zdx/alerts`, 'POST', JSON.stringify({ alertId: 8800777, status: 'STARTED' }), { authorization: 'Bearer wrong-token-wrong-token' });
      const refusedWhileRunning = !finished;
      const answer = await running;

      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="zsa-alerts", Basic realm="zsa-alerts"');
      expect(refused.body).toEqual({ error: 'Unauthorized', message: 'wrong credential' });
      expect(refusedWhileRunning).toBe(true);
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ id: 'run-1', kind: 'zdx-alert', status: 'done', intake: { statusCode: 202 }, scans: [], ignored: [] });
      expect(answer.body.diagnostics).toHaveLength(1);
      expect(answer.body.diagnostics[0]).toMatchObject({ alertId: '7263519', status: 'SUCCEEDED', summary: { diagnosed: 3 } });
      expect(answer.body.diagnostics[0]?.devices.every((device) => device.status === 'diagnosed' && device.diagnosis !== null)).toBe(true);
    });

    it('refuses a missing credential and another method as the intake does, without a run', async () => {
      const missing = await call(`${url}/zdx/alerts`, 'POST', ZDX_ALERT);
      const get = await call(`${url}/zdx/alerts`, 'GET', undefined, { authorization: `Bearer ${token}` });
      const run = await call(`${url}/runs/run-2`, 'GET');

      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toContain('Bearer');
      expect(missing.body).toEqual({ error: 'Unauthorized', message: 'missing Authorization header' });
      expect(get.status).toBe(405);
      expect(get.headers.allow).toBe('POST');
      expect(run.status).toBe(404);
    });
  });

  describe('POST /cloudformation/events', () => {
    it('delivers the event as EventBridge would and answers with the scan', async () => {
      const answer = await call(`${url}/cloudformation/events`, 'POST', CFN_EVENT);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ kind: 'cloudformation', status: 'done', diagnostics: [], ignored: [] });
      expect(answer.body.scans).toHaveLength(1);
      expect(answer.body.scans[0]).toMatchObject({ awsAccountId: '111122223333', status: 'Success', posture: { compliancePercent: expect.any(Number) } });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await call(`${url}/cloudformation/events`, 'POST', '{"detail":');

      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(/^the body is not valid JSON/);
    });
  });

  describe('switching pipelines back', () => {
    it('runs a second alert after a scan on the same server', async () => {
      const second = JSON.stringify({ ...(JSON.parse(ZDX_ALERT) as object), alertId: 8800002 });

      const answer = await call(`${url}/zdx/alerts`, 'POST', second, { authorization: `Bearer ${token}` });

      expect(answer.status).toBe(202);
      expect(answer.body.diagnostics[0]).toMatchObject({ alertId: '8800002', status: 'SUCCEEDED' });
    });
  });

  describe('hostile bodies with the right token', () => {
    const post = (body: string) => call(`${url}/zdx/alerts`, 'POST', body, { authorization: `Bearer ${token}` });

    it.each([
      ['a 10 KB alert whose unknown field nests 5,000 levels deep', `{"alertId":8800100,"status":"STARTED","severity":"High","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, /^body nests objects or arrays more than 32 levels deep/],
      ['an alert id that is a path', '{"alertId":"abc/../x","status":"STARTED","severity":"High"}', /alertId: must be a ZDX alert id: a whole number such as 7263519 \(got "abc\/\.\.\/x"\)$/],
      ['a negative alert id', '{"alertId":-1,"status":"STARTED","severity":"High"}', /alertId: must be a ZDX alert id/],
      ['a fractional alert id', '{"alertId":1.5,"status":"STARTED","severity":"High"}', /alertId: must be a ZDX alert id/],
      ['an unknown severity', '{"alertId":8800101,"status":"STARTED","severity":"Urgent"}', /severity: must be High, Medium or Low \(got "Urgent"\)$/],
    ])('answers 400 to %s and starts nothing', async (_name, body, message) => {
      const answer = await post(body);

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 'done', intake: { statusCode: 400, body: { error: 'BadRequest', message: expect.stringMatching(message) } }, diagnostics: [] });
    });

    it('starts nothing for a STARTED delivered after the same alert ENDED', async () => {
      const ended = await post('{"alertId":8800102,"status":"ENDED","severity":"High"}');
      const started = await post('{"alertId":8800102,"status":"STARTED","severity":"High"}');

      expect(ended.status).toBe(200);
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ intake: { statusCode: 200, body: { message: 'alert 8800102 has already ended; nothing started' } }, diagnostics: [] });
    });
  });

  describe('GET /runs/{id}', () => {
    it('returns a finished run', async () => {
      const answer = await call(`${url}/runs/run-1`, 'GET');

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 'run-1', kind: 'zdx-alert', status: 'done' });
    });
  });

  describe('stopping', () => {
    it('prints each run as it completes and exits 0 once stopped', async () => {
      stop.abort();

      const code = await exit;

      expect(code).toBe(0);
      expect(stdout).toMatch(/^=== run-1: ZDX webhook done \(intake answered 202\)$/m);
      expect(stdout).toMatch(/^=== run-2: CloudFormation event done$/m);
      expect(stdout).toMatch(/\[\+ *\d+\.\ds\] stopped\n$/);
    });
  });
});
