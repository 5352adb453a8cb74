/**
 * A bearer-token cache shared by every Lambda container through the state table.
 *
 * Layers, checked in order on every `getToken()`:
 * 1. Per-container memory (a module-level map keyed by `cacheKey`, so every instance in one container
 *    shares it). One refresh promise per key is shared by concurrent callers of the container.
 * 2. One DynamoDB item per credential and scope (`pk = token#<cacheKey>`, `sk = token`), read
 *    strongly consistent. Expiry is checked in code: TTL deletion runs up to days late.
 * 3. A refresh under a lease: a conditional write of `leaseOwner`/`leaseUntil` succeeds for one caller
 *    only while the stored token is due for refresh and no live lease exists. That caller fetches and
 *    stores the token and clears the lease (again conditionally, on its owner id); everyone else polls
 *    the item briefly with jitter and takes the new token. A lease holder that dies simply lets its
 *    lease run out, after which the next poller takes over.
 *
 * The token is due for refresh `refreshMarginMs` before it expires (or half-way through its life for
 * tokens shorter than twice the margin), so callers never get a token about to die mid-request.
 *
 * Trade-off: the token is stored in DynamoDB as is. The table is encrypted with a KMS key and access is
 * limited to the functions that use the `token#` prefix; encrypting it again with our own data key would
 * add a KMS call to every cold container, which is exactly the latency this cache exists to avoid. A
 * leaked token is also short-lived (ZDX: 1 h), unlike the API secret that minted it, which never leaves
 * Secrets Manager.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { BusyError, ConfigError, ResponseShapeError, describeIssues } from '../errors.js';
import { redact } from '../observability/redaction.js';
import { silentLog, systemClock, type Clock, type Log, type TokenSource } from '../ports.js';
import { KeyPrefix } from '../store/table-schema.js';
import { TableStore, ttlSeconds, type TableKey } from '../store/table-store.js';
import { abortableSleep, raceAbort, type Sleep } from '../wait.js';

/** What a token fetcher returns: the bearer token and when it expires (epoch ms). */
export interface FetchedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** One container's cached state for one cache key. */
export interface TokenMemoryEntry {
  token?: string | undefined;
  expiresAt?: number | undefined;
  refreshAt?: number | undefined;
  refresh?: SharedRefresh | undefined;
}

interface SharedRefresh {
  readonly promise: Promise<string>;
  readonly controller: AbortController;
  waiters: number;
}

/** Per-container token memory, keyed by cache key. */
export type TokenMemory = Map<string, TokenMemoryEntry>;

/** A fresh, empty memory: pass one per simulated container in tests and benchmarks. */
export function createTokenMemory(): TokenMemory {
  return new Map();
}

/** The memory every instance in this container shares unless given its own. */
const containerMemory: TokenMemory = createTokenMemory();

export interface SharedTokenCacheOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Non-secret id of the credential and scope, e.g. from {@link tokenCacheKey}. Never a secret. */
  readonly cacheKey: string;
  /** Fetches a new token from the issuer. The signal aborts when every waiting caller gave up. */
  readonly fetchToken: (signal?: AbortSignal) => Promise<FetchedToken>;
  readonly clock?: Clock;
  /** Refresh this long before expiry. @default 60_000 */
  readonly refreshMarginMs?: number;
  /** How long a refresh lease holds before another caller may take over. @default 15_000 */
  readonly leaseMs?: number;
  /** Base interval between polls while another caller refreshes (jitter of up to 50% is added). @default 150 */
  readonly pollIntervalMs?: number;
  /** Longest a caller waits for someone else's refresh before giving up with BusyError. @default leaseMs + 10_000 */
  readonly maxWaitMs?: number;
  /** Per-container memory; defaults to the module-level map shared by the whole container. */
  readonly memory?: TokenMemory;
  /** Lease owner id; defaults to a random UUID per instance. */
  readonly ownerId?: string;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly log?: Log;
}

const TOKEN_SORT_KEY = 'token';
/** Items outlive the token by a day so a quiet night does not lose the lease history; TTL cleans up after. */
const ITEM_RETENTION_MS = 24 * 60 * 60 * 1000;

const storedTokenSchema = z.lazy(() => z.object({
  token: z.string().min(1).optional(),
  tokenExpiresAt: z.number().optional(),
  refreshAt: z.number().optional(),
  leaseOwner: z.string().optional(),
  leaseUntil: z.number().optional(),
}));

const fetchedTokenSchema = z.lazy(() => z.object({ token: z.string().min(1), expiresAt: z.number() }));

