/**
 * ZDX and ZCSPM clients for one CLI run: the project's real clients over their own keep-alive agent
 * (closed at the end of the run so the process exits at once), with tokens held in memory.
 *
 * The deployed Lambdas share tokens through DynamoDB; a person at a terminal has no table, and one
 * command needs one token per scope, so a small in-memory source does the same job here.
 */
import type { Agent } from 'undici';
import { createHttpAgent } from '../../lambdas/core/http/agent.js';
import { HttpClient } from '../../lambdas/core/http/http-client.js';
import type { Clock, TokenSource } from '../../lambdas/core/ports.js';
import { fetchZcspmToken, ZcspmClient } from '../../lambdas/zscaler/zcspm/client.js';
import { fetchZdxToken, ZdxClient } from '../../lambdas/zscaler/zdx/client.js';
import { ZDX_PATH_PREFIX, fetchOneApiToken, tokenEndpoint } from '../../lambdas/zscaler/zdx/oneapi.js';
import type { ZcspmApp, ZdxCredential, ZdxKey } from './credentials.js';
import { requireTokenUrl, type Endpoints } from './settings.js';
import { protectSecrets, type Sleep } from './io.js';

/** A fetched token: value and expiry (epoch ms). */
export interface Token {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * A {@link TokenSource} in process memory: one fetch shared by concurrent callers, refreshed a
 * minute before expiry, dropped on `invalidate` (after a 401). Every token is registered for
 * redaction as soon as it arrives.
 */
export class MemoryTokenSource implements TokenSource {
  #current: Token | undefined;
  #pending: Promise<Token> | undefined;

  constructor(
    private readonly fetchToken: (signal?: AbortSignal) => Promise<Token>,
    private readonly clock: Clock,
    private readonly refreshMarginMs = 60_000,
  ) {}

  /** Expiry (epoch ms) of the current token, when one is held. */
  get expiresAt(): number | undefined {
    return this.#current?.expiresAt;
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    const current = this.#current;
    if (current && this.clock.now() < current.expiresAt - this.refreshMarginMs) return current.token;
    this.#pending ??= this.fetchToken(signal)
      .then((token) => {
        protectSecrets(token.token);
        this.#current = token;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return (await this.#pending).token;
  }

  async invalidate(token: string): Promise<void> {
    if (this.#current?.token === token) this.#current = undefined;
  }
}

/** The HTTP connection pool of one run. */
export class CliHttp {
  readonly agent: Agent = createHttpAgent();

  readonly clock: Clock;
  private readonly sleep: Sleep;

  /** `clock` and `sleep` also drive the clients' retry backoff (tests pass virtual ones). */
  constructor(timing: { clock: Clock; sleep: Sleep }) {
    this.clock = timing.clock;
    this.sleep = timing.sleep;
  }

  /** A client for one API host on this run's pool. */
  client(baseUrl: string, sensitive: ReadonlyArray<string | undefined> = []): HttpClient {
    return new HttpClient({ baseUrl, dispatcher: this.agent, clock: this.clock, sleep: this.sleep, sensitive, timeoutMs: 20_000 });
  }

  /** Closes the pool (keep-alive sockets would otherwise hold the process open). */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The ZDX client and its token source. */
export function zdxClient(http: CliHttp, baseUrl: string, key: ZdxKey): { client: ZdxClient; tokens: MemoryTokenSource; http: HttpClient } {
  const client = http.client(baseUrl, [key.keySecret]);
  const tokens = new MemoryTokenSource((signal) => fetchZdxToken(client, key, http.clock, { signal }), http.clock);
  return { client: new ZdxClient({ http: client, tokens }), tokens, http: client };
}

/**
 * The ZDX client of the configured mode: the legacy API key on `/v1`, or a ZIdentity token (fetched
 * from the token URL's host) on OneAPI's `/zdx/v1`. `tokenUrl` says where the token came from.
 */
export function zdxClientFor(http: CliHttp, endpoints: Endpoints, credential: ZdxCredential): { client: ZdxClient; tokens: MemoryTokenSource; tokenUrl: string } {
  if (credential.auth === 'api-key') {
    return { ...zdxClient(http, endpoints.zdxBaseUrl, credential.key), tokenUrl: `${endpoints.zdxBaseUrl}/v1/oauth/token` };
  }
  const tokenUrl = requireTokenUrl(endpoints);
  const { origin, path } = tokenEndpoint(tokenUrl);
  const secrets = [credential.client.clientSecret, credential.client.privateKey];
  const zidentity = http.client(origin, secrets);
  const tokens = new MemoryTokenSource((signal) => fetchOneApiToken(zidentity, path, credential.client, http.clock, { signal }), http.clock);
  const client = new ZdxClient({ http: http.client(endpoints.zdxBaseUrl, secrets), tokens, pathPrefix: ZDX_PATH_PREFIX.oneapi });
  return { client, tokens, tokenUrl };
}

/** The ZCSPM client with a license token and one token per account, as the API requires. */
export function zcspmClient(
  http: CliHttp,
  baseUrl: string,
  licenseId: string,
  app: ZcspmApp,
  tokenLifetimeSeconds = 3600,
): { client: ZcspmClient; http: HttpClient } {
  const client = http.client(baseUrl, [app.applicationSecret, app.subscriptionKey]);
  const zcspm = new ZcspmClient({
    http: client,
    licenseId,
    subscriptionKey: app.subscriptionKey,
    tokens: (scope) =>
      new MemoryTokenSource(
        (signal) => fetchZcspmToken(client, { licenseId, ...app, accountId: scope.accountId }, { lifetimeSeconds: tokenLifetimeSeconds, clock: http.clock, signal }),
        http.clock,
      ),
  });
  return { client: zcspm, http: client };
}
