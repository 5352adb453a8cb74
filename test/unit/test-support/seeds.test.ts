import fc from 'fast-check';
import { campaignSeed, deriveSeed, FUZZ_SEED_VARIABLE, propertySeed, seedFor } from '../../helpers/seeds.js';

function withEnv<T>(values: Record<string, string | undefined>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  try {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    return run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('test seeds', () => {
  it('gives this file’s fast-check calls the file’s seed through the jest setup', () => {
    expect(fc.readConfigureGlobal().seed).toBe(propertySeed('test/unit/test-support/seeds.test.ts'));
  });

  it('uses the fixed seed without a fuzz base seed, and the same derived seed for the same base', () => {
    withEnv({ [FUZZ_SEED_VARIABLE]: undefined }, () => {
      expect(seedFor('a property', 42)).toBe(42);
    });
    withEnv({ [FUZZ_SEED_VARIABLE]: '123456789' }, () => {
      expect(seedFor('a property', 42)).toBe(deriveSeed(123456789, 'a property'));
      expect(seedFor('another property', 42)).not.toBe(seedFor('a property', 42));
    });
  });

  it('starts the campaigns at seed 1, at ZSA_FAULT_SEED when replaying, and at a small derived seed when fuzzing', () => {
    withEnv({ [FUZZ_SEED_VARIABLE]: undefined, ZSA_FAULT_SEED: undefined }, () => expect(campaignSeed('scan')).toBe(1));
    withEnv({ [FUZZ_SEED_VARIABLE]: '7', ZSA_FAULT_SEED: '31' }, () => expect(campaignSeed('scan')).toBe(31));
    withEnv({ [FUZZ_SEED_VARIABLE]: '7', ZSA_FAULT_SEED: undefined }, () => {
      const seed = campaignSeed('diagnostics');
      expect(seed).toBeGreaterThanOrEqual(1);
      expect(seed).toBeLessThanOrEqual(1_000_000);
      expect(seed).not.toBe(campaignSeed('scan'));
    });
  });

  it('derives seeds within [1, limit]', () => {
    for (let base = 1; base < 200; base += 1) {
      const seed = deriveSeed(base, 'x', 10);
      expect(seed).toBeGreaterThanOrEqual(1);
      expect(seed).toBeLessThanOrEqual(10);
    }
  });

  it('refuses a fuzz base seed that is not a seed', () => {
    withEnv({ [FUZZ_SEED_VARIABLE]: 'abc' }, () => expect(() => seedFor('x', 1)).toThrow(/ZSA_FUZZ_SEED must be an integer/));
  });
});
