import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { configWarnings, PLACEHOLDER_LICENSE_ID, loadConfig, mergeConfig, parseConfig } from '../../../lib/settings/load.js';
import { LICENSE_ID } from '../support.js';

const ZCSPM_A = '11111111-2222-4333-8444-555555555555';
const ZCSPM_B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/** The lines of the ConfigError that `raw` produces (empty when it is valid). */
function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^\s+- /, ''));
  }
}

describe('parseConfig', () => {
  describe('defaults', () => {
    it('fills every documented default when only the license id is given', () => {
      const config = parseConfig({ zcspmLicenseId: LICENSE_ID });

      expect(config).toMatchObject({
        zdxBaseUrl: 'https://api.zdxcloud.net',
        zcspmBaseUrl: 'https://api.cloudneeti.com',
        accountMappings: [],
        memberAccountIds: [],
        logRetentionDays: 30,
        scan: {
          triggerStatuses: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'],
          includeStackSetInstances: true,
          stackNameInclude: [],
          stackNameExclude: [],
          debounceSeconds: 60,
          benchmarks: ['CSBP'],
          timeoutMinutes: 120,
          maxPollIntervalSeconds: 120,
          minPollIntervalSeconds: 15,
          zcspmTokenLifetimeMinutes: 60,
        },
        diagnostics: {
          minSeverity: 'Medium',
          maxDevicesPerAlert: 50,
          deviceCooldownMinutes: 60,
          tenantTraceCap: 10,
          sessionLengthMinutes: 5,
          probeDevice: true,
          mapConcurrency: 10,
          zdxRateTier: 1,
          zdxRatePerSecond: 5,
          zdxRatePerMinute: 30,
          zdxRatePerHour: 1_000,
          zdxRatePerDay: 10_000,
          zdxRateShare: 0.5,
        },
        notifications: {
          slack: { enabled: false, mode: 'webhook', minSeverity: 'info', kinds: ['scan', 'diagnostics'] },
          sns: { enabled: true, emails: [] },
          eventBridge: { enabled: false, busName: 'default' },
        },
        webhook: { maxBodyBytes: 65536, throttle: { rate: 10, burst: 20 } },
      });
      expect(config.organizationId).toBeUndefined();
      expect(config.alarmEmail).toBeUndefined();
    });

    it('reduces a base URL to its origin', () => {
      const config = parseConfig({ zcspmLicenseId: LICENSE_ID, zdxBaseUrl: 'https://api.zdxbeta.net/', zcspmBaseUrl: 'http://127.0.0.1:4010' });

      expect(config.zdxBaseUrl).toBe('https://api.zdxbeta.net');
      expect(config.zcspmBaseUrl).toBe('http://127.0.0.1:4010');
    });
  });

  describe('accountMappings', () => {
    it('normalizes the object form, with a GUID or an object as value, to the array form', () => {
      const config = parseConfig({
        zcspmLicenseId: LICENSE_ID,
        accountMappings: { '111122223333': ZCSPM_A, '444455556666': { zcspmAccountId: ZCSPM_B, name: 'prod' } },
      });

      expect(config.accountMappings).toEqual([
        { awsAccountId: '111122223333', zcspmAccountId: ZCSPM_A },
        { awsAccountId: '444455556666', zcspmAccountId: ZCSPM_B, name: 'prod' },
      ]);
    });

    it('accepts the array form', () => {
      const config = parseConfig({
        zcspmLicenseId: LICENSE_ID,
        accountMappings: [{ awsAccountId: '111122223333', zcspmAccountId: ZCSPM_A, name: 'dev' }],
      });

      expect(config.accountMappings).toEqual([{ awsAccountId: '111122223333', zcspmAccountId: ZCSPM_A, name: 'dev' }]);
    });

    it('names the key of a malformed AWS account id', () => {
      expect(problems({ zcspmLicenseId: LICENSE_ID, accountMappings: { '1234': ZCSPM_A } })).toEqual([
        'zsa.accountMappings.1234: expected a 12-digit AWS account id',
      ]);
    });

    it('names the key of a malformed GUID', () => {
      expect(problems({ zcspmLicenseId: LICENSE_ID, accountMappings: { '111122223333': 'not-a-guid' } })).toEqual([
        'zsa.accountMappings.111122223333: expected a GUID like 00000000-0000-4000-8000-000000000001',
      ]);
    });

    it('names the entry of a malformed GUID in the array form and in the object value', () => {
      const arrayForm = { zcspmLicenseId: LICENSE_ID, accountMappings: [{ awsAccountId: '111122223333', zcspmAccountId: '1234-5678' }] };
      const objectValue = { zcspmLicenseId: LICENSE_ID, accountMappings: { '111122223333': { zcspmAccountId: 'zzzzzzzz-0000-4000-8000-000000000001' } } };

      expect(problems(arrayForm)).toEqual(['zsa.accountMappings.0.zcspmAccountId: expected a GUID like 00000000-0000-4000-8000-000000000001']);
      expect(problems(objectValue)).toEqual(['zsa.accountMappings.111122223333.zcspmAccountId: expected a GUID like 00000000-0000-4000-8000-000000000001']);
    });

    it('rejects the same AWS account twice in the array form', () => {
      const raw = {
        zcspmLicenseId: LICENSE_ID,
        accountMappings: [
          { awsAccountId: '111122223333', zcspmAccountId: ZCSPM_A },
          { awsAccountId: '111122223333', zcspmAccountId: ZCSPM_B },
        ],
      };

      expect(problems(raw)).toEqual([
        'zsa.accountMappings.1.awsAccountId: AWS account 111122223333 is mapped twice (also at index 0); each AWS account maps to exactly one ZCSPM cloud account',
      ]);
    });

    it('rejects the same ZCSPM account for two AWS accounts, whatever its letter case', () => {
      const raw = { zcspmLicenseId: LICENSE_ID, accountMappings: { '111122223333': ZCSPM_B, '444455556666': ZCSPM_B.toUpperCase() } };

      expect(problems(raw)).toEqual([
        `zsa.accountMappings.444455556666: ZCSPM account ${ZCSPM_B.toUpperCase()} is mapped twice (also at key 111122223333); a ZCSPM cloud account stands for exactly one AWS account`,
      ]);
    });

    it('says to quote an account id written as a number', () => {
      const raw = { zcspmLicenseId: LICENSE_ID, accountMappings: [{ awsAccountId: 111122223333, zcspmAccountId: ZCSPM_A }] };

      expect(problems(raw)).toEqual([
        'zsa.accountMappings.0.awsAccountId: expected a 12-digit AWS account id as a string (quote it: a number loses leading zeros)',
      ]);
    });

    it('rejects a value that is neither an object nor an array', () => {
      expect(problems({ zcspmLicenseId: LICENSE_ID, accountMappings: 'x' })).toEqual([
        'zsa.accountMappings: expected an object {"<AWS account id>": "<ZCSPM account GUID>"} or an array [{"awsAccountId", "zcspmAccountId", "name"?}]',
      ]);
    });
  });

  describe('rejections', () => {
    it.each([
      [{ zcspmLicenseId: 'abc' }, 'zsa.zcspmLicenseId: expected a GUID like 00000000-0000-4000-8000-000000000001'],
      [{ zdxBaseUrl: 'http://api.zdxcloud.net' }, 'zsa.zdxBaseUrl: expected an https URL (http is accepted only for 127.0.0.1/localhost, the simulator)'],
      [{ zcspmBaseUrl: 'https://api.cloudneeti.com/v1' }, 'zsa.zcspmBaseUrl: expected the host only (no path, query or credentials): the clients add /v1 or the API root themselves'],
      [{ zdxBaseUrl: 'api.zdxcloud.net' }, 'zsa.zdxBaseUrl: expected an absolute URL like https://api.example.net, received "api.zdxcloud.net"'],
      [{ organizationId: 'org-1' }, 'zsa.organizationId: expected an AWS Organizations id like o-a1b2c3d4e5'],
      [{ memberAccountIds: ['111122223333', '111122223333'] }, 'zsa.memberAccountIds.1: account "111122223333" is listed twice (also at index 0)'],
      [{ scan: { debounceSecond: 30 } }, 'zsa.scan.debounceSecond: unknown key: did you mean "debounceSeconds"?'],
      [{ scan: { triggerStatuses: [] } }, 'zsa.scan.triggerStatuses: expected at least one status'],
      [{ scan: { triggerStatuses: ['update_complete'] } }, 'zsa.scan.triggerStatuses.0: expected a CloudFormation status like UPDATE_COMPLETE'],
      [{ scan: { stackNameInclude: ['app stack'] } }, 'zsa.scan.stackNameInclude.0: expected a stack name pattern of letters, digits, "-", "*" and "?"'],
      [{ scan: { regions: ['Europe'] } }, 'zsa.scan.regions.0: expected an AWS Region code like eu-west-1'],
      [{ scan: { timeoutMinutes: 'long' } }, 'zsa.scan.timeoutMinutes: expected a number, received "long"'],
      [{ scan: { minPollIntervalSeconds: 300 } }, 'zsa.scan.minPollIntervalSeconds: must not exceed maxPollIntervalSeconds (120)'],
      [{ scan: { accounts: ['111122223333'] } }, 'zsa.scan.accounts.0: AWS account 111122223333 has no entry in zsa.accountMappings, so it cannot be scanned'],
      [{ diagnostics: { minSeverity: 'Critical' } }, 'zsa.diagnostics.minSeverity: expected one of "Low", "Medium", "High", received "Critical"'],
      [{ diagnostics: { sessionLengthMinutes: 10 } }, 'zsa.diagnostics.sessionLengthMinutes: expected one of 5, 15, 30, 60'],
      [{ diagnostics: { zdxRatePerSecond: 40 } }, 'zsa.diagnostics.zdxRatePerSecond: must not exceed zdxRatePerMinute (30)'],
      [{ diagnostics: { zdxRateTier: 5 } }, 'zsa.diagnostics.zdxRateTier: expected a ZDX licence tier: 1, 2, 3 or 4'],
      [{ diagnostics: { zdxRateTier: 4, zdxRatePerHour: 100 } }, 'zsa.diagnostics.zdxRatePerMinute: must not exceed zdxRatePerHour (100)'],
      [{ diagnostics: { zdxRateShare: 0 } }, 'zsa.diagnostics.zdxRateShare: must be more than 0'],
      [{ notifications: { sns: { emails: ['ops'] } } }, 'zsa.notifications.sns.emails.0: expected an email address'],
      [{ notifications: { slack: { kinds: ['alerts'] } } }, 'zsa.notifications.slack.kinds.0: expected one of "scan", "diagnostics", received "alerts"'],
      [{ notifications: { eventBridge: { busName: 'my bus' } } }, 'zsa.notifications.eventBridge.busName: expected an EventBridge bus name (letters, digits, . _ - /)'],
      [{ webhook: { throttle: { rate: 0 } } }, 'zsa.webhook.throttle.rate: must be at least 1'],
      [{ logRetentionDays: 31 }, 'zsa.logRetentionDays: expected a CloudWatch Logs retention period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
      [{ alarmEmail: 'oncall' }, 'zsa.alarmEmail: expected an email address'],
      [{ extra: true }, expect.stringMatching(/^zsa\.extra: unknown key \(the keys here are: zdxBaseUrl, .*zcspmLicenseId, accountMappings, /)],
    ])('rejects %j naming the key', (overrides, expected) => {
      const raw = { zcspmLicenseId: LICENSE_ID, ...overrides };

      const lines = problems(raw);

      expect(lines).toEqual([expected]);
    });

    it('says a missing license id is required', () => {
      expect(problems({})).toEqual(['zsa.zcspmLicenseId: is required']);
    });

    it('lists every problem at once', () => {
      const lines = problems({ zcspmLicenseId: 'x', logRetentionDays: 2, diagnostics: { probeDevice: 'yes' } });

      expect(lines).toHaveLength(3);
      expect(lines.every((line) => line.startsWith('zsa.'))).toBe(true);
    });

    it('reports cross-field problems in the same round as field problems', () => {
      const lines = problems({
        zcspmLicenseId: LICENSE_ID,
        accountMappings: [
          { awsAccountId: '111122223333', zcspmAccountId: ZCSPM_A },
          { awsAccountId: '444455556666', zcspmAccountId: ZCSPM_A },
        ],
        scan: { debounceSeconds: 'soon', minPollIntervalSeconds: 300, maxPollIntervalSeconds: 100 },
        diagnostics: { zdxRatePerSecond: 40 },
        webhook: { maxBodyBytes: 2048.5 },
      });

      expect(lines).toEqual([
        `zsa.accountMappings.1.zcspmAccountId: ZCSPM account ${ZCSPM_A} is mapped twice (also at index 0); a ZCSPM cloud account stands for exactly one AWS account`,
        'zsa.scan.debounceSeconds: expected a number, received "soon"',
        'zsa.scan.minPollIntervalSeconds: must not exceed maxPollIntervalSeconds (100)',
        'zsa.diagnostics.zdxRatePerSecond: must not exceed zdxRatePerMinute (30)',
        'zsa.webhook.maxBodyBytes: expected a whole number, received 2048.5',
      ]);
    });

    it('suggests the known key closest to a misspelled one', () => {
      expect(problems({ zcspmLicenseId: LICENSE_ID, diagnostics: { maxDevicePerAlert: 3 }, notifications: { slak: {} } })).toEqual([
        'zsa.diagnostics.maxDevicePerAlert: unknown key: did you mean "maxDevicesPerAlert"?',
        'zsa.notifications.slak: unknown key: did you mean "slack"?',
      ]);
    });

    it('words zod\'s generic problems in the project\'s voice', () => {
      const lines = problems({ zcspmLicenseId: LICENSE_ID, scan: { debounceSeconds: -1, benchmarks: 'CSBP' }, webhook: { maxBodyBytes: 10 ** 9 } });

      expect(lines).toEqual([
        'zsa.scan.debounceSeconds: must be at least 0',
        'zsa.scan.benchmarks: expected a list [...], received "CSBP"',
        'zsa.webhook.maxBodyBytes: must be at most 1048576',
      ]);
      expect(lines.join('\n')).not.toMatch(/Invalid input|Too small|Too big|Invalid option/);
    });

    it('raises a ConfigError whose first line names the context key', () => {
      expect(() => parseConfig({})).toThrow(new ConfigError('Invalid deployment configuration (cdk.json context "zsa"):\n  - zsa.zcspmLicenseId: is required'));
    });
  });
});

describe('loadConfig', () => {
  describe('from an App', () => {
    it('reads the zsa context object', () => {
      const app = new App({ context: { zsa: { zcspmLicenseId: LICENSE_ID, scan: { debounceSeconds: 5 } } } });

      const config = loadConfig(app);

      expect(config.scan.debounceSeconds).toBe(5);
    });

    it('parses zsa given as a JSON string, as `-c zsa=...` passes it', () => {
      const app = new App({ context: { zsa: JSON.stringify({ zcspmLicenseId: LICENSE_ID, logRetentionDays: 90 }) } });

      const config = loadConfig(app);

      expect(config.logRetentionDays).toBe(90);
    });

    it('layers zsaConfigFile over the zsa context', () => {
      const dir = mkdtempSync(join(tmpdir(), 'zsa-config-'));
      const file = join(dir, 'prod.json');
      writeFileSync(file, JSON.stringify({ scan: { regions: ['eu-west-1'] }, alarmEmail: 'oncall@example.com' }));
      const app = new App({ context: { zsa: { zcspmLicenseId: LICENSE_ID, scan: { debounceSeconds: 5 } }, zsaConfigFile: file } });

      const config = loadConfig(app);

      expect(config.scan.debounceSeconds).toBe(5);
      expect(config.scan.regions).toEqual(['eu-west-1']);
      expect(config.alarmEmail).toBe('oncall@example.com');
    });
  });

  describe('-c zsa on the command line', () => {
    it('merges onto the cdk.json of the working directory instead of replacing it, and names both in errors', () => {
      const dir = mkdtempSync(join(tmpdir(), 'zsa-cdk-json-'));
      writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ context: { zsa: { zcspmLicenseId: LICENSE_ID, scan: { debounceSeconds: 5 } } } }));
      const app = new App({ context: { zsa: JSON.stringify({ scan: { maxPollIntervalSeconds: 300 } }) } });
      const broken = new App({ context: { zsa: JSON.stringify({ scan: { debounceSecond: 1 } }) } });

      const config = loadConfig(app, { cwd: dir });

      expect(config.zcspmLicenseId).toBe(LICENSE_ID);
      expect(config.scan.debounceSeconds).toBe(5);
      expect(config.scan.maxPollIntervalSeconds).toBe(300);
      expect(() => loadConfig(broken, { cwd: dir })).toThrow(
        'Invalid deployment configuration (cdk.json context "zsa" + -c zsa=...):\n  - zsa.scan.debounceSecond: unknown key: did you mean "debounceSeconds"?',
      );
    });
  });

  describe('from raw context', () => {
    it('says which file it cannot read', () => {
      const missing = join(tmpdir(), 'zsa-no-such-config.json');

      expect(() => loadConfig({ zsa: { zcspmLicenseId: LICENSE_ID }, zsaConfigFile: missing })).toThrow(`zsaConfigFile: cannot read ${missing} (ENOENT)`);
    });

    it('says which file is not JSON', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'zsa-config-')), 'broken.json');
      writeFileSync(file, '{ nope');

      expect(() => loadConfig({ zsaConfigFile: file })).toThrow(/^zsaConfigFile: .*broken\.json is not valid JSON/);
    });

    it('rejects a zsa string that is not JSON', () => {
      expect(() => loadConfig({ zsa: '{zcspmLicenseId:' })).toThrow(/^zsa: not valid JSON/);
    });
  });
});

