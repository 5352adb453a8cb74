/**
 * Where a `zsa` command finds the deployment configuration and the API endpoints.
 *
 * Configuration: `context.zsa` of `cdk.json` in the working directory, with `--config FILE` layered
 * over it exactly like `cdk synth -c zsaConfigFile=FILE` (both validated by lib/settings/load.ts, so the CLI
 * and the deployment agree on every key). Endpoints: the environment (`ZDX_BASE_URL`,
 * `ZCSPM_BASE_URL`, `ZCSPM_LICENSE_ID`) wins over the configuration, which wins over the public
 * production hosts; that is how the commands are pointed at the simulator.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../lambdas/core/errors.js';
import { CONFIG_CONTEXT_KEY, CONFIG_FILE_CONTEXT_KEY, loadConfig, readCdkJsonConfig } from '../../lib/settings/load.js';
import { type ZsaConfig } from '../../lib/settings/schema.js';
import { DEFAULT_ONEAPI_BASE_URL, zidentityTokenUrl, type ZdxAuth } from '../../lambdas/zscaler/zdx/oneapi.js';
import { zdxAuthOption } from './credentials.js';
import type { CliIo } from './io.js';

/** Public hosts used when neither the environment nor the configuration names one. */
export const DEFAULT_ZDX_BASE_URL = 'https://api.zdxcloud.net';
export const DEFAULT_ZCSPM_BASE_URL = 'https://api.cloudneeti.com';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A loaded configuration and where it came from (for messages). */
export interface LoadedConfig {
  readonly config: ZsaConfig;
  /** e.g. `cdk.json`, `cdk.json + ./prod.json`, `./prod.json`. */
  readonly source: string;
}

/**
 * Loads the deployment configuration: `cdk.json` in `io.cwd` (when present) with `configPath`
 * layered over it. Returns undefined when there is neither. Throws ConfigError listing every
 * invalid key.
 */
export function loadDeploymentConfig(io: CliIo, configPath: string | undefined): LoadedConfig | undefined {
  const cwd = io.cwd ?? process.cwd();
  const base = readCdkJsonConfig(cwd);
  if (configPath === undefined) {
    if (base === undefined) return undefined;
    return { config: loadConfig({ [CONFIG_CONTEXT_KEY]: base }), source: 'cdk.json' };
  }
  const file = resolve(cwd, configPath);
  if (!existsSync(file)) throw new ConfigError(`--config: ${file} does not exist`);
  return {
    config: loadConfig({ [CONFIG_CONTEXT_KEY]: base, [CONFIG_FILE_CONTEXT_KEY]: file }),
    source: base === undefined ? configPath : `cdk.json + ${configPath}`,
  };
}

/** The API endpoints and license a command talks to. */
export interface Endpoints {
  /** `--zdx-auth`, then `ZDX_AUTH`, then the configuration's `zdx.auth`, then `api-key`. */
  readonly zdxAuth: ZdxAuth;
  /** The ZDX host of that mode: the legacy ZDX host, or the OneAPI gateway. */
  readonly zdxBaseUrl: string;
  /** OneAPI only: the ZIdentity token URL (`ZDX_TOKEN_URL`, the configuration, or `ZSCALER_VANITY_DOMAIN`). */
  readonly zdxTokenUrl?: string | undefined;
  readonly zcspmBaseUrl: string;
  /** Undefined when neither `ZCSPM_LICENSE_ID` nor the configuration names it. */
  readonly zcspmLicenseId: string | undefined;
}

/** Resolves the endpoints: environment, then configuration, then the public hosts. */
export function resolveEndpoints(io: CliIo, config: ZsaConfig | undefined, zdxAuth?: ZdxAuth): Endpoints {
  const licenseId = nonEmpty(io.env.ZCSPM_LICENSE_ID) ?? config?.zcspmLicenseId;
  if (licenseId !== undefined && !GUID.test(licenseId)) {
    throw new ConfigError('ZCSPM_LICENSE_ID: expected a GUID like 00000000-0000-4000-8000-000000000001');
  }
  const auth = zdxAuth ?? zdxAuthOption(io.env.ZDX_AUTH, 'ZDX_AUTH') ?? config?.zdx.auth ?? 'api-key';
  const oneApi = auth === 'oneapi';
  const vanity = nonEmpty(io.env.ZSCALER_VANITY_DOMAIN) ?? config?.zdx.vanityDomain;
  const configuredTokenUrl = config?.zdx.tokenUrl ?? (vanity === undefined ? undefined : zidentityTokenUrl(vanity));
  return {
    zdxAuth: auth,
    ...(oneApi ? { zdxTokenUrl: tokenUrl(nonEmpty(io.env.ZDX_TOKEN_URL)) ?? configuredTokenUrl } : {}),
    zdxBaseUrl:
      baseUrl('ZDX_BASE_URL', nonEmpty(io.env.ZDX_BASE_URL)) ??
      (oneApi ? (config?.zdx.oneApiBaseUrl ?? DEFAULT_ONEAPI_BASE_URL) : (config?.zdxBaseUrl ?? DEFAULT_ZDX_BASE_URL)),
    zcspmBaseUrl: baseUrl('ZCSPM_BASE_URL', nonEmpty(io.env.ZCSPM_BASE_URL)) ?? config?.zcspmBaseUrl ?? DEFAULT_ZCSPM_BASE_URL,
    zcspmLicenseId: licenseId,
  };
}

/** The license id, or a ConfigError saying where to set it. */
export function requireLicense(endpoints: Endpoints): string {
  if (endpoints.zcspmLicenseId === undefined) {
    throw new ConfigError('no ZCSPM license id: set ZCSPM_LICENSE_ID, or zcspmLicenseId in cdk.json (context "zsa"), or pass --config FILE');
  }
  return endpoints.zcspmLicenseId;
}

/** Same rule as the deployment config: https, or http on loopback (the simulator); host only. */
function baseUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}: expected an absolute URL like https://api.example.net`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(`${name}: expected an https URL (http only for 127.0.0.1/localhost, the simulator)`);
  }
  if (url.username || url.password) throw new ConfigError(`${name}: must not carry credentials`);
  return url.origin;
}

/** A ZIdentity token URL: same host rules as {@link baseUrl}, path kept. */
function tokenUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const origin = baseUrl('ZDX_TOKEN_URL', URL.canParse(value) ? new URL(value).origin : value);
  return `${origin}${new URL(value).pathname}`;
}

/** The ZIdentity token URL, or a ConfigError saying where to set it. */
export function requireTokenUrl(endpoints: Endpoints): string {
  if (endpoints.zdxTokenUrl === undefined) {
    throw new ConfigError('ZDX through OneAPI needs the ZIdentity token URL: set ZSCALER_VANITY_DOMAIN or ZDX_TOKEN_URL, or zdx.vanityDomain / zdx.tokenUrl in the configuration');
  }
  return endpoints.zdxTokenUrl;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
