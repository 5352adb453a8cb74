/**
 * `zsa sandbox --serve`: keeps both local pipelines running behind a small HTTP server on 127.0.0.1,
 * so a person can POST ZDX-style webhooks and CloudFormation events with curl and watch them run.
 *
 *   POST /zdx/alerts              a ZDX webhook body, delivered with its headers (Authorization
 *                                 included) as received to the real AlertIntake handler
 *   POST /cloudformation/events   a CloudFormation event (or an array), delivered as EventBridge would
 *   GET  /runs/{id}               a finished (or running) run
 *
 * Each POST answers when its run has finished, with the run as JSON (`scans` / `diagnostics` /
 * `ignored` in the shapes of the sandbox document).
 *
 * `/zdx/alerts` answers as the deployed endpoint does: the method and the credential are checked
 * first, as the request arrives (a refused request waits for no run, and its body is never read
 * nor used to seed the simulator); the status code and headers are the intake handler's (202 when
 * diagnostics started, `WWW-Authenticate` with a 401, `Retry-After` with a 503, `Allow` with a 405).
 *
 * Why runs are serialized through one active harness: the AWS SDK stand-ins (aws-sdk-client-mock
 * stubs on the client prototypes) and undici's global dispatcher are process-wide, so only one
 * {@link AwsStandIns} set can be installed at a time; and the handlers' wiring reads its environment
 * (table name, simulator URLs, account mappings) once per process, so a harness cannot be restarted
 * in the same process either. Both harnesses are therefore started once and kept for the server's
 * life; before a run, the other harness's stand-ins are removed, this one's installed, and the
 * process environment this harness was started with is put back.
 */
import type { ZdxAuth } from '../../lambdas/zscaler/zdx/oneapi.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAccess } from '../../lambdas/diagnostics/steps/alert-intake.js';
import { DiagnosticsPipelineHarness } from './diagnostics/harness.js';
import { ruleNameOf, seedableAlertId, toSandboxDiagnostics } from './diagnostics/sandbox.js';
import { toSandboxScan, type SandboxDiagnostics, type SandboxScan } from './sandbox.js';
import { ScanPipelineHarness } from './scan-harness.js';

/** The `--serve` port when none is given. */
export const DEFAULT_SERVE_PORT = 8787;

/** Request bodies above this size are refused (413). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface SandboxServerOptions {
  /** The port on 127.0.0.1 (0: any free port). @default {@link DEFAULT_SERVE_PORT} */
  readonly port?: number;
  /** A running DynamoDB Local, shared by both pipelines. */
  readonly dynamoEndpoint: string;
  /** AWS accounts mapped to simulated ZCSPM accounts (fixed for the server's life). */
  readonly awsAccounts: readonly string[];
  /** Post Slack messages to this real incoming webhook as well. */
  readonly slackWebhookUrl?: string | undefined;
  /** How the diagnostics pipeline reaches the simulated ZDX. @default 'api-key' */
  readonly zdxAuth?: ZdxAuth | undefined;
  /** Progress lines while starting and running. */
  readonly onProgress?: (line: string) => void;
  /** Called with every run when it has finished. */
  readonly onRun?: (run: ServeRun) => void;
}

/** One POST's run. */
export interface ServeRun {
  readonly id: string;
  readonly kind: 'zdx-alert' | 'cloudformation';
  /** `running` until the pipeline is idle again; `failed` when the run itself broke (not a failed scan). */
  readonly status: 'running' | 'done' | 'failed';
  /** What the intake handler answered (ZDX webhooks only). */
  readonly intake?: { readonly statusCode: number; readonly headers: Record<string, string>; readonly body: Record<string, unknown> };
  readonly scans: SandboxScan[];
  readonly diagnostics: SandboxDiagnostics[];
  readonly ignored: Array<{ source: string; reason: string }>;
  readonly error?: string;
}

/** The server, running. Always `close()` it. */
export interface RunningSandboxServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /**
   * The bearer token this sandbox's webhook secret holds (a random per-run value of the local
   * sandbox, not a credential of any real service).
   */
  readonly webhookToken: string;
  /** AWS account -> simulated ZCSPM account. */
  readonly mappings: Readonly<Record<string, string>>;
  /** Every run so far, oldest first. */
  runs(): ServeRun[];
  /** Stops accepting requests, waits for the running run, and shuts both pipelines down. */
  close(): Promise<void>;
}

type Kind = 'scan' | 'diagnostics';

