/**
 * The Lambdas own the variable names and parse the documents with their own schemas: these tests
 * feed what lib/settings/runtime-env.ts builds into those parsers, so the values cannot drift apart
 * unnoticed, and check that every variable the stack sets is one a Lambda reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { EnvVar, readEnv } from '../../../lambdas/core/config.js';
import { NOTIFICATION_SETTINGS_ENV, parseNotificationSettings } from '../../../lambdas/notify/settings.js';
import { DIAGNOSTICS_SETTINGS_ENV, parseDiagnosticsSettings } from '../../../lambdas/diagnostics/settings.js';
import { SCAN_SETTINGS_ENV, parseAccountMappings, parseScanSettings } from '../../../lambdas/scan/settings.js';
import { PROJECT_ROOT } from '../../../lib/constructs/team-function.js';
import { parseConfig } from '../../../lib/settings/load.js';
import {
  ACCOUNT_MAPPINGS_INLINE_MAX_BYTES,
  accountMappingsEnv,
  accountMappingsFile,
  coreEnv,
  diagnosticsSettings,
  notificationSettings,
  scanSettings,
} from '../../../lib/settings/runtime-env.js';
import { LICENSE_ID, newIntegrationStack, templateOf } from '../support.js';

const ZCSPM_A = '11111111-2222-4333-8444-555555555555';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:zsa-notifications';

/** `count` distinct mappings with names, in the array form. */
function manyMappings(count: number): Array<{ awsAccountId: string; zcspmAccountId: string; name: string }> {
  return Array.from({ length: count }, (_, index) => ({
    awsAccountId: String(100000000000 + index),
    zcspmAccountId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `account-${index}`,
  }));
}

const config = parseConfig({
  zcspmLicenseId: LICENSE_ID,
  zdxBaseUrl: 'http://127.0.0.1:4010',
  accountMappings: { '111122223333': { zcspmAccountId: ZCSPM_A, name: 'prod' } },
  scan: {
    triggerStatuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
    stackNameInclude: ['app-*'],
    stackNameExclude: ['*-sandbox'],
    accounts: ['111122223333'],
    regions: ['eu-west-1'],
    debounceSeconds: 30,
    benchmarks: ['CSBP', 'CIS'],
    timeoutMinutes: 90,
    minPollIntervalSeconds: 10,
    maxPollIntervalSeconds: 90,
    zcspmTokenLifetimeMinutes: 45,
  },
  diagnostics: { minSeverity: 'High', maxDevicesPerAlert: 40, deviceCooldownMinutes: 15, tenantTraceCap: 12, sessionLengthMinutes: 15, probeDevice: false },
  notifications: {
    environment: 'prod',
    slack: { enabled: true, mode: 'bot', kinds: ['scan'], scan: { whenNewFailuresAtLeast: 1 } },
    eventBridge: { enabled: true, busName: 'zsa-results', minSeverity: 'high' },
  },
  webhook: { maxBodyBytes: 32768 },
});

