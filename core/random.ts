import seedrandom from 'seedrandom';
import { ValueError } from './errors.ts';

/**
 * A seeded source of random numbers. Every random draw in normgrad (rand, randn,
 * init, dropout masks, DataLoader shuffles) comes from one of these, so a seed
 * reproduces a run bit for bit. Uses seedrandom's Alea generator (fast, 32-bit
 * state, good statistical quality).
 */
export class Generator {
  private prng: seedrandom.PRNG;
  private spare: number | null = null;
  private seed: number;

  constructor(seed = 0) {
    this.seed = checkSeed('Generator', seed);
    this.prng = seedrandom.alea(String(seed));
  }

  /** Re-seeds the generator, as `torch.Generator.manual_seed`. */
  manualSeed(seed: number): this {
    this.seed = checkSeed('manualSeed', seed);
    this.prng = seedrandom.alea(String(seed));
    this.spare = null;
    return this;
  }

  /** The seed this generator was created or last seeded with, as `Generator.initial_seed()`. */
  initialSeed(): number {
    return this.seed;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    return this.prng.double();
  }

  /** Standard normal by the Marsaglia polar method; pairs are cached so each draw costs one call on average. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.prng.double() - 1;
      v = 2 * this.prng.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** Integer uniform in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.prng.double() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher-Yates), as `torch.randperm`. */
  randperm(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

/** Seeds are finite numbers (NaN or Infinity would silently seed one fixed stream). */
function checkSeed(who: string, seed: number): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ValueError(`${who}: seed must be a finite number, got ${String(seed)}`);
  }
  return seed;
}

/**
 * The default generator. It starts from seed 0, so a program is reproducible
 * even before it calls `manualSeed`; call `manualSeed` to choose another stream.
 */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator, as `torch.manual_seed`. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
