/**
 * The one place that chooses the seed of every randomised test: the fast-check properties (through
 * test/helpers/fast-check-seed.ts, for every file) and the two fault campaigns.
 *
 * `npm test` uses fixed seeds, so a run is red only when the code changed, never on a random draw.
 * `npm run test:fuzz` (test/helpers/fuzz.ts) sets `ZSA_FUZZ_SEED` to a fresh base seed; each test
 * then derives its own seed from that base and its label, so one printed number replays the whole
 * fuzz run (`npm run test:fuzz -- --seed <base>`). A counterexample found that way is kept as a
 * fixed regression case next to the property that found it.
 */

import { hash32 } from '../../local/simulator/random.js';

/** The variable the fuzz runner sets; unset (or empty) in `npm test`. */
export const FUZZ_SEED_VARIABLE = 'ZSA_FUZZ_SEED';

/** Base of the fixed property seeds in `npm test`. */
const FIXED_PROPERTY_BASE = 20261122;

/** Seeds stay below 2^31 so fast-check, the campaigns' mulberry32 and log lines all take them as is. */
export const SEED_LIMIT = 0x7fffffff;

/** The fuzz run's base seed, or undefined in `npm test`. Throws on a value that is not a seed. */
export function fuzzBaseSeed(): number | undefined {
  const raw = process.env[FUZZ_SEED_VARIABLE];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > SEED_LIMIT) {
    throw new Error(`${FUZZ_SEED_VARIABLE} must be an integer from 1 to ${SEED_LIMIT} (got "${raw}")`);
  }
  return value;
}

/** A seed in [1, limit] derived from a base seed and a label (the simulator's FNV-1a over both, then folded). */
export function deriveSeed(base: number, label: string, limit = SEED_LIMIT): number {
  return (hash32(`${base}:${label}`) % limit) + 1;
}

/**
 * The seed of a randomised test: `fixed` in `npm test`, derived from the fuzz base seed under
 * `npm run test:fuzz`. `limit` bounds derived seeds for tests that build names from them.
 */
export function seedFor(label: string, fixed: number, limit = SEED_LIMIT): number {
  const base = fuzzBaseSeed();
  return base === undefined ? fixed : deriveSeed(base, label, limit);
}

/** The fast-check seed of one test file, labelled by its path relative to the project root. */
export function propertySeed(testFile: string): number {
  const label = `fast-check ${testFile}`;
  return seedFor(label, deriveSeed(FIXED_PROPERTY_BASE, label));
}

/** Fault campaign seeds stay small: run seeds become alert ids and stack names. */
const CAMPAIGN_SEED_LIMIT = 1_000_000;

/**
 * The first run seed of a fault campaign: `ZSA_FAULT_SEED` when set (a replay), else 1 in `npm
 * test` (the seed the campaign's figures are measured with), else derived from the fuzz base seed.
 */
export function campaignSeed(pipeline: 'scan' | 'diagnostics'): number {
  return positiveIntFromEnv('ZSA_FAULT_SEED') ?? seedFor(`fault campaign ${pipeline}`, 1, CAMPAIGN_SEED_LIMIT);
}

/** A positive integer from the environment variable `name`, or undefined when it is unset or empty. */
export function positiveIntFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return value;
}
