import { ConfigError } from '../../../../lambdas/core/errors.js';
import { DEFAULT_SCAN_SETTINGS, parseAccountMappings, parseScanSettings } from '../../../../lambdas/use-cases/scan/settings.js';

describe('parseScanSettings', () => {
  it('applies every default when SCAN_SETTINGS is absent', () => {
    const settings = parseScanSettings({});

    expect(settings).toEqual(DEFAULT_SCAN_SETTINGS);
    expect(settings.triggerStatuses).toEqual(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
    expect(settings.benchmarks).toEqual(['CSBP']);
  });

  it('fails with the variable name when the JSON is broken', () => {
    const parse = () => parseScanSettings({ SCAN_SETTINGS: '{' });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow('SCAN_SETTINGS is not valid JSON');
  });

  it('names each bad key', () => {
    const env = { SCAN_SETTINGS: JSON.stringify({ debounceSeconds: -1, polling: { minIntervalSeconds: 300, maxIntervalSeconds: 60 }, regions: ['Mars'] }) };

    expect(() => parseScanSettings(env)).toThrow(/SCAN_SETTINGS is invalid: .*regions\.0: must be an AWS Region.*debounceSeconds: .*polling\.minIntervalSeconds: minIntervalSeconds must not exceed maxIntervalSeconds/);
  });
});

describe('parseAccountMappings', () => {
  it('reads a mapping of account ids to GUIDs', () => {
    const env = { ACCOUNT_MAPPINGS: JSON.stringify({ '111122223333': '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f' }) };

    expect(parseAccountMappings(env)).toEqual({ '111122223333': '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f' });
    expect(parseAccountMappings({})).toEqual({});
  });

  it('names the bad entry', () => {
    const env = { ACCOUNT_MAPPINGS: JSON.stringify({ '111122223333': 'not-a-guid' }) };

    expect(() => parseAccountMappings(env)).toThrow('ACCOUNT_MAPPINGS is invalid: 111122223333: must be a ZCSPM cloud-account GUID');
  });
});
