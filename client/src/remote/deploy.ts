// Deploy: upload an object and load it with `bpftool -d prog loadall`, its
// programs pinned under /sys/fs/bpf/ebpf-workbench/<name>/prog/ and its maps
// under …/<name>/map/, capturing the kernel's verifier log and reading it back
// (src-vm/kernelLog). A rejected object leaves nothing pinned; the upload
// directory is removed either way.

import { parseKernelLoadLog, type KernelLoadLog } from '../../../src-vm/index';
import { RemoteError } from './errors';
import type { RemoteSession } from './session';
import { checkRemoteFileName, uploadFile, type UploadOptions } from './upload';

export const PIN_ROOT = '/sys/fs/bpf/ebpf-workbench';

/** A deployment name bpffs accepts: a file name without '.' (bpffs refuses dots in names it did not make). */
export function checkDeploymentName(name: string): string {
  checkRemoteFileName(name, 'deployment name');
  if (name.includes('.')) throw new RemoteError('config', `deployment name ${JSON.stringify(name)} contains '.', which /sys/fs/bpf does not allow`, '', 'choose another with --name');
  return name;
}

export function deploymentDir(name: string): string {
  return `${PIN_ROOT}/${checkDeploymentName(name)}`;
}

export const progDir = (name: string): string => `${deploymentDir(name)}/prog`;
export const mapDir = (name: string): string => `${deploymentDir(name)}/map`;

export interface DeployRequest {
  bytes: Uint8Array;
  /** Name of the object file on the host. */
  fileName: string;
  /** Deployment name: the directory under PIN_ROOT. */
  name: string;
}

export interface DeployResult {
  name: string;
  /** Whether bpftool loaded and pinned the object. */
  loaded: boolean;
  /** bpftool's whole output: libbpf's messages and the verifier logs. */
  output: string;
  kernel: KernelLoadLog;
  /** Kernel release, for labelling the verdict. */
  release: string;
}

async function exists(session: RemoteSession, path: string): Promise<boolean> {
  const r = await session.conn.exec(session.root(['test', '-e', path]), 'load');
  return r.code === 0;
}

/** Uploads, loads and pins; the kernel's verdict comes back parsed. */
export async function deploy(session: RemoteSession, req: DeployRequest, opts: UploadOptions = {}): Promise<DeployResult> {
  const bpftool = await session.bpftool();
  const dir = deploymentDir(req.name);
  if (await exists(session, dir)) {
    throw new RemoteError('load', `${req.name} is already loaded on ${session.label} (${dir})`, '', `unload it first: remote HOST unload ${JSON.stringify(req.name)}`);
  }
  const upload = await uploadFile(session, req.bytes, req.fileName, opts);
  try {
    await session.conn.run(session.root(['mkdir', '-p', '--', dir]), 'load');
    const r = await session.conn.exec(session.root([bpftool, '-d', 'prog', 'loadall', upload.path, progDir(req.name), 'pinmaps', mapDir(req.name)]), 'load');
    const output = r.stdout.toString('utf8') + r.stderr;
    const loaded = r.code === 0;
    if (!loaded) {
      await session.conn.exec(session.root(['rm', '-rf', '--', dir]), 'load');
      await session.conn.exec(session.root(['rmdir', '--', PIN_ROOT]), 'load'); // only when nothing else is deployed
    }
    const release = (await session.preflight()).release;
    return { name: req.name, loaded, output, kernel: parseKernelLoadLog(output), release };
  } finally {
    await session.removeUpload(upload.dir).catch(() => undefined);
  }
}
