/**
 * Benchmark (not a test): how many tokens a burst of API calls costs when every Lambda container
 * shares the DynamoDB token cache.
 *
 * N cold containers are simulated in one process, each with what a container really has of its
 * own: its token memory (`createTokenMemory()`), its DynamoDB client, its HTTP connection pool and
 * its ZDX/ZCSPM clients. They share only DynamoDB Local (one state table), as Lambda containers
 * share the real table. All calls start at once against the simulator over HTTP; the simulator's
 * own counters say how many tokens were requested per credential and scope.
 *
 * Four credentials/scopes are exercised: the ZDX API key, the ZDX OneAPI client (ZIdentity token,
 * calls under /zdx/v1), the ZCSPM license token and one ZCSPM account token. The simulator's ZDX rate limit is lifted for this run: it measures tokens, and the
 * shared rate budget has its own benchmark (fan-out).
 *
 * Run alone: `npx tsx bench/token-economy.ts`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SharedTokenCache, createTokenMemory, tokenCacheKey } from '../lambdas/core/auth/token-cache.js';
import { createHttpAgent } from '../lambdas/core/http/agent.js';
import { HttpClient } from '../lambdas/core/http/http-client.js';
import { createTableInput } from '../lambdas/core/store/table-schema.js';
import { ZcspmClient, fetchZcspmToken } from '../lambdas/zscaler/zcspm/client.js';
import { ZdxClient, fetchZdxToken } from '../lambdas/zscaler/zdx/client.js';
import { ZDX_PATH_PREFIX, fetchOneApiToken } from '../lambdas/zscaler/zdx/oneapi.js';
import { LOCAL_AWS_CREDENTIALS, startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.js';
import { SEEDED_ALERT_ID, SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, startSimulator, type RunningSimulator } from '../local/simulator/index.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** What `npm run bench -- --json` reports under `tokenEconomy`. */
export interface TokenEconomyFigures {
  /** Calls in the burst, all started at once (over every credential). */
  readonly callers: number;
  readonly containers: number;
  /** Token requests per credential: the highest count over the credentials exercised (target: 1). */
  readonly tokenRequests: number;
  /** How many credentials/scopes the burst used. */
  readonly credentials: number;
  /** Token requests the simulator counted, by credential and scope. */
  readonly tokenRequestsByCredential: Readonly<Record<string, number>>;
}

/** The figures and one row per credential/scope. */
export interface TokenEconomyReport {
  readonly figures: TokenEconomyFigures;
  readonly rows: ReadonlyArray<{ readonly credential: string; readonly calls: number; readonly failed: number; readonly tokenRequests: number }>;
  readonly seconds: number;
}

/** Options of {@link runTokenEconomyBenchmark}. */
export interface TokenEconomyOptions {
  /** Calls per credential. @default 200 */
  readonly callsPerCredential?: number;
  /** @default 10 */
  readonly containers?: number;
  /** A running DynamoDB Local; default: start (and stop) one. */
  readonly dynamoEndpoint?: string;
  readonly progress?: (line: string) => void;
}

const ZCSPM_ACCOUNT_LABEL = 'zcspm:account';
/** The simulator counts ZIdentity token requests per client id. */
const ONEAPI_LABEL = `zidentity:${SIMULATOR_CREDENTIALS.oneApi.clientId}`;

interface Container {
  readonly dynamo: DynamoDBClient;
  readonly zdx: ZdxClient;
  readonly zdxOneApi: ZdxClient;
  readonly zcspm: ZcspmClient;
  close(): Promise<void>;
}

