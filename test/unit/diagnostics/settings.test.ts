import { ConfigError } from '../../../lambdas/core/errors.js';
import {
  defaultDiagnosticsSettings,
  parseDiagnosticsSettings,
  passesSeverityFilter,
} from '../../../lambdas/diagnostics/settings.js';

describe('settings', () => {
  describe('parseDiagnosticsSettings', () => {
    it('applies every default when the variable is absent', () => {
      expect(parseDiagnosticsSettings({})).toEqual(defaultDiagnosticsSettings());
      expect(defaultDiagnosticsSettings()).toMatchObject({ sessionLengthMinutes: 5, perAlertDeviceCap: 15, tenantTraceSlots: 10, minSeverity: 'Low' });
    });

    it('names the variable and the bad key', () => {
      const parse = () => parseDiagnosticsSettings({ DIAGNOSTICS_SETTINGS: JSON.stringify({ sessionLengthMinutes: 7 }) });

      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow('DIAGNOSTICS_SETTINGS is invalid: sessionLengthMinutes: must be 5, 15, 30 or 60');
    });

    it('says when the variable is not JSON', () => {
      expect(() => parseDiagnosticsSettings({ DIAGNOSTICS_SETTINGS: '{' })).toThrow('DIAGNOSTICS_SETTINGS is not valid JSON');
    });
  });

  describe('passesSeverityFilter', () => {
    it('compares severities case-insensitively and lets unknown ones through', () => {
      expect(passesSeverityFilter('High', 'Medium')).toBe(true);
      expect(passesSeverityFilter('low', 'Medium')).toBe(false);
      expect(passesSeverityFilter('Critical', 'High')).toBe(true);
      expect(passesSeverityFilter(undefined, 'High')).toBe(true);
    });
  });
});
