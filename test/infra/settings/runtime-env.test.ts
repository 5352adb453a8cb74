/**
 * The CDK side writes the env vars, the Lambda side parses them with its own schemas: these tests
 * feed what lib/config.ts builds into those parsers, so the two cannot drift apart unnoticed.
 */
import * as z from 'zod';
import { EnvVar, readEnv } from '../../lambdas/core/config.js';
import { parseNotificationSettings } from '../../lambdas/notify/settings.js';
import { DIAGNOSTICS_SETTINGS_ENV, parseDiagnosticsSettings } from '../../lambdas/diagnostics/settings.js';
import { ACCOUNT_MAPPINGS_ENV, SCAN_SETTINGS_ENV, parseAccountMappings, parseScanSettings } from '../../lambdas/scan/settings.js';
import { accountMappingsEnv, coreEnv, diagnosticsSettings, notificationSettings, parseConfig, RuntimeEnv, scanSettings } from '../../lib/config.js';
import { LICENSE_ID } from './support.js';

const ZCSPM_A = '11111111-2222-4333-8444-555555555555';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:zsa-notifications';

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
      const env = { [RuntimeEnv.SCAN_SETTINGS]: JSON.stringify(scanSettings(config)) };

      const settings = parseScanSettings(env);

      expect(RuntimeEnv.SCAN_SETTINGS).toBe(SCAN_SETTINGS_ENV);
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
      const env = { [RuntimeEnv.SCAN_SETTINGS]: JSON.stringify(scanSettings(parseConfig({ zcspmLicenseId: LICENSE_ID }))) };

      const settings = parseScanSettings(env);

      expect(settings.includeStacks).toEqual(['*']);
    });
  });

  describe('accountMappingsEnv', () => {
    it('parses with the scan use case parser', () => {
      const env = accountMappingsEnv(config);

      const mappings = parseAccountMappings(env);

      expect(RuntimeEnv.ACCOUNT_MAPPINGS).toBe(ACCOUNT_MAPPINGS_ENV);
      expect(mappings).toEqual({ '111122223333': ZCSPM_A });
    });
  });

  describe('diagnosticsSettings', () => {
    it('parses with the diagnostics use case schema and keeps every configured value', () => {
      const env = { [RuntimeEnv.DIAGNOSTICS_SETTINGS]: JSON.stringify(diagnosticsSettings(config)) };

      const settings = parseDiagnosticsSettings(env);

      expect(RuntimeEnv.DIAGNOSTICS_SETTINGS).toBe(DIAGNOSTICS_SETTINGS_ENV);
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

      const settings = parseNotificationSettings(json, RuntimeEnv.NOTIFICATION_SETTINGS);

      expect(settings).toMatchObject({
        environment: 'prod',
        slack: { enabled: true, mode: 'bot', kinds: ['scan'], minSeverity: 'info', scan: { whenNewFailuresAtLeast: 1 } },
        sns: { enabled: true, topicArn: TOPIC_ARN, kinds: ['scan', 'diagnostics'] },
        eventBridge: { enabled: true, eventBusName: 'zsa-results', minSeverity: 'high' },
      });
    });
  });
});
