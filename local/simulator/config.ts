/**
 * The simulator's runtime configuration: credentials, token lifetimes, rate limits, timings and
 * faults. One mutable object per simulator; tests change it at runtime through `update()`.
 * Every default is the documented value where one exists (see assumptions.ts otherwise).
 */
import { ZDX_RATE_TIERS } from '../../lambdas/core/rate-budget/zdx-rate-tiers.js';

/** The sandbox credentials every local tool uses by default. They are not secrets. */
export const SIMULATOR_CREDENTIALS = {
  zdx: { keyId: 'sandbox-key-id', keySecret: 'sandbox-key-secret' },
  /** The ZIdentity API client of ZDX through OneAPI (client-secret authentication). */
  oneApi: { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' },
  zcspm: {
    licenseId: '00000000-0000-4000-8000-000000000001',
    applicationId: 'sandbox-app-id',
    applicationSecret: 'sandbox-app-secret',
    subscriptionKey: 'sandbox-subscription-key',
  },
} as const;

/** Fault kinds the simulator can inject (by rate or one-shot). */
export const FAULT_KINDS = [
  'rate-limit-retry-after',
  'rate-limit',
  'server-error',
  'unavailable',
  'connection-reset',
  'slow',
  'malformed-json',
  'wrong-shape',
  'token-revoked',
  'crash-after-side-effect',
] as const;
/** One kind of injected fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which simulated API a request belongs to (`zidentity`: the OneAPI token endpoint). */
export type SimulatedApi = 'zdx' | 'zcspm' | 'zidentity';

/** How deep-trace result endpoints answer: a bare array (Go SDK's reading) or one object (Python SDK's). */
export type TraceResultShape = 'array' | 'object';

/** How a deep trace ends when its session runs out. */
export type TraceOutcome = 'completed' | 'failed' | 'expired' | 'incomplete';

/** How a ZCSPM scan ends. `never` stays Running forever. */
export type ScanOutcome = 'success' | 'failed' | 'never';

/** Per-account scan behaviour (overrides `zcspm.scan` defaults). */
export interface ScanOverride {
  durationMs?: number;
  outcome?: ScanOutcome;
  legacyCompleted?: boolean;
}

/** The full runtime configuration (see `defaultConfig()` for the defaults). */
export interface SimulatorConfig {
  /**
   * Multiplies every simulated duration (deep-trace session length, scan duration). 1 = real
   * time; tests use e.g. 0.0001 so a 5-minute trace lasts 30 ms.
   */
  timeScale: number;
  credentials: {
    zdx: { keyId: string; keySecret: string };
    /**
     * The ZIdentity API client: its secret, and optionally the PEM public key (SPKI) that verifies
     * its private-key JWT assertions.
     */
    oneApi: { clientId: string; clientSecret: string; publicKey?: string | undefined };
    zcspm: { licenseId: string; applicationId: string; applicationSecret: string; subscriptionKey: string };
  };
  oneApi: {
    /** `expires_in` of ZIdentity access tokens (set per API client: 60 s to 24 h). */
    tokenLifetimeSeconds: number;
  };
  zdx: {
    /** `expires_in` of minted tokens (documented: 3600). */
    tokenLifetimeSeconds: number;
    /** Accepted |now - timestamp| for the hashed secret (documented: 15 minutes). */
    timestampWindowSeconds: number;
    /** Also accept the plain `{key_id, key_secret}` body (Variant B, unconfirmed). */
    acceptPlainSecret: boolean;
    /** JWT `aud` claim, shaped like the documented `<cloud>.<org-id>`. */
    audience: string;
    /** Page size when `limit` is absent, and the largest accepted `limit`. */
    defaultPageLimit: number;
    maxPageLimit: number;
    rateLimit: {
      enabled: boolean;
      perSecond: number;
      perMinute: number;
      perHour: number;
      perDay: number;
      /** Window lengths; tests and benchmarks shrink them. Windows start with the first call. */
      secondWindowMs: number;
      minuteWindowMs: number;
      hourWindowMs: number;
      dayWindowMs: number;
      /** Also send `X-Ratelimit-Limit-Second` / `X-Ratelimit-Remaining-Second` (SDK family). */
      xRateLimitHeaders: boolean;
      /** Add `Retry-After` (seconds) to rate-limit 429s (undocumented, so off by default). */
      retryAfter: boolean;
      /** Whether `/v1/oauth/*` calls draw from the budget. */
      includeAuthCalls: boolean;
    };
    deepTraces: {
      /** Tenant-wide cap on active traces (help page: 15; limits page: 25/100). */
      tenantCap: number;
      /** Status when the per-device or tenant cap rejects a start (409 or 429). */
      capRejectStatus: 409 | 429;
      /** Outcome per device id (string key); others use `defaultOutcome`. */
      outcomes: Record<string, TraceOutcome>;
      defaultOutcome: TraceOutcome;
      /** Fractions of the session spent `not_started` and `started` before `in_progress`. */
      notStartedFraction: number;
      startedFraction: number;
      /** Inner key of `events` results: PY uses `events`, GO `instances`. */
      eventsInnerKey: 'events' | 'instances';
      /** Result endpoints answer with an array (GO) or one object (PY). */
      resultShape: TraceResultShape;
    };
    /** The tenant offers Zscaler's score analysis (`POST /analysis`); when false it answers 403. */
    scoreAnalysis: boolean;
  };
  zcspm: {
    /** Token lifetime ("Token Expiry" on the API application; e.g. 60 min). */
    tokenLifetimeSeconds: number;
    scan: {
      /** Simulated scan duration (scaled by `timeScale`). */
      durationMs: number;
      outcome: ScanOutcome;
      /** Report success as the pre-2020 `Completed` instead of `Success`. */
      legacyCompleted: boolean;
      /** What `rescan` does while a job of the account is still New/Pending/Running. */
      rescanWhileRunning: 'return-running' | 'conflict' | 'new-job';
      /** Overrides per ZCSPM account id. */
      accounts: Record<string, ScanOverride>;
      /** Per completed scan: how many seeded findings get fixed and how many new ones appear. */
      fixesPerScan: number;
      newFailuresPerScan: number;
    };
    /** `pageSize` when absent (Zscaler's script asks for 1000). */
    defaultFailedAssetsPageSize: number;
  };
  faults: {
    /** Probability (0..1) that a request gets a random fault. */
    rate: number;
    seed: number;
    kinds: FaultKind[];
    apis: SimulatedApi[];
    /** Regular expressions (source strings) of paths that never get a fault. */
    excludePaths: string[];
    /** Delay of a `slow` reply. */
    slowMs: number;
    /** `Retry-After` value (seconds) of `rate-limit-retry-after` faults. */
    retryAfterSeconds: number;
  };
}

/** Recursively optional, for `update()` and `startSimulator({ config })`. Arrays are replaced. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** A fresh default configuration (documented values where known). */
export function defaultConfig(): SimulatorConfig {
  return {
    timeScale: 1,
    credentials: {
      zdx: { ...SIMULATOR_CREDENTIALS.zdx },
      oneApi: { ...SIMULATOR_CREDENTIALS.oneApi },
      zcspm: { ...SIMULATOR_CREDENTIALS.zcspm },
    },
    zdx: {
      tokenLifetimeSeconds: 3600,
      timestampWindowSeconds: 900,
      acceptPlainSecret: false,
      audience: 'zdxcloud.net.1219900',
      defaultPageLimit: 50,
      maxPageLimit: 500,
      rateLimit: {
        enabled: true,
        // Licence tier 1 (zdx-api.md §5.3).
        ...ZDX_RATE_TIERS[1],
        secondWindowMs: 1000,
        minuteWindowMs: 60_000,
        hourWindowMs: 3_600_000,
        dayWindowMs: 86_400_000,
        xRateLimitHeaders: true,
        retryAfter: false,
        includeAuthCalls: true,
      },
      deepTraces: {
        tenantCap: 15,
        capRejectStatus: 409,
        outcomes: {},
        defaultOutcome: 'completed',
        notStartedFraction: 0.05,
        startedFraction: 0.05,
        eventsInnerKey: 'events',
        resultShape: 'array',
      },
      scoreAnalysis: true,
    },
    oneApi: {
      tokenLifetimeSeconds: 3600,
    },
    zcspm: {
      tokenLifetimeSeconds: 3600,
      scan: {
        durationMs: 120_000,
        outcome: 'success',
        legacyCompleted: false,
        rescanWhileRunning: 'return-running',
        accounts: {},
        fixesPerScan: 2,
        newFailuresPerScan: 2,
      },
      defaultFailedAssetsPageSize: 1000,
    },
    faults: {
      rate: 0,
      seed: 1,
      kinds: [...FAULT_KINDS],
      apis: ['zdx', 'zcspm', 'zidentity'],
      excludePaths: [],
      slowMs: 5000,
      retryAfterSeconds: 1,
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `patch` into `target` in place (arrays and scalars replace, objects merge). */
export function mergeConfig<T extends object>(target: T, patch: DeepPartial<T> | undefined): T {
  if (!patch) return target;
  const out = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === undefined) continue;
    const current = out[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeConfig(current, value);
    else out[key] = Array.isArray(value) ? [...value] : value;
  }
  return target;
}

/** Rejects configurations the simulator cannot honour, with the offending key in the message. */
export function validateConfig(config: SimulatorConfig): void {
  const problems: string[] = [];
  const positive = (name: string, value: number): void => {
    if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be a positive number (got ${value})`);
  };
  positive('timeScale', config.timeScale);
  positive('zdx.tokenLifetimeSeconds', config.zdx.tokenLifetimeSeconds);
  positive('zcspm.tokenLifetimeSeconds', config.zcspm.tokenLifetimeSeconds);
  const oneApiLifetime = config.oneApi.tokenLifetimeSeconds;
  if (!(Number.isInteger(oneApiLifetime) && oneApiLifetime >= 60 && oneApiLifetime <= 86_400)) {
    problems.push(`oneApi.tokenLifetimeSeconds must be a whole number from 60 to 86400, as ZIdentity allows (got ${oneApiLifetime})`);
  }
  if (!['array', 'object'].includes(config.zdx.deepTraces.resultShape)) {
    problems.push(`zdx.deepTraces.resultShape must be "array" or "object" (got "${config.zdx.deepTraces.resultShape}")`);
  }
  positive('zdx.rateLimit.perSecond', config.zdx.rateLimit.perSecond);
  positive('zdx.rateLimit.perMinute', config.zdx.rateLimit.perMinute);
  positive('zdx.rateLimit.secondWindowMs', config.zdx.rateLimit.secondWindowMs);
  positive('zdx.rateLimit.minuteWindowMs', config.zdx.rateLimit.minuteWindowMs);
  positive('zdx.rateLimit.perHour', config.zdx.rateLimit.perHour);
  positive('zdx.rateLimit.perDay', config.zdx.rateLimit.perDay);
  positive('zdx.rateLimit.hourWindowMs', config.zdx.rateLimit.hourWindowMs);
  positive('zdx.rateLimit.dayWindowMs', config.zdx.rateLimit.dayWindowMs);
  positive('zdx.deepTraces.tenantCap', config.zdx.deepTraces.tenantCap);
  if (!(config.faults.rate >= 0 && config.faults.rate <= 1)) problems.push(`faults.rate must be within 0..1 (got ${config.faults.rate})`);
  for (const kind of config.faults.kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) problems.push(`faults.kinds has unknown kind "${kind}"`);
  }
  for (const source of config.faults.excludePaths) {
    try {
      new RegExp(source);
    } catch {
      problems.push(`faults.excludePaths has an invalid regular expression "${source}"`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid simulator config: ${problems.join('; ')}`);
}
