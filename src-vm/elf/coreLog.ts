// What the CO-RE pass shares between its stages: libbpf's log (its debug and
// warning lines, in the order libbpf prints them, without the `libbpf: `
// prefix), the errno values libbpf's CO-RE code returns (as negative
// numbers, the way its messages print them), and a step budget so a hostile
// BTF cannot make matching take forever. Pure; imports nothing.

/** The errno values CO-RE relocation returns; results are their negatives, as in libbpf. */
export const ERRNO = {
  E2BIG: 7,
  EINVAL: 22,
  ERANGE: 34,
  EOPNOTSUPP: 95,
  EUCLEAN: 117,
} as const;

/** A match or compatibility answer as libbpf gives it: 1 yes, 0 no, a negative errno on error. */
export type Tri = number;

/**
 * Type visits one relocation's matching may make. libbpf has no such limit;
 * real kernels need a few thousand at most, hostile nesting would need 2^64.
 */
export const MATCH_STEP_BUDGET = 1_000_000;

export class CoreLog {
  /** Every line, debug and warning, in order. */
  readonly lines: string[] = [];
  /** The warning lines only (libbpf's pr_warn). */
  readonly warnings: string[] = [];
  private steps = 0;

  debug(line: string): void {
    this.lines.push(line);
  }

  warn(line: string): void {
    this.lines.push(line);
    this.warnings.push(line);
  }

  /** Starts a fresh step budget (one per relocation). */
  resetSteps(): void {
    this.steps = 0;
  }

  /** Counts one step; false once the budget is spent. */
  step(): boolean {
    return ++this.steps <= MATCH_STEP_BUDGET;
  }
}

/** C's `%u` of a 32-bit int: its unsigned value. */
export function u32(n: number): number {
  return n >>> 0;
}

/** A C integer converted to `__u64`: two's complement in 64 bits. */
export function u64(n: number | bigint): bigint {
  return BigInt.asUintN(64, typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));
}
