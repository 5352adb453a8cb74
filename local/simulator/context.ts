/**
 * What every route module shares: the live config, the seed, the clock, the counters and the
 * token store. One per running simulator.
 */
import type { SimulatorConfig } from './config.js';
import type { SimulatorCounters } from './recorder.js';
import type { TokenStore } from './tokens.js';

/** Injectable wall clock (epoch ms). */
export interface SimulatorClock {
  now(): number;
}

/** Shared by every route module of one simulator. */
export interface SimulatorContext {
  readonly config: SimulatorConfig;
  readonly seed: number;
  readonly clock: SimulatorClock;
  readonly counters: SimulatorCounters;
  readonly tokens: TokenStore;
}
