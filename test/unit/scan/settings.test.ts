import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { defaultScanSettings, parseAccountMappings, parseScanSettings } from '../../../lambdas/scan/settings.js';

const GUID_A = '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f';
const GUID_B = '0a1b2c3d-0000-4000-8000-000000000002';

/** A fresh directory standing in for LAMBDA_TASK_ROOT, with `files` written into it. */
function taskRoot(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'zsa-task-root-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('parseScanSettings', () => {
  it('applies every default when SCAN_SETTINGS is absent', () => {
    const settings = parseScanSettings({});

    expect(settings).toEqual(defaultScanSettings());
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

  it('reads the bundled file in Lambda, and prefers it to the variable', () => {
    const root = taskRoot({ 'account-mappings.json': JSON.stringify({ '111122223333': GUID_A, '444455556666': GUID_B }) });
    const env = { LAMBDA_TASK_ROOT: root, ACCOUNT_MAPPINGS_FILE: 'account-mappings.json', ACCOUNT_MAPPINGS: JSON.stringify({ '999999999999': GUID_A }) };

    const mappings = parseAccountMappings(env);

    expect(mappings).toEqual({ '111122223333': GUID_A, '444455556666': GUID_B });
  });

  it('reads 1,000 mappings from the file', () => {
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [String(100000000000 + index), `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`]));
    const root = taskRoot({ 'account-mappings.json': JSON.stringify(many) });

    const mappings = parseAccountMappings({ LAMBDA_TASK_ROOT: root, ACCOUNT_MAPPINGS_FILE: 'account-mappings.json' });

    expect(Object.keys(mappings)).toHaveLength(1000);
    expect(mappings['100000000999']).toBe('00000000-0000-4000-8000-000000000999');
  });

  it('falls back to the variable outside Lambda (no LAMBDA_TASK_ROOT), as local runs do', () => {
    const env = { ACCOUNT_MAPPINGS_FILE: 'account-mappings.json', ACCOUNT_MAPPINGS: JSON.stringify({ '111122223333': GUID_A }) };

    const mappings = parseAccountMappings(env, () => {
      throw new Error('must not read a file outside Lambda');
    });

    expect(mappings).toEqual({ '111122223333': GUID_A });
  });

  it('falls back to the variable when no file is named', () => {
    const env = { LAMBDA_TASK_ROOT: taskRoot(), ACCOUNT_MAPPINGS: JSON.stringify({ '111122223333': GUID_A }) };

    expect(parseAccountMappings(env)).toEqual({ '111122223333': GUID_A });
  });

  it('fails when the named file is missing from the bundle, instead of treating every account as unmapped', () => {
    const root = taskRoot();

    const parse = () => parseAccountMappings({ LAMBDA_TASK_ROOT: root, ACCOUNT_MAPPINGS_FILE: 'account-mappings.json' });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(`ACCOUNT_MAPPINGS_FILE names account-mappings.json, but ${join(root, 'account-mappings.json')} does not exist`);
  });

  it('fails on a file-only configuration outside Lambda', () => {
    expect(() => parseAccountMappings({ ACCOUNT_MAPPINGS_FILE: 'account-mappings.json' })).toThrow(/set ACCOUNT_MAPPINGS for local runs/);
  });

  it('names the file when its content is invalid', () => {
    const root = taskRoot({ 'account-mappings.json': JSON.stringify({ '111122223333': 'not-a-guid' }), 'broken.json': '{' });

    expect(() => parseAccountMappings({ LAMBDA_TASK_ROOT: root, ACCOUNT_MAPPINGS_FILE: 'account-mappings.json' })).toThrow(
      'ACCOUNT_MAPPINGS_FILE (account-mappings.json) is invalid: 111122223333: must be a ZCSPM cloud-account GUID',
    );
    expect(() => parseAccountMappings({ LAMBDA_TASK_ROOT: root, ACCOUNT_MAPPINGS_FILE: 'broken.json' })).toThrow('ACCOUNT_MAPPINGS_FILE (broken.json) is not valid JSON');
  });
});
