// Test helper for the CO-RE unit suites: hand-built BTFs with the kinds
// CO-RE cares about (bitfield members, enums of both widths, forward
// declarations, floats), parsed into a Btf; and one relocation resolved
// against a target with a fresh session, returning libbpf's log; and a small
// hand-built "kernel" with the types the CO-RE fixtures name.

import assert from 'node:assert/strict';
import { parseBtf, type Btf } from '../../../src-vm/elf/btf';
import { CORE_RELO_KINDS, type CoreReloKindName } from '../../../src-vm/elf/btfCoreKinds';
import { CoreLog } from '../../../src-vm/elf/coreLog';
import { resolveRelo, type Resolution } from '../../../src-vm/elf/coreResolve';
import { BtfBuilder } from './btfBuild';

/** A member: name, type, bit offset and (for a bitfield) its width. */
export type MemberSpec = [name: string, type: number, bitOffset: number, bitfieldSize?: number];

export class CoreBtfBuilder extends BtfBuilder {
  private indexInt = 0;

  /** An INT with a given encoding bit offset (the deprecated bitfield-like ints). */
  intAt(name: string, size: number, signed: boolean, bitsOffset: number, bits = size * 8): number {
    return this.raw('INT', name, 0, false, size, [((signed ? 1 : 0) << 24) | (bitsOffset << 16) | bits]);
  }

  /** STRUCT/UNION; kind_flag is set when any member is a bitfield. */
  composite(name: string, size: number, members: MemberSpec[], kind: 'STRUCT' | 'UNION' = 'STRUCT'): number {
    const kflag = members.some((m) => (m[3] ?? 0) > 0);
    const words = members.flatMap(([n, type, off, bits]) => [n ? this.strings.add(n) : 0, type, kflag ? ((bits ?? 0) << 24) | off : off]);
    return this.raw(kind, name, members.length, kflag, size, words);
  }

  enum32(name: string, values: [string, number][], signed = false, size = 4): number {
    return this.raw('ENUM', name, values.length, signed, size, values.flatMap(([n, v]) => [this.strings.add(n), v >>> 0]));
  }

  enum64(name: string, values: [string, bigint][], signed = false, size = 8): number {
    const words = values.flatMap(([n, v]) => {
      const u = BigInt.asUintN(64, v);
      return [this.strings.add(n), Number(u & 0xffffffffn), Number(u >> 32n)];
    });
    return this.raw('ENUM64', name, values.length, signed, size, words);
  }

  fwd(name: string, union = false): number {
    return this.raw('FWD', name, 0, union, 0);
  }

  float(name: string, size: number): number {
    return this.raw('FLOAT', name, 0, false, size);
  }

  /** An array of `nelems` elements of `elem`, indexed by a shared `unsigned int`. */
  arrayOf(elem: number, nelems: number): number {
    this.indexInt ||= this.int('__ARRAY_SIZE_TYPE__', 4, false);
    return this.array(elem, this.indexInt, nelems);
  }

  /** The parsed BTF; the builder must have produced valid BTF unless `hostile`. */
  btf(hostile = false): Btf {
    const parsed = parseBtf(this.bytes());
    if (!hostile) assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], 'hand-built BTF is valid');
    return parsed.value;
  }
}

export interface Resolved {
  result: Resolution | number;
  log: string[];
  warnings: string[];
}

/** Kind number by libbpf's name. */
export function kindOf(name: CoreReloKindName): number {
  return CORE_RELO_KINDS.findIndex((k) => k.name === name);
}

/** Resolves one relocation of local type `typeId` against `target` (program 'p', relo #0, insn 0). */
export function resolveOne(local: Btf, target: Btf, typeId: number, accessString: string, kind: CoreReloKindName): Resolved {
  const log = new CoreLog();
  const session = { localBtf: local, target, targetName: 'vmlinux', log, candidates: new Map() };
  const result = resolveRelo(session, { progName: 'p', reloIdx: 0, typeId, accessString, kind: kindOf(kind), sectionInsnIdx: 0 });
  return { result, log: log.lines, warnings: log.warnings };
}

/** The resolution of a relocation that libbpf resolves (not an errno). */
export function resolved(r: Resolved): Resolution {
  assert.ok(typeof r.result !== 'number', `expected a resolution, got errno ${String(r.result)}:\n${r.log.join('\n')}`);
  return r.result;
}

export interface FakeKernel {
  btf: Btf;
  /** The BTF's bytes (for mutation). */
  bytes: Uint8Array;
  taskStruct: number;
}

/** A "kernel" with the types the fixtures name, laid out differently from the fixtures' local types. */
export function fakeKernel(opts: { twoSyscallTps?: boolean } = {}): FakeKernel {
  const b = new CoreBtfBuilder();
  const int = b.int('int');
  const uint = b.int('unsigned int', 4, false);
  const long = b.int('long', 8);
  const ulong = b.int('unsigned long', 8, false);
  const taskStruct = b.nextId + 1;
  const taskPtr = b.ref('PTR', taskStruct);
  b.composite('task_struct', 24, [['__state', uint, 0], ['pid', int, 32], ['tgid', int, 64], ['real_parent', taskPtr, 128]]);
  const listHead = b.nextId + 1;
  const listPtr = b.ref('PTR', listHead);
  b.composite('list_head', 16, [['next', listPtr, 0], ['prev', listPtr, 64]]);
  b.enum32('bpf_func_id', [['BPF_FUNC_unspec', 0], ['BPF_FUNC_ringbuf_output', 130]]);
  const iter = b.composite('', 8, [['x', uint, 0], ['depth', int, 34, 30]]);
  const anon = b.composite('', 8, [['iter', iter, 0]], 'UNION');
  b.composite('bpf_reg_state', 16, [['type', int, 0], ['', anon, 64]]);
  const entry = b.composite('trace_entry', 8, [['type', b.int('unsigned short', 2, false), 0], ['pid', int, 32]]);
  b.composite('trace_event_raw_sys_enter', 64, [['ent', entry, 0], ['id', long, 64], ['args', b.arrayOf(ulong, 6), 128]]);
  b.composite('syscall_tp_t', 24, [['ent', entry, 0], ['syscall_nr', int, 64], ['ret', ulong, 128]]);
  if (opts.twoSyscallTps !== false) b.composite('syscall_tp_t', 64, [['ent', entry, 0], ['syscall_nr', int, 64], ['args', b.arrayOf(ulong, 6), 128]]);
  return { btf: b.btf(), bytes: b.bytes(), taskStruct };
}