describe('runtime env contract', () => {
  describe('coreEnv', () => {
    it('parses with the EnvVar schemas of lambdas/core/config.ts', () => {
      const schema = z.object({
        ZDX_BASE_URL: EnvVar.ZDX_BASE_URL,
        ZCSPM_BASE_URL: EnvVar.ZCSPM_BASE_URL,
        ZCSPM_LICENSE_ID: EnvVar.ZCSPM_LICENSE_ID,
        ZCSPM_TOKEN_LIFETIME_SECONDS: EnvVar.ZCSPM_TOKEN_LIFETIME_SECONDS,
        ZDX_RATE_PER_SECOND: EnvVar.ZDX_RATE_PER_SECOND,
        ZDX_RATE_PER_MINUTE: EnvVar.ZDX_RATE_PER_MINUTE,
      });

      const env = readEnv(schema, coreEnv(config));

      expect(env).toEqual({
        ZDX_BASE_URL: 'http://127.0.0.1:4010',
        ZCSPM_BASE_URL: 'https://api.cloudneeti.com',
        ZCSPM_LICENSE_ID: LICENSE_ID,
        ZCSPM_TOKEN_LIFETIME_SECONDS: 2700,
        ZDX_RATE_PER_SECOND: 5,
        ZDX_RATE_PER_MINUTE: 30,
      });
    });
  });

  describe('coreEnv with zdx.auth "oneapi"', () => {
    it('parses with the EnvVar schemas the diagnostics wiring reads', () => {
      const oneApi = parseConfig({ zcspmLicenseId: LICENSE_ID, zdx: { auth: 'oneapi', vanityDomain: 'acme' } });
      const schema = z.object({ ZDX_BASE_URL: EnvVar.ZDX_BASE_URL, ZDX_AUTH: EnvVar.ZDX_AUTH, ZDX_TOKEN_URL: EnvVar.ZDX_TOKEN_URL });

      const env = readEnv(schema, coreEnv(oneApi));

      expect(env).toEqual({ ZDX_BASE_URL: 'https://api.zsapi.net', ZDX_AUTH: 'oneapi', ZDX_TOKEN_URL: 'https://acme.zslogin.net/oauth2/v1/token' });
    });
  });

  describe('scanSettings', () => {
    it('parses with the scan use case schema and keeps every configured value', () => {
      const env = { [SCAN_SETTINGS_ENV]: JSON.stringify(scanSettings(config)) };

      const settings = parseScanSettings(env);

      expect(settings).toMatchObject({
        triggerStatuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
        includeStacks: ['app-*'],
        excludeStacks: ['*-sandbox'],
        accounts: ['111122223333'],
        regions: ['eu-west-1'],
        debounceSeconds: 30,
        benchmarks: ['CSBP', 'CIS'],
        polling: { minIntervalSeconds: 10, maxIntervalSeconds: 90, scanTimeoutSeconds: 5400 },
      });
    });

    it('leaves includeStacks to its default when no include pattern is configured', () => {
      const env = { [SCAN_SETTINGS_ENV]: JSON.stringify(scanSettings(parseConfig({ zcspmLicenseId: LICENSE_ID }))) };

      const settings = parseScanSettings(env);

      expect(settings.includeStacks).toEqual(['*']);
    });
  });

  describe('accountMappingsEnv', () => {
    it('parses with the scan use case parser', () => {
      const env = accountMappingsEnv(config);

      const mappings = parseAccountMappings(env);

      expect(mappings).toEqual({ '111122223333': ZCSPM_A });
    });
  });

  describe('diagnosticsSettings', () => {
    it('parses with the diagnostics use case schema and keeps every configured value', () => {
      const env = { [DIAGNOSTICS_SETTINGS_ENV]: JSON.stringify(diagnosticsSettings(config)) };

      const settings = parseDiagnosticsSettings(env);

      expect(settings).toMatchObject({
        minSeverity: 'High',
        perAlertDeviceCap: 40,
        deviceCooldownMinutes: 15,
        tenantTraceSlots: 12,
        sessionLengthMinutes: 15,
        probeDevice: false,
        webhookMaxBodyBytes: 32768,
      });
    });
  });

  describe('notificationSettings', () => {
    it('parses with the notifiers schema and keeps every configured route', () => {
      const json = JSON.stringify(notificationSettings(config, { topicArn: TOPIC_ARN }));

      const settings = parseNotificationSettings(json, NOTIFICATION_SETTINGS_ENV);

      expect(settings).toMatchObject({
        environment: 'prod',
        slack: { enabled: true, mode: 'bot', kinds: ['scan'], minSeverity: 'info', scan: { whenNewFailuresAtLeast: 1 } },
        sns: { enabled: true, topicArn: TOPIC_ARN, kinds: ['scan', 'diagnostics'] },
        eventBridge: { enabled: true, eventBusName: 'zsa-results', minSeverity: 'high' },
      });
    });
  });
});

describe('accountMappingsEnv', () => {
  it('inlines a small mapping and names the bundled file', () => {
    const config = parseConfig({ zcspmLicenseId: LICENSE_ID, accountMappings: { '111122223333': ZCSPM_A } });

    const env = accountMappingsEnv(config);

    expect(env).toEqual({ ACCOUNT_MAPPINGS_FILE: 'account-mappings.json', ACCOUNT_MAPPINGS: JSON.stringify({ '111122223333': ZCSPM_A }) });
  });

  it('leaves an organization-scale mapping to the bundled file alone', () => {
    const config = parseConfig({ zcspmLicenseId: LICENSE_ID, accountMappings: manyMappings(1000) });

    const env = accountMappingsEnv(config);

    expect(env).toEqual({ ACCOUNT_MAPPINGS_FILE: 'account-mappings.json' });
    expect(Buffer.byteLength(accountMappingsFile(config))).toBeGreaterThan(ACCOUNT_MAPPINGS_INLINE_MAX_BYTES);
    expect(Object.keys(JSON.parse(accountMappingsFile(config)) as object)).toHaveLength(1000);
  });
});

