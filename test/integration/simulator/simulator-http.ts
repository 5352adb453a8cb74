/**
 * Small HTTP helpers for the simulator's own tests: raw calls over real HTTP (global fetch) and token
 * fetches with the sandbox credentials.
 */
import { SIMULATOR_CREDENTIALS, zdxKeySecretHash, type RunningSimulator } from '#simulator/index.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body (undefined when not JSON). */
  json: any;
}

export async function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The hashed ZDX token body for `nowMs` (Variant A). */
export function zdxTokenBody(nowMs: number, secret: string = SIMULATOR_CREDENTIALS.zdx.keySecret) {
  const timestamp = Math.floor(nowMs / 1000);
  return { key_id: SIMULATOR_CREDENTIALS.zdx.keyId, key_secret: zdxKeySecretHash(secret, timestamp), timestamp };
}

export async function zdxToken(sim: RunningSimulator, nowMs: number): Promise<string> {
  const result = await call(sim, 'POST', '/v1/oauth/token', { body: zdxTokenBody(nowMs) });
  if (result.status !== 200) throw new Error(`ZDX token request failed: ${result.status} ${result.text}`);
  return result.json.token as string;
}

export const LICENSE = SIMULATOR_CREDENTIALS.zcspm.licenseId;
export const SUBSCRIPTION = { 'ocp-apim-subscription-key': SIMULATOR_CREDENTIALS.zcspm.subscriptionKey };
export const APP_CREDENTIALS = { APIApplicationId: SIMULATOR_CREDENTIALS.zcspm.applicationId, Secret: SIMULATOR_CREDENTIALS.zcspm.applicationSecret };

export async function zcspmToken(sim: RunningSimulator, accountId?: string): Promise<string> {
  const query = accountId ? `?accountId=${accountId}` : '';
  const result = await call(sim, 'POST', `/authorize/license/${LICENSE}/token${query}`, { body: APP_CREDENTIALS, headers: SUBSCRIPTION });
  if (result.status !== 200) throw new Error(`ZCSPM token request failed: ${result.status} ${result.text}`);
  return result.json.result.token as string;
}

/** GET on a ZCSPM path with the subscription key and a bearer. */
export function zcspmGet(sim: RunningSimulator, path: string, token: string): Promise<HttpResult> {
  return call(sim, 'GET', path, { headers: SUBSCRIPTION, token });
}

/** The id of the seeded `prod (111122223333)` account. */
export function prodAccountId(sim: RunningSimulator): string {
  const account = sim.zcspm.accounts().find((a) => a.awsAccountId === '111122223333');
  if (!account) throw new Error('seeded prod account missing');
  return account.accountId;
}