/** Starts both pipelines (one after the other) and the HTTP server. */
export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandboxServer> {
  const say = (line: string) => options.onProgress?.(line);
  say('starting the diagnostics pipeline (simulator, synthesized app)');
  const diagnostics = await DiagnosticsPipelineHarness.start({
    dynamoEndpoint: options.dynamoEndpoint,
    zdxAuth: options.zdxAuth,
    realSlackWebhook: options.slackWebhookUrl,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const environments = new Map<Kind, NodeJS.ProcessEnv>([['diagnostics', { ...process.env }]]);
  let scan: ScanPipelineHarness;
  try {
    await diagnostics.standIns.restore();
    say('starting the scan pipeline (simulator, synthesized app)');
    scan = await ScanPipelineHarness.start({
      awsAccounts: options.awsAccounts,
      dynamoEndpoint: options.dynamoEndpoint,
      realSlackWebhook: options.slackWebhookUrl,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    diagnostics.standIns.install();
    await diagnostics.close();
    throw error;
  }
  environments.set('scan', { ...process.env });
  let active: Kind = 'scan';
  const harnesses = { scan, diagnostics };

  const activate = async (kind: Kind): Promise<void> => {
    if (active === kind) return;
    await harnesses[active].standIns.restore();
    Object.assign(process.env, environments.get(kind));
    harnesses[kind].standIns.install();
    active = kind;
  };

  const runs = new Map<string, ServeRun>();
  let nextRun = 1;
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (kind: ServeRun['kind'], work: () => Promise<Omit<ServeRun, 'id' | 'kind' | 'status'>>): Promise<ServeRun> => {
    const id = `run-${nextRun++}`;
    runs.set(id, { id, kind, status: 'running', scans: [], diagnostics: [], ignored: [] });
    const done = queue.then(async () => {
      let run: ServeRun;
      try {
        run = { id, kind, status: 'done', ...(await work()) };
      } catch (error) {
        run = { id, kind, status: 'failed', scans: [], diagnostics: [], ignored: [], error: (error as Error).message };
      }
      runs.set(id, run);
      options.onRun?.(run);
      return run;
    });
    queue = done;
    return done;
  };

  const runAlert = (body: string, headers: Record<string, string>) =>
    enqueue('zdx-alert', async () => {
      await activate('diagnostics');
      const parsed = parseOrUndefined(body);
      const alertId = seedableAlertId(parsed);
      if (alertId !== undefined) diagnostics.simulator.ensureAlert(alertId);
      const answer = await diagnostics.deliverWebhook(body, { method: 'POST', headers });
      if (answer.statusCode !== 202) {
        return { intake: answer, scans: [], diagnostics: [], ignored: [{ source: 'POST /zdx/alerts', reason: `${answer.statusCode}: ${String(answer.body.message ?? answer.body.error ?? '')}` }] };
      }
      await diagnostics.idle();
      const executionName = String(answer.body.executionName);
      const outcome = diagnostics.outcomes().find((candidate) => candidate.executionName === executionName);
      return { intake: answer, scans: [], diagnostics: outcome ? [toSandboxDiagnostics(outcome, String(answer.body.alertId), ruleNameOf(parsed))] : [], ignored: [] };
    });

  const runEvents = (events: readonly unknown[]) =>
    enqueue('cloudformation', async () => {
      await activate('scan');
      const before = (await scan.scanOutcomes()).length;
      const ignored: ServeRun['ignored'] = [];
      for (const [index, event] of events.entries()) {
        const source = events.length === 1 ? 'POST /cloudformation/events' : `POST /cloudformation/events[${index}]`;
        const outcome = await scan.deliver(event);
        if (!outcome.delivered) ignored.push({ source, reason: outcome.reason });
        else if (outcome.result.outcome === 'ignored') ignored.push({ source, reason: outcome.result.reason });
        else if (outcome.result.outcome === 'duplicate') ignored.push({ source, reason: 'a duplicate delivery of a deployment already recorded' });
        else if (outcome.result.outcome === 'unmapped') {
          ignored.push({ source, reason: `AWS account ${outcome.result.awsAccountId} is not mapped in this sandbox (start it with --account ${outcome.result.awsAccountId})` });
        }
      }
      await scan.idle();
      const scans = (await scan.scanOutcomes()).slice(before).map(toSandboxScan);
      return { scans, diagnostics: [], ignored };
    });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => answer(response, 500, { error: `the sandbox failed: ${(error as Error).message}` }));
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const runMatch = /^\/runs\/([\w-]+)$/.exec(path);
    if (request.method === 'GET' && runMatch) {
      const run = runs.get(runMatch[1] as string);
      return run ? answer(response, 200, run) : answer(response, 404, { error: `no run ${runMatch[1]}` });
    }
    if (path !== '/zdx/alerts' && path !== '/cloudformation/events') {
      return answer(response, 404, { error: `no route ${request.method} ${path}; POST /zdx/alerts, POST /cloudformation/events, GET /runs/{id}` });
    }
    if (path === '/zdx/alerts') {
      const refused = await checkAccess({ method: request.method ?? 'GET', headers: headersOf(request) }, () => ({ bearerToken: diagnostics.webhookToken }));
      if (refused) {
        request.resume();
        return answer(response, refused.response.statusCode, JSON.parse(refused.response.body), refused.response.headers);
      }
    }
    if (request.method !== 'POST') return answer(response, 405, { error: `${path} accepts POST only` }, { allow: 'POST' });
    const body = await readBody(request);
    if (body === undefined) return answer(response, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    if (path === '/zdx/alerts') {
      const run = await runAlert(body, headersOf(request));
      return run.intake ? answer(response, run.intake.statusCode, run, run.intake.headers) : answer(response, 500, run);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return answer(response, 400, { error: `the body is not valid JSON: ${(error as Error).message}` });
    }
    const run = await runEvents(Array.isArray(parsed) ? parsed : [parsed]);
    return answer(response, run.status === 'failed' ? 500 : 200, run);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_SERVE_PORT, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await shutDown(harnesses, active);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    webhookToken: diagnostics.webhookToken,
    mappings: scan.mappings,
    runs: () => [...runs.values()],
    close: () => {
      closing ??= (async () => {
        await closeServer(server);
        await queue.catch(() => undefined);
        await shutDown(harnesses, active);
      })();
      return closing;
    },
  };
}

/** Closes the active harness, then the other one (its stand-ins installed first, so its close restores them). */
async function shutDown(harnesses: { scan: ScanPipelineHarness; diagnostics: DiagnosticsPipelineHarness }, active: Kind): Promise<void> {
  const other: Kind = active === 'scan' ? 'diagnostics' : 'scan';
  await harnesses[active].close();
  harnesses[other].standIns.install();
  await harnesses[other].close();
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** The body as text, or undefined when it is larger than {@link MAX_BODY_BYTES}. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request's headers as the HTTP API hands them to a function (lower-case names, repeated values joined). */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function answer(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(statusCode, { ...headers, 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body, null, 2)}\n`);
}

/** The body as JSON, or undefined when it is not JSON (the intake says why). */
function parseOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