describe('coreEnv', () => {
  it('reads the ZDX limits from the licence tier, an explicit window overriding its own', () => {
    const config = parseConfig({ zcspmLicenseId: LICENSE_ID, diagnostics: { zdxRateTier: 3, zdxRatePerDay: 20_000, zdxRateShare: 0.3 } });

    const env = coreEnv(config);

    expect([env.ZDX_RATE_PER_SECOND, env.ZDX_RATE_PER_MINUTE, env.ZDX_RATE_PER_HOUR, env.ZDX_RATE_PER_DAY, env.ZDX_RATE_SHARE]).toEqual(['5', '120', '6000', '20000', '0.3']);
  });

  it('converts minutes to the seconds the runtime reads', () => {
    const config = parseConfig({ zcspmLicenseId: LICENSE_ID, scan: { zcspmTokenLifetimeMinutes: 30 }, diagnostics: { zdxRatePerMinute: 60 } });

    const env = coreEnv(config);

    expect(env).toEqual({
      ZDX_BASE_URL: 'https://api.zdxcloud.net',
      ZDX_AUTH: 'api-key',
      ZCSPM_BASE_URL: 'https://api.cloudneeti.com',
      ZCSPM_LICENSE_ID: LICENSE_ID,
      ZCSPM_TOKEN_LIFETIME_SECONDS: '1800',
      ZDX_RATE_PER_SECOND: '5',
      ZDX_RATE_PER_MINUTE: '60',
      ZDX_RATE_PER_HOUR: '1000',
      ZDX_RATE_PER_DAY: '10000',
      ZDX_RATE_SHARE: '0.5',
    });
  });

  it('points ZDX at OneAPI and the vanity domain\'s ZIdentity token URL with zdx.auth "oneapi"', () => {
    const config = parseConfig({ zcspmLicenseId: LICENSE_ID, zdx: { auth: 'oneapi', vanityDomain: 'acme' } });

    const env = coreEnv(config);

    expect(env).toMatchObject({ ZDX_AUTH: 'oneapi', ZDX_BASE_URL: 'https://api.zsapi.net', ZDX_TOKEN_URL: 'https://acme.zslogin.net/oauth2/v1/token' });
  });

  it('takes an explicit token URL and OneAPI host (other clouds)', () => {
    const config = parseConfig({
      zcspmLicenseId: LICENSE_ID,
      zdx: { auth: 'oneapi', vanityDomain: 'acme', tokenUrl: 'https://acme.zsloginbeta.net/oauth2/v1/token', oneApiBaseUrl: 'https://api.beta.zsapi.net' },
    });

    expect(coreEnv(config)).toMatchObject({ ZDX_BASE_URL: 'https://api.beta.zsapi.net', ZDX_TOKEN_URL: 'https://acme.zsloginbeta.net/oauth2/v1/token' });
  });
});

/** Every `.ts` / `.js` file below `dir` (absolute paths). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The code (comments left out, so a variable only mentioned in a doc does not count as read) of `files`. */
function codeOf(files: readonly string[]): string {
  return files
    .map((file) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''))
    .join('\n');
}

/**
 * Set but read by no handler: the topic ARN `TeamFunction.bindTopic` puts beside its publish grant.
 * The SNS notifier takes the topic from NOTIFICATION_SETTINGS; dropping the variable changes every
 * notifying function, which is a deployment of its own.
 */
const SET_BUT_UNREAD = ['NOTIFICATION_TOPIC_ARN'];

describe('the variables the stack sets', () => {
  it('are each read by the Lambdas, or by the Powertools library they run', () => {
    // Every optional variable on: OneAPI, every channel, Security Hub, mappings small enough to inline.
    const stack = newIntegrationStack({
      zdx: { auth: 'oneapi', vanityDomain: 'acme' },
      accountMappings: { '111122223333': ZCSPM_A },
      notifications: { slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: true } },
      securityHub: { enabled: true },
    });
    const functions = Object.values(templateOf(stack).findResources('AWS::Lambda::Function')) as Array<{
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }>;
    const set = [...new Set(functions.flatMap((fn) => Object.keys(fn.Properties.Environment?.Variables ?? {})))].sort();
    const readers = codeOf([
      ...sourceFiles(join(PROJECT_ROOT, 'lambdas')),
      ...['commons', 'logger', 'metrics'].flatMap((name) => sourceFiles(join(PROJECT_ROOT, 'node_modules/@aws-lambda-powertools', name, 'lib/esm'))),
    ]);

    const unread = set.filter((name) => !new RegExp(`\\b${name}\\b`).test(readers));

    expect(set).toEqual(expect.arrayContaining(['SCAN_SETTINGS', 'DIAGNOSTICS_SETTINGS', 'NOTIFICATION_SETTINGS', 'SECURITY_HUB_SETTINGS', 'ZDX_TOKEN_URL']));
    expect(unread).toEqual(SET_BUT_UNREAD);
  });
});
