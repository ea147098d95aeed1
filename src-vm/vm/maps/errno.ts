// Linux errno values the map layer returns, as the kernel does: 0 for
// success, -errno for failure. Names and the strerror() texts bpftool prints,
// so kernel answers can be compared with ours. Pure data; imports nothing.

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const EOVERFLOW = 75;
export const EOPNOTSUPP = 95;
/** Kernel-internal "operation not supported" (user space sees "Unknown error 524"). */
export const ENOTSUPP = 524;

interface ErrnoInfo {
  errno: number;
  name: string;
  /** glibc's strerror() text, which bpftool prints after "update failed: " and the like. */
  text: string;
}

const ERRNOS: readonly ErrnoInfo[] = [
  { errno: EPERM, name: 'EPERM', text: 'Operation not permitted' },
  { errno: ENOENT, name: 'ENOENT', text: 'No such file or directory' },
  { errno: E2BIG, name: 'E2BIG', text: 'Argument list too long' },
  { errno: EBADF, name: 'EBADF', text: 'Bad file descriptor' },
  { errno: EAGAIN, name: 'EAGAIN', text: 'Resource temporarily unavailable' },
  { errno: ENOMEM, name: 'ENOMEM', text: 'Cannot allocate memory' },
  { errno: EFAULT, name: 'EFAULT', text: 'Bad address' },
  { errno: EBUSY, name: 'EBUSY', text: 'Device or resource busy' },
  { errno: EEXIST, name: 'EEXIST', text: 'File exists' },
  { errno: ENODEV, name: 'ENODEV', text: 'No such device' },
  { errno: EINVAL, name: 'EINVAL', text: 'Invalid argument' },
  { errno: ENOSPC, name: 'ENOSPC', text: 'No space left on device' },
  { errno: ERANGE, name: 'ERANGE', text: 'Numerical result out of range' },
  { errno: EOVERFLOW, name: 'EOVERFLOW', text: 'Value too large for defined data type' },
  { errno: EOPNOTSUPP, name: 'EOPNOTSUPP', text: 'Operation not supported' },
  { errno: ENOTSUPP, name: 'ENOTSUPP', text: 'Unknown error 524' },
];

/** `-2` or `2` → `ENOENT`; 0 → `OK`; an errno we do not list → `errno 123`. */
export function errnoName(code: number): string {
  if (code === 0) return 'OK';
  const errno = Math.abs(code);
  return ERRNOS.find((e) => e.errno === errno)?.name ?? `errno ${errno}`;
}

/** The errno whose strerror() text ends `message` (as bpftool prints it), or undefined. */
export function errnoFromText(message: string): number | undefined {
  return ERRNOS.find((e) => message.trimEnd().endsWith(e.text))?.errno;
}
