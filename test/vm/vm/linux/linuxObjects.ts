// Test support: small LoadedObjects built from LLVM-dialect assembly, with
// map definitions and `lddw` map references patched in (`r1 = map:NAME ll`
// is written as `r1 = 0 ll ; map NAME` and rewritten here), so Linux runs can
// be tested without clang.

import assert from 'node:assert/strict';
import { assemble } from '../../../../src-vm/asm/assembler';
import type { LoadedObject, LoadedProgram, MapDef } from '../../../../src-vm/elf/loadedObject';
import type { ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import type { Insn } from '../../../../src-vm/isa/insn';

export interface MapSpec {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  initialValue?: Uint8Array;
  readOnly?: boolean;
}

function mapDef(m: MapSpec): MapDef {
  return {
    name: m.name, realName: m.name, kind: 'btf', type: m.type, typeId: 0, keySize: m.keySize, valueSize: m.valueSize,
    maxEntries: m.maxEntries, flags: m.flags ?? 0, numaNode: 0, sectionIndex: 0, sectionOffset: 0, keyTypeId: 0, valueTypeId: 0,
    initialValue: m.initialValue, readOnly: m.readOnly ?? false,
  };
}

/** Assembles `lines`; a line `rN = map NAME` becomes lddw rN with src=5 (map index), `rN = mapvalue NAME+OFF` src=6. */
export function program(name: string, type: ProgTypeName, lines: string[], maps: readonly MapSpec[] = []): LoadedProgram {
  const refs: { slot: number; src: number; map: number; off: number }[] = [];
  const text = lines.map((l) => {
    const m = /^\s*r(\d+) = (map|mapvalue) ([\w.]+)(?:\+(\d+))?\s*$/.exec(l);
    if (!m) return l;
    const map = maps.findIndex((x) => x.name === m[3]);
    assert.ok(map >= 0, `no map ${m[3]}`);
    refs.push({ slot: -1, src: m[2] === 'map' ? 5 : 6, map, off: Number(m[4] ?? 0) });
    return `r${m[1]} = 0x${(0xdead0000 + refs.length - 1).toString(16)} ll`;
  }).join('\n');
  const asm = assemble(text);
  assert.deepEqual(asm.diagnostics.filter((d) => d.severity === 'error'), []);
  const insns: Insn[] = asm.value.sections.find((s) => s.kind === 'code')!.insns.map((x) => ({ ...x }));
  insns.forEach((x, i) => {
    if (x.code !== 0x18 || (x.imm >>> 0) < 0xdead0000 || (x.imm >>> 0) > 0xdead00ff) return;
    const ref = refs[(x.imm >>> 0) - 0xdead0000];
    insns[i] = { ...x, src: ref.src, imm: ref.map };
    insns[i + 1] = { ...insns[i + 1], imm: ref.off };
  });
  return {
    name, section: type, sectionIndex: 1, sectionInsnOffset: 0, autoload: true, type, typeId: 0, expectedAttachTypeId: 0,
    insns, mapRefs: [], externRefs: [], subprograms: [], sources: [], funcInfo: [], lineInfo: [], coreRelos: [],
  };
}

export function objectOf(programs: LoadedProgram[], maps: readonly MapSpec[] = []): LoadedObject {
  return { name: 'test', programs, maps: maps.map(mapDef), externs: [], littleEndian: true };
}
