import fc from 'fast-check';
import { ConfigError } from '../../lambdas/core/errors.js';
import { parseConfig } from '../../lib/settings/load.js';

const RUNS = 10_000;

const VALID = {
  zcspmLicenseId: '00000000-0000-4000-8000-000000000001',
  zdxBaseUrl: 'https://api.zdxcloud.net',
  accountMappings: { '111122223333': '11111111-2222-4333-8444-555555555555' },
  scan: { accounts: ['111122223333'] },
  diagnostics: {},
  notifications: { environment: 'prod', slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: false } },
  webhook: {},
  logRetentionDays: 30,
} as const;

const TOP_KEYS = [
  'zdxBaseUrl',
  'zcspmBaseUrl',
  'zcspmLicenseId',
  'accountMappings',
  'organizationId',
  'memberAccountIds',
  'scan',
  'diagnostics',
  'notifications',
  'webhook',
  'logRetentionDays',
  'alarmEmail',
  'unknownKey',
] as const;

const hostile = fc.oneof(
  fc.anything(),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.nat(3_000).map((length) => 'x'.repeat(length)),
  fc.constantFrom('', 'http://insecure.example', 'https://', 'o-short', '111122223333', -1, 0, 1e308, Number.NaN, null, [], {}),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.anything(), { maxKeys: 4 }),
);

/** A valid configuration with up to three top-level keys replaced or removed. */
const mutated = fc
  .array(fc.record({ key: fc.constantFrom(...TOP_KEYS), value: hostile, remove: fc.boolean() }), { minLength: 1, maxLength: 3 })
  .map((changes) => {
    const config: Record<string, unknown> = structuredClone(VALID) as unknown as Record<string, unknown>;
    for (const change of changes) {
      if (change.remove) delete config[change.key];
      else config[change.key] = change.value;
    }
    return config;
  });

/** Nested keys replaced: each rejection must still name the full key. */
const nestedMutated = fc
  .record({
    section: fc.constantFrom('scan', 'diagnostics', 'notifications', 'webhook'),
    key: fc.oneof(fc.constantFrom('debounceSeconds', 'minSeverity', 'slack', 'sns', 'rateLimitPerSecond', 'includeStacks', 'enabled', 'sessionLengthMinutes'), fc.string({ maxLength: 10 })),
    value: hostile,
  })
  .map(({ section, key, value }) => {
    const config = structuredClone(VALID) as unknown as Record<string, Record<string, unknown>>;
    config[section] = { ...(config[section] ?? {}), [key]: value };
    return config;
  });

describe('deployment configuration (property)', () => {
  describe('parseConfig', () => {
    it('accepts the valid base configuration', () => {
      expect(parseConfig(VALID).zcspmLicenseId).toBe(VALID.zcspmLicenseId);
    });

    it(`never crashes: every input parses or is rejected with a ConfigError naming each bad key (${RUNS} generated configurations)`, () => {
      fc.assert(
        fc.property(fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 3, arbitrary: mutated }, { weight: 3, arbitrary: nestedMutated }), (input) => {
          let caught: unknown;
          try {
            parseConfig(input);
          } catch (error) {
            caught = error;
          }

          if (caught === undefined) return;
          expect(caught).toBeInstanceOf(ConfigError);
          const [headline, ...lines] = (caught as ConfigError).message.split('\n');
          expect(headline).toContain('Invalid deployment configuration');
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(line).toMatch(/^ {2}- zsa(\..*)?: \S/);
        }),
        { numRuns: RUNS },
      );
    });

    it(`names the replaced top-level key when one key of a valid configuration is wrong (${RUNS} generated configurations)`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...TOP_KEYS.filter((key) => key !== 'scan' && key !== 'accountMappings')), hostile, (key, value) => {
          let caught: unknown;
          try {
            parseConfig({ ...structuredClone(VALID), [key]: value });
          } catch (error) {
            caught = error;
          }

          if (caught === undefined) return;
          expect((caught as Error).message).toContain(`zsa.${key}`);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
