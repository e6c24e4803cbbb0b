/**
 * The project's one seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128 bits of
 * state), with the state filled from a 32-bit seed by splitmix32. Fast, passes PractRand for far longer than any run here,
 * and fully deterministic: the same seed always yields the same stream.
 *
 * `fork(label)` derives an independent stream from the *seed* (not the current state) and a label, so one component drawing
 * more numbers never shifts what another component sees.
 */

const TWO_POW_32 = 4294967296;

/** Murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a seed and a label (FNV-1a over the UTF-16 code units, keyed and finalised by fmix32). */
function deriveSeed(seed: number, label: string): number {
  let h = fmix32(seed ^ 0x5bd1e995);
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return fmix32(h ^ label.length);
}

export class Prng {
  /** The 32-bit seed this stream was built from (forks derive theirs from it). */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`Prng seed must be an integer, got ${seed}`);
    }
    this.seed = seed >>> 0;
    // splitmix32: a Weyl sequence passed through a finaliser gives four well-mixed state words.
    let s = this.seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) | 0;
      words.push(fmix32(s));
    }
    this.a = words[0] ?? 0;
    this.b = words[1] ?? 0;
    this.c = words[2] ?? 0;
    this.d = words[3] ?? 1;
    // Let the chaotic part settle before the first output is used.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw 32-bit unsigned output. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in [lo, hiInclusive]; both bounds must be safe integers with lo <= hiInclusive. */
  int(lo: number, hiInclusive: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hiInclusive) || lo > hiInclusive) {
      throw new RangeError(`Prng.int needs safe integers lo <= hi, got [${lo}, ${hiInclusive}]`);
    }
    const span = hiInclusive - lo + 1;
    if (span <= TWO_POW_32) {
      return lo + Math.floor(this.next() * span);
    }
    // Wide ranges: 53 bits from two outputs.
    const fraction = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
    return lo + Math.floor(fraction * span);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('Prng.pick from an empty array');
    return xs[Math.floor(this.next() * xs.length)] as T;
  }

  /** One element, chosen with probability proportional to its weight (weights >= 0, at least one > 0). */
  weighted<T>(xs: readonly T[], weightOf: (x: T) => number): T {
    let total = 0;
    for (const x of xs) total += Math.max(0, weightOf(x));
    if (!(total > 0)) throw new RangeError('Prng.weighted needs at least one positive weight');
    let r = this.next() * total;
    let last: T | undefined;
    for (const x of xs) {
      const w = Math.max(0, weightOf(x));
      if (w === 0) continue;
      last = x;
      if (r < w) return x;
      r -= w;
    }
    return last as T;
  }

  /** True with probability p (p <= 0 never, p >= 1 always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = tmp;
    }
    return xs;
  }

  /** An independent stream determined only by this stream's seed and the label. */
  fork(label: string): Prng {
    return new Prng(deriveSeed(this.seed, label));
  }
}
