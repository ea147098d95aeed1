// The two ways verification stops, never mixed: the program is rejected
// (`VerifierError`, a value returned through the checks, carrying the kernel's
// message lines and the instruction), or the verifier itself is broken
// (`InternalError`, thrown, like the kernel's verifier_bug()). Imports nothing.

/** A rejection: the kernel's first message line and the lines it prints after it. */
export class VerifierError {
  constructor(
    readonly insnIdx: number,
    /** Short stable category, e.g. 'pkt-access', 'stack-read', 'ptr-arith'. */
    readonly code: string,
    readonly message: string,
    /** Further lines the kernel prints after the message (e.g. "R1 offset is outside of the packet"). */
    readonly trail: readonly string[] = [],
  ) {}
}

/** A broken invariant inside the verifier: a bug in us, never the program's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`verifier internal error: ${message}`);
    this.name = 'InternalError';
  }
}

/** A check either passes (undefined) or rejects the program. */
export type CheckResult = VerifierError | undefined;

export function reject(insnIdx: number, code: string, message: string, ...trail: string[]): VerifierError {
  return new VerifierError(insnIdx, code, message, trail);
}
