// The bounds the kernel gives some helpers' integer results
// (do_refine_retval_range): helpers that copy at most `size` bytes (stacks,
// probe_read_*_str) return at most the size argument's largest value, or an
// error no lower than -MAX_ERRNO. Pure; works on a scalar's bounds.

import { boundsSync, scalarCopy, scalarFromBig, scalarToBig, type Scalar } from './bounds';

const MAX_ERRNO = 4095n;

/** Helpers whose result is bounded by their size argument (meta->msize_max_value). */
const BOUNDED_BY_SIZE: ReadonlySet<string> = new Set(['get_stack', 'get_task_stack', 'probe_read_str', 'probe_read_kernel_str', 'probe_read_user_str']);

/** Narrows the unknown result `r0` of `helper` whose size argument was at most `sizeMax` (its umax). */
export function refineHelperResult(helper: string, r0: Scalar, sizeMax: bigint): void {
  if (!BOUNDED_BY_SIZE.has(helper)) return;
  const b = scalarToBig(r0);
  b.smax = BigInt.asIntN(64, sizeMax);
  b.s32Max = Number(BigInt.asIntN(32, sizeMax));
  b.smin = -MAX_ERRNO;
  b.s32Min = -Number(MAX_ERRNO);
  scalarCopy(r0, scalarFromBig(b));
  boundsSync(r0);
}
