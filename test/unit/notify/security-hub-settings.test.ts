import { ConfigError } from '../../../lambdas/core/errors.js';
import { createNotifiers } from '../../../lambdas/notify/create-notifiers.js';
import { InMemoryDeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import { parseNotificationSettings, parseSecurityHubSettings, selectChannels } from '../../../lambdas/notify/settings.js';
import { silentLog } from '../../../lambdas/core/ports.js';
import { failureReport, scanReport, typicalDiagnosticsReport } from '../../fixtures/reports/factories.js';

const VALID = JSON.stringify({ enabled: true, regions: ['eu-west-1'], centralAccountId: '111122223333' });

describe('parseSecurityHubSettings', () => {
  it('reads the channel with its defaults, and nothing when the variable is absent', () => {
    expect(parseSecurityHubSettings(VALID)).toEqual({
      enabled: true,
      kinds: ['scan'],
      minSeverity: 'info',
      scan: {},
      regions: ['eu-west-1'],
      centralAccountId: '111122223333',
      partition: 'aws',
    });
    expect(parseSecurityHubSettings(undefined)).toBeUndefined();
    expect(parseSecurityHubSettings('')).toBeUndefined();
  });

  it('names the variable and the key that is wrong', () => {
    expect(() => parseSecurityHubSettings(JSON.stringify({ regions: ['Ireland'], centralAccountId: '1' }))).toThrow(ConfigError);
    expect(() => parseSecurityHubSettings(JSON.stringify({ regions: ['Ireland'], centralAccountId: '1' }))).toThrow(/SECURITY_HUB_SETTINGS.*regions/s);
  });
});

describe('selectChannels with Security Hub', () => {
  it('routes scans (and failures, which the channel ignores) to Security Hub, never diagnostics', () => {
    const settings = { ...parseNotificationSettings(undefined), securityHub: parseSecurityHubSettings(VALID) };

    expect(selectChannels(settings, scanReport())).toEqual(['securityHub', 'log']);
    expect(selectChannels(settings, typicalDiagnosticsReport())).toEqual(['log']);
    expect(selectChannels(settings, failureReport())).toEqual(['securityHub', 'log']);
  });
});

describe('createNotifiers', () => {
  it('refuses an enabled Security Hub channel without clients and a findings source', () => {
    const settings = { ...parseNotificationSettings(undefined), securityHub: parseSecurityHubSettings(VALID) };

    expect(() => createNotifiers(settings, { ledger: new InMemoryDeliveryLedger(), log: silentLog })).toThrow(/securityHub is enabled/);
  });
});
