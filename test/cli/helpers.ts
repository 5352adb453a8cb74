/**
 * Runs `zsa` commands in-process against the simulator: injected environment, captured output,
 * and a virtual clock whose sleeps advance time at once (so backoff waits cost milliseconds) while
 * still yielding to the event loop so the simulator's scans and traces progress.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runZsa } from '../../local/cli/main.js';
import type { CliIo } from '../../local/cli/io.js';
import { SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, startSimulator, type RunningSimulator } from '../../local/simulator/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every secret value the tests hand to the CLI; none may appear in any output. */
export const SECRET_VALUES = [
  SIMULATOR_CREDENTIALS.zdx.keySecret,
  SIMULATOR_CREDENTIALS.oneApi.clientSecret,
  SIMULATOR_CREDENTIALS.zcspm.applicationSecret,
  SIMULATOR_CREDENTIALS.zcspm.subscriptionKey,
];

/** A JWT (the simulator's tokens are JWTs) anywhere in a text. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** Asserts that no known secret value and no bearer token appears in a run's output. */
export function expectNoSecrets(run: CliRun, extraSecrets: readonly string[] = []): void {
  const output = `${run.stdout}\n${run.stderr}`;
  for (const secret of [...SECRET_VALUES, ...extraSecrets]) expect(output).not.toContain(secret);
  expect(output).not.toMatch(JWT);
}

/** The environment that points every command at `sim` with the sandbox credentials. */
export function simulatorEnv(sim: RunningSimulator, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const c = SIMULATOR_CREDENTIALS;
  return {
    ZDX_BASE_URL: sim.url,
    ZCSPM_BASE_URL: sim.url,
    ZCSPM_LICENSE_ID: c.zcspm.licenseId,
    ZDX_KEY_ID: c.zdx.keyId,
    ZDX_KEY_SECRET: c.zdx.keySecret,
    ZCSPM_APP_ID: c.zcspm.applicationId,
    ZCSPM_APP_SECRET: c.zcspm.applicationSecret,
    ZCSPM_SUBSCRIPTION_KEY: c.zcspm.subscriptionKey,
    ...overrides,
  };
}

/** {@link simulatorEnv} for ZDX through OneAPI: the sandbox ZIdentity client and the simulator's token URL, no ZDX API key. */
export function oneApiEnv(sim: RunningSimulator, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return simulatorEnv(sim, {
    ZDX_KEY_ID: undefined,
    ZDX_KEY_SECRET: undefined,
    ZSCALER_CLIENT_ID: SIMULATOR_CREDENTIALS.oneApi.clientId,
    ZSCALER_CLIENT_SECRET: SIMULATOR_CREDENTIALS.oneApi.clientSecret,
    ZDX_TOKEN_URL: `${sim.url}${ZIDENTITY_TOKEN_PATH}`,
    ...overrides,
  });
}

/** Starts a fast simulator: scans and traces last milliseconds, rate limits out of the way. */
export function startFastSimulator(): Promise<RunningSimulator> {
  return startSimulator({ config: { timeScale: 0.0001, zdx: { rateLimit: { perSecond: 10_000, perMinute: 100_000, perHour: 10_000_000, perDay: 100_000_000 } } } });
}

/** A clock ahead of real time by the sum of every sleep; each sleep yields a few real ms. */
export function virtualTime(): Required<Pick<CliIo, 'clock' | 'sleep'>> {
  let offset = 0;
  return {
    clock: { now: () => Date.now() + offset },
    sleep: async (ms) => {
      offset += ms;
      await delay(5);
    },
  };
}

/** Runs `zsa <argv>` in-process and captures its output. */
export async function runCli(argv: readonly string[], io: Partial<CliIo> & { env: CliIo['env'] }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runZsa(argv, {
    cwd: io.cwd ?? emptyDir(),
    ...virtualTime(),
    ...io,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

const dirs: string[] = [];

/** A fresh temporary directory (no cdk.json), removed by {@link removeTempDirs}. */
export function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zsa-cli-'));
  dirs.push(dir);
  return dir;
}

/** Writes `value` as JSON into a fresh temporary directory and returns the file's path. */
export function writeJson(name: string, value: unknown): string {
  const path = join(emptyDir(), name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Removes every directory {@link emptyDir} made. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A deployment config (the `zsa` object) for the simulator's license with the given mappings. */
export function configWith(accountMappings: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { zcspmLicenseId: SIMULATOR_CREDENTIALS.zcspm.licenseId, accountMappings, ...extra };
}