/** Runs the burst (see the file comment). Every call must succeed, or the figures would mean nothing. */
export async function runTokenEconomyBenchmark(options: TokenEconomyOptions = {}): Promise<TokenEconomyReport> {
  const callsPerCredential = options.callsPerCredential ?? 200;
  const containerCount = options.containers ?? 10;
  const progress = options.progress ?? (() => undefined);
  let dynamoLocal: RunningDynamoDbLocal | undefined;
  let simulator: RunningSimulator | undefined;
  const containers: Container[] = [];
  try {
    progress('token economy: starting DynamoDB Local and the simulator');
    const dynamoEndpoint = options.dynamoEndpoint ?? (dynamoLocal = await startDynamoDbLocal()).endpoint;
    simulator = await startSimulator({ config: { zdx: { rateLimit: { enabled: false } } } });
    const admin = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS });
    const tableName = `bench-tokens-${randomUUID().slice(0, 8)}`;
    await admin.send(new CreateTableCommand(createTableInput(tableName)));
    admin.destroy();

    const [zcspmAccount] = await simulatorAccounts(simulator);
    for (let index = 0; index < containerCount; index += 1) containers.push(coldContainer(simulator.url, dynamoEndpoint, tableName));

    progress(`token economy: ${4 * callsPerCredential} calls at once from ${containerCount} cold containers`);
    simulator.resetCounters();
    const started = performance.now();
    const calls = {
      zdx: burst(callsPerCredential, (index) => containers[index % containerCount]!.zdx.alerts.get(SEEDED_ALERT_ID)),
      [ONEAPI_LABEL]: burst(callsPerCredential, (index) => containers[index % containerCount]!.zdxOneApi.alerts.get(SEEDED_ALERT_ID)),
      'zcspm:license': burst(callsPerCredential, (index) => containers[index % containerCount]!.zcspm.licenseAccounts()),
      [ZCSPM_ACCOUNT_LABEL]: burst(callsPerCredential, (index) => containers[index % containerCount]!.zcspm.supportedBenchmarks(zcspmAccount as string)),
    };
    const outcomes = Object.fromEntries(await Promise.all(Object.entries(calls).map(async ([label, pending]) => [label, await pending] as const)));
    const seconds = (performance.now() - started) / 1000;

    const counted = simulator.counters.tokenRequests as Readonly<Record<string, number>>;
    const byCredential: Record<string, number> = {};
    for (const [key, count] of Object.entries(counted)) {
      // `zcspm:account:<id>` -> one label: the burst uses one account.
      const label = key.startsWith(`${ZCSPM_ACCOUNT_LABEL}:`) ? ZCSPM_ACCOUNT_LABEL : key;
      byCredential[label] = (byCredential[label] ?? 0) + count;
    }
    const rows = Object.entries(outcomes).map(([credential, outcome]) => ({
      credential,
      calls: callsPerCredential,
      failed: outcome.failed.length,
      tokenRequests: byCredential[credential] ?? 0,
    }));
    const failures = Object.entries(outcomes).flatMap(([credential, outcome]) => outcome.failed.map((error) => `${credential}: ${error.name}: ${error.message}`));
    if (failures.length > 0) {
      throw new Error(`token economy: ${failures.length} calls failed, so the token count would mean nothing; first: ${failures.slice(0, 3).join(' | ')}`);
    }
    return {
      figures: {
        callers: rows.length * callsPerCredential,
        containers: containerCount,
        tokenRequests: Math.max(...rows.map((row) => row.tokenRequests)),
        credentials: rows.length,
        tokenRequestsByCredential: Object.fromEntries(rows.map((row) => [row.credential, row.tokenRequests])),
      },
      rows,
      seconds: round(seconds, 2),
    };
  } finally {
    await Promise.all(containers.map((container) => container.close()));
    await simulator?.close();
    await dynamoLocal?.stop();
  }
}

/** The table `npm run bench` prints. */
export function formatTokenEconomyTable(report: TokenEconomyReport): string {
  return formatTable(
    ['credential / scope', 'calls', 'containers', 'failed', 'token requests'],
    report.rows.map((row) => [row.credential, row.calls, report.figures.containers, row.failed, row.tokenRequests]),
  );
}

/** One cold container: nothing shared with the others but the table. */
function coldContainer(simulatorUrl: string, dynamoEndpoint: string, tableName: string): Container {
  const memory = createTokenMemory();
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS });
  const agent = createHttpAgent();
  const http = new HttpClient({ baseUrl: simulatorUrl, dispatcher: agent });
  const zdxCredentials = SIMULATOR_CREDENTIALS.zdx;
  const zcspmCredentials = SIMULATOR_CREDENTIALS.zcspm;
  const zdx = new ZdxClient({
    http,
    tokens: new SharedTokenCache({
      dynamo,
      tableName,
      memory,
      cacheKey: tokenCacheKey('zdx', simulatorUrl, zdxCredentials.keyId),
      fetchToken: (signal) => fetchZdxToken(http, zdxCredentials, undefined, { signal }),
    }),
  });
  const oneApiCredentials = SIMULATOR_CREDENTIALS.oneApi;
  const zdxOneApi = new ZdxClient({
    http,
    pathPrefix: ZDX_PATH_PREFIX.oneapi,
    tokens: new SharedTokenCache({
      dynamo,
      tableName,
      memory,
      cacheKey: tokenCacheKey('zdx-oneapi', `${simulatorUrl}${ZIDENTITY_TOKEN_PATH}`, simulatorUrl, oneApiCredentials.clientId),
      fetchToken: (signal) => fetchOneApiToken(http, ZIDENTITY_TOKEN_PATH, oneApiCredentials, undefined, { signal }),
    }),
  });
  const zcspm = new ZcspmClient({
    http,
    licenseId: zcspmCredentials.licenseId,
    subscriptionKey: zcspmCredentials.subscriptionKey,
    tokens: (scope) =>
      new SharedTokenCache({
        dynamo,
        tableName,
        memory,
        cacheKey: tokenCacheKey('zcspm', simulatorUrl, zcspmCredentials.licenseId, zcspmCredentials.applicationId, scope.accountId ?? 'license'),
        fetchToken: (signal) => fetchZcspmToken(http, { ...zcspmCredentials, accountId: scope.accountId }, { lifetimeSeconds: 3600, signal }),
      }),
  });
  return {
    dynamo,
    zdx,
    zdxOneApi,
    zcspm,
    close: async () => {
      dynamo.destroy();
      await agent.close();
    },
  };
}

async function burst(count: number, call: (index: number) => Promise<unknown>): Promise<{ failed: Error[] }> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, index) => call(index)));
  return { failed: settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason))] : [])) };
}

async function simulatorAccounts(simulator: RunningSimulator): Promise<string[]> {
  const accounts = simulator.zcspm.accounts().filter((account) => account.inApiScope).map((account) => account.accountId);
  if (accounts.length === 0) throw new Error('the simulator has no ZCSPM account in API scope');
  return accounts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runTokenEconomyBenchmark({ progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatTokenEconomyTable(report)}\n(${report.seconds} s)\n`);
}
