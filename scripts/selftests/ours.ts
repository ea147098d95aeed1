// Child process of the selftests run: loads one compiled selftest object with
// our loader (CO-RE against /sys/kernel/btf/vmlinux) and verifies its
// programs from index FROM on with our verifier, printing one JSON line per
// program as soon as it is done, so the parent can kill a program that runs
// too long and resume after it. Usage: ours.ts OBJ FROM

import { readFileSync } from 'node:fs';
import { parseBtf } from '../../src-vm/elf/btf';
import { objectNameFromPath } from '../../src-vm/elf/globalData';
import { loadObject } from '../../src-vm/elf/loader';
import { targetsOfObject, verifyTarget } from '../../src-vm/verifyTargets';
import { readAnnotations, type TestAnnotations } from './annotations';

export type OursResult =
  | { kind: 'accept'; processed: number }
  | { kind: 'reject'; insn: number; message: string; processed: number }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'internal'; error: string }
  | { kind: 'timeout' };

/** One program of the object as our loader sees it, with its test annotations. */
export interface OursProgram {
  name: string;
  section: string;
  type?: string;
  /** libbpf's numeric program type and expected attach type, for the kernel side. */
  typeId: number;
  attachId: number;
  autoload: boolean;
  annotations: TestAnnotations;
}

/** The first line a child prints. */
export interface OursHeader { programs: OursProgram[]; loaderErrors: string[] }

/** One line per verified program. */
export interface OursLine { index: number; result: OursResult }

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function main(): void {
  const [path, fromArg] = process.argv.slice(2);
  const from = Number(fromArg ?? 0);
  const targetBtf = parseBtf(readFileSync('/sys/kernel/btf/vmlinux')).value;
  const loaded = loadObject(readFileSync(path), { name: objectNameFromPath(path), targetBtf });
  const obj = loaded.value;
  const annotations = obj.btf ? readAnnotations(obj.btf) : new Map<string, TestAnnotations>();
  const targets = targetsOfObject(obj);
  const none: TestAnnotations = { messages: [], flags: [], auxiliary: false, other: [] };
  const header: OursHeader = {
    programs: obj.programs.map((p) => ({ name: p.name, section: p.section, type: p.type, typeId: p.typeId, attachId: p.expectedAttachTypeId, autoload: p.autoload, annotations: annotations.get(p.name) ?? none })),
    loaderErrors: loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
  };
  console.log(JSON.stringify(header));
  for (let i = from; i < targets.length; i++) {
    let result: OursResult;
    try {
      const out = verifyTarget(targets[i]);
      if (out.kind === 'unsupported') result = { kind: 'unsupported', reason: `unsupported program type ${targets[i].type ?? '(none)'}` };
      else if (out.report.error) result = { kind: 'reject', insn: out.report.error.insnIdx, message: out.report.error.message, processed: out.report.processedInsns };
      else result = { kind: 'accept', processed: out.report.processedInsns };
    } catch (e) {
      result = { kind: 'internal', error: errorText(e) };
    }
    const line: OursLine = { index: i, result };
    console.log(JSON.stringify(line));
  }
}

main();