/**
 * Builds a cache key from non-secret parts: the first part stays readable (e.g. `zdx`), the rest
 * (base URL, key id, license, account) are hashed so no credential identifier lands in the table key
 * or in logs. Never pass a secret here anyway.
 */
export function tokenCacheKey(kind: string, ...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
  return `${kind}:${digest}`;
}

/** A {@link TokenSource} backed by container memory and a DynamoDB item with a refresh lease. */
export class SharedTokenCache implements TokenSource {
  readonly cacheKey: string;
  readonly #store: TableStore;
  readonly #key: TableKey;
  readonly #fetchToken: (signal?: AbortSignal) => Promise<FetchedToken>;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #maxWaitMs: number;
  readonly #memory: TokenMemory;
  readonly #owner: string;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #log: Log;

  constructor(options: SharedTokenCacheOptions) {
    if (options.cacheKey.length === 0 || redact(options.cacheKey) !== options.cacheKey) {
      throw new ConfigError('token cache key is empty or contains a secret; build it with tokenCacheKey()');
    }
    this.cacheKey = options.cacheKey;
    this.#store = new TableStore({ dynamo: options.dynamo, tableName: options.tableName });
    this.#key = { pk: `${KeyPrefix.token}${options.cacheKey}`, sk: TOKEN_SORT_KEY };
    this.#fetchToken = options.fetchToken;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.refreshMarginMs ?? 60_000;
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#pollMs = options.pollIntervalMs ?? 150;
    this.#maxWaitMs = options.maxWaitMs ?? this.#leaseMs + 10_000;
    this.#memory = options.memory ?? containerMemory;
    this.#owner = options.ownerId ?? randomUUID();
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.#log = options.log ?? silentLog;
  }

  /** Returns a token that is not due for refresh; fetches or waits for another caller's refresh when needed. */
  async getToken(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const entry = this.#entry();
    if (entry.token !== undefined && entry.refreshAt !== undefined && this.#clock.now() < entry.refreshAt) {
      return entry.token;
    }
    const refresh = entry.refresh ?? this.#startRefresh(entry);
    refresh.waiters += 1;
    try {
      return await raceAbort(refresh.promise, signal);
    } finally {
      refresh.waiters -= 1;
      if (signal?.aborted && refresh.waiters === 0) {
        // Nobody waits any more: stop the fetch and let the next caller start a fresh refresh.
        refresh.controller.abort(signal.reason);
        if (entry.refresh === refresh) entry.refresh = undefined;
      }
    }
  }

