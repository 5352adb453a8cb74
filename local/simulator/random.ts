/**
 * Deterministic randomness for the simulator: every generated value derives from the seed, so a
 * seed printed by a failing test replays the same data, scan drift and fault sequence.
 */
import { createHash } from 'node:crypto';

/** 32-bit string hash (FNV-1a); stable across runs and platforms. */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32: a small seeded PRNG whose every call returns the next uniform float in [0, 1). The one
 * generator of the simulator, the fault campaigns and the benchmarks, so a printed seed replays anywhere.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A {@link mulberry32} seeded from a hash of the parts, with the helpers the data builders need. */
export class Rng {
  readonly #next: () => number;

  constructor(...seedParts: ReadonlyArray<string | number>) {
    this.#next = mulberry32(hash32(...seedParts) || 1);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Rng.pick needs a non-empty list');
    return item;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

/** A GUID (version-4 layout) derived from the parts, e.g. for ZCSPM account and job ids. */
export function seededGuid(...parts: ReadonlyArray<string | number>): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
