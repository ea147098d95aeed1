// What loading an object yields, as plain data: its entry programs with their
// instructions after libbpf's relocation and subprogram linking, the maps
// (BTF-defined, legacy, global data, .kconfig), externs, license and version,
// and per-slot records saying which map or extern each instruction names and
// where each slot came from. Every `insnIdx` is a slot of the program's final
// instructions. Types only; imports only other types.

import type { Insn } from '../isa/insn';
import type { AttachTypeName, ProgTypeName } from './bpfEnums';
import type { Btf } from './btf';
import type { BtfExt } from './btfExt';
import type { LineRecord } from './lineTable';
import type { SectionFlags } from './sectionRules';

/** Where a final instruction slot came from in the object. */
export interface SourceSlot {
  sectionIndex: number;
  /** The section name as written (`?` included). */
  section: string;
  /** Slot within that section (byte offset / 8). */
  insnOffset: number;
  /** The function (entry program or subprogram) the slot belongs to. */
  function: string;
}

/**
 * A run of final slots copied from one function of the object: slots
 * `[startSlot, startSlot + insnCount)` come from `section` starting at slot
 * `insnOffset`. One per placed function; `sourceSlotOf` looks a slot up.
 */
export interface SourceRange {
  startSlot: number;
  insnCount: number;
  sectionIndex: number;
  section: string;
  insnOffset: number;
  function: string;
}

/**
 * An `ld_imm64` that names a map. The instruction is rewritten as libbpf's
 * fd-less (gen_loader) form: src = BPF_PSEUDO_MAP_IDX (5) with imm = map index
 * for `kind: 'map'`, src = BPF_PSEUDO_MAP_IDX_VALUE (6) with imm = map index
 * and the second slot's imm = offset for `kind: 'value'` (global data, .kconfig).
 */
export type MapRef =
  | { insnIdx: number; kind: 'map'; mapIndex: number }
  | { insnIdx: number; kind: 'value'; mapIndex: number; offset: number };

/** An instruction naming an extern: an `ld_imm64` of a ksym, or a kfunc call (recorded, not resolved). */
export interface ExternRef {
  insnIdx: number;
  externIndex: number;
  kind: 'ld64' | 'call';
}

/** A BTF.ext func_info record at its final slot: where a function starts and its BTF FUNC. */
export interface SlotFuncInfo {
  insnIdx: number;
  typeId: number;
  name: string;
}

/**
 * A CO-RE relocation waiting to be applied to the instruction at `insnIdx` (a
 * CO-RE pass patches the final instructions; the loader does not).
 * `section` and `sectionInsnIdx` say where the record was in the object.
 */
export interface PendingCoreRelo {
  insnIdx: number;
  section: string;
  sectionInsnIdx: number;
  /** Root type of the access, in the object's BTF. */
  typeId: number;
  accessString: string;
  kind: number;
  kindName: string;
}

// --- CO-RE results (filled by the CO-RE pass, coreRelocate.ts, when loadObject is given a target BTF) ---

/**
 * A CO-RE relocation applied to the instruction at `insnIdx`: patched with
 * the target's value, or poisoned (`call 0xbad2310`, which the verifier
 * rejects where it is reachable), as libbpf does.
 */
export interface AppliedCoreRelo extends PendingCoreRelo {
  /** libbpf's `relo #N`: the record's index among its section's CO-RE records. */
  reloIdx: number;
  outcome: 'patched' | 'poisoned';
  /** libbpf's description of the local side (`<byte_off> [7] struct task_struct___local.pid (0:0 @ offset 0)`). */
  local: string;
  /** The same for the matched target type, when one matched. */
  target?: string;
  /** Target BTF id of the matched root type, when one matched. */
  targetTypeId?: number;
  /** The value the compiler wrote and the one written (as libbpf's __u64). */
  origValue: bigint;
  newValue: bigint;
}

/** A `.text` function appended to a program, and the slot where its copy starts. */
export interface SubprogramPlacement {
  name: string;
  startSlot: number;
  insnCount: number;
}