describe('configWarnings', () => {
  it('warns about the sandbox license id and empty account mappings, and about nothing in a real config', () => {
    const shipped = parseConfig({ zcspmLicenseId: PLACEHOLDER_LICENSE_ID });
    const real = parseConfig({ zcspmLicenseId: ZCSPM_B, accountMappings: { '111122223333': ZCSPM_A } });

    expect(configWarnings(shipped)).toEqual([
      `zsa.zcspmLicenseId is the sandbox placeholder ${PLACEHOLDER_LICENSE_ID}: set your ZCSPM license GUID before deploying`,
      'zsa.accountMappings is empty: every deployment will be reported as unmapped and none scanned ("npm run zsa -- accounts suggest" proposes mappings)',
    ]);
    expect(configWarnings(real)).toEqual([]);
  });
});

describe('mergeConfig', () => {
  it('merges objects key by key and replaces arrays and values', () => {
    const merged = mergeConfig({ a: 1, scan: { regions: ['us-east-1'], debounceSeconds: 60 } }, { scan: { regions: ['eu-west-1'] }, b: 2 });

    expect(merged).toEqual({ a: 1, b: 2, scan: { regions: ['eu-west-1'], debounceSeconds: 60 } });
  });
});

describe('zdx', () => {
  it('defaults to the legacy API key', () => {
    expect(parseConfig({ zcspmLicenseId: LICENSE_ID }).zdx).toEqual({ auth: 'api-key', oneApiBaseUrl: 'https://api.zsapi.net' });
  });

  it.each([
    [{ auth: 'oneapi' }, 'vanityDomain'],
    [{ auth: 'oneapi', vanityDomain: 'https://acme.zslogin.net' }, 'vanity domain label only'],
    [{ auth: 'oneapi', tokenUrl: 'http://acme.zslogin.net/oauth2/v1/token' }, 'expected an https URL'],
    [{ auth: 'oneapi', tokenUrl: 'https://acme.zslogin.net' }, 'expected the full token URL'],
    [{ auth: 'oauth' }, 'auth'],
  ])('rejects %j', (zdx, message) => {
    expect(problems({ zcspmLicenseId: LICENSE_ID, zdx }).join('\n')).toContain(message);
  });
});
