// Puts an object file on the box: a private directory made by `mktemp -d`
// (mode 0700), the bytes written by SFTP under a temporary name, renamed to
// the object's name only when complete. The directory is tracked by the
// session, so a connection that drops mid-upload gets it removed on the next
// connection; a completed deploy removes it itself.

import { randomBytes } from 'node:crypto';
import { RemoteError, asRemoteError } from './errors';
import type { RemoteSession } from './session';
import type { SFTPWrapper } from './sshLib';

const CHUNK = 32 * 1024;

export interface Upload {
  dir: string;
  /** Full remote path of the completed file. */
  path: string;
}

export interface UploadOptions {
  /** Called after each chunk with the bytes written so far. */
  onProgress?: (written: number, total: number) => void;
  /** Remote directory to make the private upload directory in (absolute); default $TMPDIR or /tmp. */
  workDir?: string;
}

/** A file name the remote side can hold: anything but `/`, NUL, `.` and `..`. */
export function checkRemoteFileName(name: string, what: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 200) {
    throw new RemoteError('config', `${what} ${JSON.stringify(name)} cannot be a file name on the host (no '/', NUL, '.', '..'; at most 200 bytes)`);
  }
  return name;
}

function sftpCall<T>(what: string, f: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, v) => (err ? reject(new RemoteError('upload', `${what}: ${err.message}`)) : resolve(v as T))));
}

async function writeAll(sftp: SFTPWrapper, path: string, bytes: Uint8Array, opts: UploadOptions): Promise<void> {
  const handle = await sftpCall<Buffer>(`open ${path}`, (cb) => sftp.open(path, 'wx', { mode: 0o600 }, cb));
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const chunk = Buffer.from(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)));
      await sftpCall<void>(`write ${path}`, (cb) => sftp.write(handle, chunk, 0, chunk.length, at, (e) => cb(e)));
      opts.onProgress?.(at + chunk.length, bytes.length);
    }
  } finally {
    await sftpCall<void>(`close ${path}`, (cb) => sftp.close(handle, (e) => cb(e))).catch(() => undefined);
  }
}

/** Uploads `bytes` as `fileName` into a fresh private directory on the box. */
export async function uploadFile(session: RemoteSession, bytes: Uint8Array, fileName: string, opts: UploadOptions = {}): Promise<Upload> {
  checkRemoteFileName(fileName, 'file name');
  const where = opts.workDir !== undefined ? ['-p', opts.workDir] : ['-t'];
  const made = await session.conn.run(['mktemp', '-d', ...where, 'ebpf-wb-upload.XXXXXXXXXX'], 'upload');
  const dir = made.stdout.toString('utf8').trim();
  if (!/^\/[^\n]*\/ebpf-wb-upload\.[A-Za-z0-9]+$/.test(dir)) throw new RemoteError('upload', `mktemp -d printed an unexpected path: ${JSON.stringify(dir)}`);
  session.trackUpload(dir);
  const partial = `${dir}/.partial-${randomBytes(6).toString('hex')}`;
  const path = `${dir}/${fileName}`;
  // SFTP requests in flight are not failed by ssh2 when the connection drops: race them against the drop.
  let unregister = (): void => undefined;
  const dropped = new Promise<never>((_, reject) => {
    unregister = session.conn.onDrop(() => reject(new RemoteError('upload', 'connection dropped')));
  });
  try {
    const transfer = (async () => {
      const sftp = await session.conn.sftp();
      await writeAll(sftp, partial, bytes, opts);
      await sftpCall<void>(`rename into place as ${path}`, (cb) => sftp.rename(partial, path, (e) => cb(e)));
    })();
    transfer.catch(() => undefined);
    await Promise.race([transfer, dropped]);
  } catch (e) {
    if (!session.conn.alive) {
      throw new RemoteError('upload', `the connection to ${session.label} dropped during the upload of ${fileName}; ` +
        `${dir} will be removed on the next connection`);
    }
    await session.removeUpload(dir).catch(() => undefined);
    throw asRemoteError('upload', e);
  } finally {
    unregister();
  }
  return { dir, path };
}
