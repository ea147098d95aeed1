// The one error type of the remote test box: which step failed (connect,
// host key, authenticate, upload, load, run, attach…), why, the remote
// command's stderr when there was one, and what the user can do about it.
// Messages never contain passwords, passphrases or key material.

export type RemoteStep =
  | 'config' | 'connect' | 'host key' | 'authenticate' | 'quote' | 'exec' | 'preflight' | 'build' | 'upload'
  | 'load' | 'run' | 'attach' | 'detach' | 'unload' | 'list' | 'trace' | 'cleanup';

export class RemoteError extends Error {
  constructor(
    readonly step: RemoteStep,
    readonly reason: string,
    readonly stderr = '',
    readonly hint?: string,
  ) {
    super(formatRemoteError(step, reason, stderr, hint));
    this.name = 'RemoteError';
  }
}

function formatRemoteError(step: RemoteStep, reason: string, stderr: string, hint?: string): string {
  const lines = [`${step} failed: ${reason}`];
  const err = stderr.trim();
  if (err) lines.push(...err.split('\n').slice(-20).map((l) => `  remote: ${l}`));
  if (hint) lines.push(`  ${hint}`);
  return lines.join('\n');
}

/** Any thrown value as a RemoteError of `step` (RemoteErrors keep their own step). */
export function asRemoteError(step: RemoteStep, e: unknown): RemoteError {
  if (e instanceof RemoteError) return e;
  return new RemoteError(step, e instanceof Error ? e.message : String(e));
}