  /**
   * Forgets `token` after the server rejected it: from this container's memory, and from DynamoDB only
   * while the stored token is still that one, so many callers reporting the same 401 cause one refresh.
   */
  async invalidate(token: string): Promise<void> {
    const entry = this.#entry();
    if (entry.token === token) {
      entry.token = undefined;
      entry.expiresAt = undefined;
      entry.refreshAt = undefined;
    }
    await this.#store.update(this.#key, {
      update: 'REMOVE #token, tokenExpiresAt, refreshAt',
      condition: '#token = :token',
      names: { '#token': 'token' },
      values: { ':token': token },
    });
  }

  #entry(): TokenMemoryEntry {
    let entry = this.#memory.get(this.cacheKey);
    if (!entry) {
      entry = {};
      this.#memory.set(this.cacheKey, entry);
    }
    return entry;
  }

  #startRefresh(entry: TokenMemoryEntry): SharedRefresh {
    const controller = new AbortController();
    const refresh: SharedRefresh = {
      controller,
      waiters: 0,
      promise: this.#refresh(controller.signal).then(
        (fetched) => {
          if (!controller.signal.aborted) {
            entry.token = fetched.token;
            entry.expiresAt = fetched.expiresAt;
            entry.refreshAt = fetched.refreshAt;
          }
          if (entry.refresh === refresh) entry.refresh = undefined;
          return fetched.token;
        },
        (error: unknown) => {
          if (entry.refresh === refresh) entry.refresh = undefined;
          throw error;
        },
      ),
    };
    // Abandoned refreshes may still reject; their waiters already got their own abort error.
    refresh.promise.catch(() => undefined);
    entry.refresh = refresh;
    return refresh;
  }

  async #refresh(signal: AbortSignal): Promise<FetchedToken & { refreshAt: number }> {
    const giveUpAt = this.#clock.now() + this.#maxWaitMs;
    let observed = await this.#read();
    for (;;) {
      signal.throwIfAborted();
      const now = this.#clock.now();
      if (observed.token !== undefined && observed.tokenExpiresAt !== undefined && observed.refreshAt !== undefined && now < observed.refreshAt) {
        return { token: observed.token, expiresAt: observed.tokenExpiresAt, refreshAt: observed.refreshAt };
      }
      if (observed.leaseUntil === undefined || observed.leaseUntil <= now) {
        const leaseUntil = now + this.#leaseMs;
        const lease = await this.#store.update(this.#key, {
          update: 'SET leaseOwner = :owner, leaseUntil = :leaseUntil, expiresAt = :ttl',
          condition:
            '(attribute_not_exists(leaseUntil) OR leaseUntil <= :now) AND (attribute_not_exists(refreshAt) OR refreshAt <= :now)',
          values: { ':owner': this.#owner, ':leaseUntil': leaseUntil, ':now': now, ':ttl': ttlSeconds(leaseUntil + ITEM_RETENTION_MS) },
        });
        if (lease.ok) return this.#fetchUnderLease(signal);
        if (lease.current) {
          observed = this.#parse(lease.current);
          continue;
        }
      }
      if (now >= giveUpAt) {
        throw new BusyError(`token cache ${this.cacheKey}: another caller held the refresh lease for over ${this.#maxWaitMs} ms`);
      }
      const pause = this.#pollMs * (1 + this.#random() * 0.5);
      await this.#sleep(Math.min(pause, Math.max(0, giveUpAt - now)), signal);
      observed = await this.#read();
    }
  }

  async #fetchUnderLease(signal: AbortSignal): Promise<FetchedToken & { refreshAt: number }> {
    let fetched: FetchedToken;
    try {
      const raw = await this.#fetchToken(signal);
      const parsed = fetchedTokenSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ResponseShapeError(
          `token cache ${this.cacheKey}: the token fetcher returned an invalid result (${describeIssues(parsed.error.issues).join('; ')})`,
          { endpoint: `token fetcher ${this.cacheKey}`, fields: parsed.error.issues.map((issue) => issue.path.join('.')) },
        );
      }
      fetched = parsed.data;
    } catch (error) {
      await this.#releaseLease();
      throw error;
    }
    const fetchedAt = this.#clock.now();
    const lifetime = Math.max(0, fetched.expiresAt - fetchedAt);
    const refreshAt = fetched.expiresAt - Math.min(this.#marginMs, lifetime / 2);
    const stored = await this.#store.update(this.#key, {
      update:
        'SET #token = :token, tokenExpiresAt = :expiresAt, refreshAt = :refreshAt, expiresAt = :ttl REMOVE leaseOwner, leaseUntil',
      condition: 'leaseOwner = :owner',
      names: { '#token': 'token' },
      values: {
        ':token': fetched.token,
        ':expiresAt': fetched.expiresAt,
        ':refreshAt': refreshAt,
        ':owner': this.#owner,
        ':ttl': ttlSeconds(fetched.expiresAt + ITEM_RETENTION_MS),
      },
    });
    if (!stored.ok) {
      // Our lease ran out and someone else took over: the token is still valid, so use it here only.
      this.#log.warn('token refresh lease expired before the token was stored', { cacheKey: this.cacheKey });
    }
    return { token: fetched.token, expiresAt: fetched.expiresAt, refreshAt };
  }

  async #releaseLease(): Promise<void> {
    try {
      await this.#store.update(this.#key, {
        update: 'REMOVE leaseOwner, leaseUntil',
        condition: 'leaseOwner = :owner',
        values: { ':owner': this.#owner },
      });
    } catch (error) {
      // The lease expires on its own; the fetch error is the one worth reporting.
      this.#log.warn('could not release the token refresh lease', { cacheKey: this.cacheKey, error: (error as Error).name });
    }
  }

  async #read(): Promise<z.infer<typeof storedTokenSchema>> {
    const item = await this.#store.get(this.#key);
    return item ? this.#parse(item) : {};
  }

  #parse(item: Record<string, unknown>): z.infer<typeof storedTokenSchema> {
    const parsed = storedTokenSchema.safeParse(item);
    if (!parsed.success) {
      throw new ResponseShapeError(
        `token cache ${this.cacheKey}: the stored item is malformed (${describeIssues(parsed.error.issues).join('; ')})`,
        { endpoint: `dynamodb ${this.#key.pk}`, fields: parsed.error.issues.map((issue) => issue.path.join('.')) },
      );
    }
    return parsed.data;
  }
}
