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
  readonly body: ServeRun & { error?: string };
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
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as HttpAnswer['body'] }));
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
    it('runs an alert sent with the printed bearer token and answers with its diagnosis', async () => {
      const answer = await call(`${url}/zdx/alerts`, 'POST', ZDX_ALERT, { authorization: `Bearer ${token}` });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ kind: 'zdx-alert', status: 'done', intake: { statusCode: 202 }, scans: [], ignored: [] });
      expect(answer.body.diagnostics).toHaveLength(1);
      expect(answer.body.diagnostics[0]).toMatchObject({ alertId: '7263519', status: 'SUCCEEDED', summary: { diagnosed: 3 } });
      expect(answer.body.diagnostics[0]?.devices.every((device) => device.status === 'diagnosed' && device.diagnosis !== null)).toBe(true);
    });

    it('passes the Authorization header as received, so a wrong token gets the intake 401', async () => {
      const answer = await call(`${url}/zdx/alerts`, 'POST', ZDX_ALERT, { authorization: 'Bearer wrong' });

      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ intake: { statusCode: 401 }, diagnostics: [], ignored: [{ source: 'POST /zdx/alerts', reason: expect.stringMatching(/^401: /) }] });
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

      expect(answer.status).toBe(200);
      expect(answer.body.diagnostics[0]).toMatchObject({ alertId: '8800002', status: 'SUCCEEDED' });
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
      expect(stdout).toMatch(/^=== run-3: CloudFormation event done$/m);
      expect(stdout).toMatch(/\[\+ *\d+\.\ds\] stopped\n$/);
    });
  });
});