export interface LoadedProgram {
  name: string;
  /** Section name without a leading `?`. */
  section: string;
  sectionIndex: number;
  /** Slot of the function within its section. */
  sectionInsnOffset: number;
  /** False for SEC("?…"): libbpf does not load it unless asked; it is linked here all the same. */
  autoload: boolean;
  /** libbpf's program type name; undefined when the section name matches no libbpf rule. */
  type?: ProgTypeName;
  typeId: number;
  expectedAttachType?: AttachTypeName;
  /** The value libbpf passes (0 where its table has none — which is also cgroup_inet_ingress). */
  expectedAttachTypeId: number;
  /** The part of the section name after the rule's prefix: kprobe function, tracepoint, fentry target. */
  attachTo?: string;
  flags?: SectionFlags;
  /** Instructions after subprogram linking and map relocation. */
  insns: Insn[];
  mapRefs: MapRef[];
  externRefs: ExternRef[];
  subprograms: SubprogramPlacement[];
  /** Where the slots came from: the entry program's own range first, then one per subprogram, in slot order. */
  sources: SourceRange[];
  /** BTF.ext records at final slots (empty without .BTF.ext), in libbpf's order. */
  funcInfo: SlotFuncInfo[];
  /** Ready for `buildLineTable(lineInfo, insns.length, …)`: insnIdx is the final slot. */
  lineInfo: LineRecord[];
  /** CO-RE relocations of every placed function, at final slots, not yet applied (after a CO-RE pass: those it could not apply). */
  coreRelos: PendingCoreRelo[];
  /** CO-RE relocations applied against a target BTF, in slot order (set by the CO-RE pass). */
  coreApplied?: AppliedCoreRelo[];
}

export type MapKind = 'btf' | 'legacy' | 'data' | 'rodata' | 'bss' | 'kconfig';

/** A map-in-map or prog-array slot initialised in `.maps` with `.values = { [i] = &x }`. */
export type InitSlot =
  | { kind: 'map'; name: string; mapIndex: number }
  | { kind: 'program'; name: string };

export interface MapDef {
  /** The name the kernel sees (internal maps: libbpf's truncated `<obj>.rodata` form). */
  name: string;
  /** The BTF variable or ELF section it comes from (`.rodata.str1.1`). */
  realName: string;
  kind: MapKind;
  /** The kernel's name (`hash`, `lru_hash`, `array_of_maps`), `unknown(N)` for a value it does not have. */
  type: string;
  typeId: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  numaNode: number;
  mapExtra?: bigint;
  pinning?: 'none' | 'by_name';
  sectionIndex: number;
  /** Offset of the definition in its section (0 for internal maps). */
  sectionOffset: number;
  /** BTF ids of the key and value types (0 when unknown). */
  keyTypeId: number;
  valueTypeId: number;
  /** Global-data maps: the section's bytes (zeros for .bss up to ZERO_FILL_LIMIT, and for .kconfig). */
  initialValue?: Uint8Array;
  /** BPF_F_RDONLY_PROG is set: .rodata and .kconfig. */
  readOnly: boolean;
  /** The inner map of a map-in-map (`__array(values, struct inner)`), named `<outer>.inner`. */
  inner?: MapDef;
  /** Initialised slots of a map-in-map or prog array, by index (holes are undefined). */
  initSlots?: (InitSlot | undefined)[];
}

export type KconfigValueType = 'bool' | 'char' | 'int' | 'tristate' | 'char_array';

export interface ExternDef {
  name: string;
  kind: 'kconfig' | 'ksym';
  weak: boolean;
  symbolIndex: number;
  /** BTF id of the VAR or FUNC describing it. */
  btfId: number;
  /** A ksym that is a function: a kfunc. */
  isFunction: boolean;
  /** .kconfig externs: where the value sits in the `.kconfig` map and how it is read. */
  kconfig?: { offset: number; size: number; align: number; valueType: KconfigValueType; signed: boolean };
  /** .ksyms variables: the BTF type after modifiers and typedefs (0 = typeless `extern const void x`). */
  ksymTypeId?: number;
}

export interface LoadedObject {
  /** libbpf's object name (file name up to the first dot), used to name internal maps. */
  name: string;
  /** Entry programs, in libbpf's order (section index, then offset). */
  programs: LoadedProgram[];
  maps: MapDef[];
  externs: ExternDef[];
  license?: string;
  kernelVersion?: number;
  /** The object's byte order; libbpf on a little-endian host refuses big-endian objects. */
  littleEndian: boolean;
  /** The object's BTF (.BTF) with libbpf's DATASEC fix-ups, when it has one. */
  btf?: Btf;
  /** Its .BTF.ext, as recorded (sections' own offsets), when it has one. */
  btfExt?: BtfExt;
  /** libbpf's CO-RE log for this object against the target BTF (debug and warning lines, no `libbpf: ` prefix); set by the CO-RE pass. */
  coreLog?: string[];
}
