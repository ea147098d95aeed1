// A small seeded xorshift32 generator for deterministic fuzz and
// property tests (the same seed gives the same cases on every machine).

export class Rng {
  constructor(private s: number) {}
  next(): number {
    let x = this.s;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number { return this.next() % n; }
  chance(p: number): boolean { return this.next() / 0x100000000 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
}
