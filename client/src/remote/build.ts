// Turns the file a user deploys into object bytes: `.c` through the same
// clang invocation as the CLI (injected, so the deploy core needs no process
// spawning of its own), eBPF assembly through our assembler and ELF writer,
// `.o` as it is. Also our own verifier's verdict on the same object, in the
// `verify --json` shape, to put next to the kernel's.

import { assembleSource, hasErrors, loadObject, objectNameFromPath, targetsOfObject, verifyJson, verifyTarget, writeElf, formatDiagnostic } from '../../../src-vm/index';
import type { VerifyJsonProgram } from '../../../src-vm/index';
import { RemoteError } from './errors';

export type CompileC = (path: string) => { bytes: Uint8Array } | { error: string };

export interface BuiltObject {
  bytes: Uint8Array;
  /** Object name libbpf derives from the file name (the default deployment name). */
  objectName: string;
  /** `<base>.o`: the name the object gets on the host. */
  fileName: string;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The object for `path`, whose contents are `source`. */
export function buildObject(path: string, source: Uint8Array, compileC: CompileC): BuiltObject {
  const base = baseName(path);
  const stem = base.replace(/\.(c|o|s|bpf\.s|ebpf|bpfasm)$/, '');
  const out = (bytes: Uint8Array): BuiltObject => ({ bytes, objectName: objectNameFromPath(path), fileName: `${stem}.o` });
  if (ELF_MAGIC.every((b, i) => source[i] === b)) return out(source);
  if (path.endsWith('.c')) {
    const compiled = compileC(path);
    if ('error' in compiled) throw new RemoteError('build', `${path}: ${compiled.error}`);
    return out(compiled.bytes);
  }
  const assembled = assembleSource(new TextDecoder('latin1').decode(source));
  if (hasErrors(assembled.diagnostics)) {
    const errors = assembled.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, path));
    throw new RemoteError('build', `${path}: assembly failed`, '', errors.join('\n  '));
  }
  return out(writeElf(assembled.value.object));
}

/** Our verifier on every program of the object, as `verify --json` prints them. */
export function ourVerdicts(obj: BuiltObject): VerifyJsonProgram[] {
  const loaded = loadObject(obj.bytes, { name: obj.objectName });
  const out: VerifyJsonProgram[] = [];
  for (const t of targetsOfObject(loaded.value)) {
    const outcome = verifyTarget(t, { logLevel: 0 });
    if (outcome.kind === 'verified') out.push(verifyJson(t, outcome));
  }
  return out;
}
