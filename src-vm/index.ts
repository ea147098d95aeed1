// The public entry point of the pure eBPF core: everything the front ends
// (language server, debug adapter, CLI) use, and nothing they must not.
// Tests may import modules directly; front ends import only this file.

export * from './diagnostics';
export { parseHexBytes, type HexParse } from './hexBytes';

// Instruction set
export {
  ALU, ATOMIC, CLS, FRAME_POINTER, JMP, MODE, OPCODE_TABLE, OPCODES, PSEUDO_CALL, PSEUDO_LD, REG_COUNT, SIZE, SRC,
  opcodeInfo, sizeBytes, type FieldRule, type FieldRules, type OpKind, type OpcodeInfo,
} from './isa/opcodes';
export { INSN_SIZE, decodeInsns, encodeInsns, insn, isLddw, lddwImm64, lddwSlots, type Insn } from './isa/insn';
export { branchTarget, validateBytes, validateProgram } from './isa/validate';
export { HELPERS, helperById, helperByName, type HelperInfo } from './isa/helpers.generated';

// Assembly text in both directions
export { assemble } from './asm/assembler';
export { disassemble, formatInsn, type DisasmOptions, type DisasmSymbol } from './asm/disassembler';
export { assembleConformance, CONFORMANCE_MNEMONICS, type ConformanceProgram } from './asm/conformanceAsm';
export { disassembleConformance, formatConformanceInsn } from './asm/conformanceDisasm';
export type { AsmObject, AsmReloc, AsmSection, AsmSymbol } from './asm/object';

// Programs from text or objects
export {
  assembleSource, codeSections, codeSectionsOfElf, pickSection, type AssembledSource, type CodeSection, type Dialect,
} from './program';
export { readElf, sectionBytes, findSection, type ElfFile, type ElfSection, type ElfSymbol } from './elf/elf';
export { writeElf, type WriteElfOptions } from './elf/elfWriter';

// BTF: types, the raw dump bpftool prints
export {
  BTF_KINDS, BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_LINKAGE_NAMES, BTF_POINTER_SIZE, MAX_RESOLVE_DEPTH, MODIFIER_KINDS,
  Btf, BtfStrings, emptyBtf, parseBtf, referencedType,
  type BtfArray, type BtfComposite, type BtfDatasec, type BtfDeclTag, type BtfEnum, type BtfEnum64, type BtfEnum64Value,
  type BtfEnumValue, type BtfFloat, type BtfFunc, type BtfFuncProto, type BtfFwd, type BtfHeader, type BtfInt, type BtfKind,
  type BtfMember, type BtfParam, type BtfRefType, type BtfType, type BtfTypeOfKind, type BtfVar, type BtfVarSecinfo, type BtfVoid,
} from './elf/btf';
export { dumpBtfRaw, dumpBtfType } from './elf/btfDump';
export { btfDeclaration, btfDefinition, btfTypeName, memberBitfieldSize } from './elf/btfPrint';
export {
  CORE_RELO_KINDS, extRecords, parseBtfExt,
  type BtfCoreRelo, type BtfExt, type BtfExtHeader, type BtfExtSection, type BtfFuncInfo, type BtfLineInfo,
  type CoreReloKind, type CoreReloKindName,
} from './elf/btfExt';
export {
  CORE_SPEC_MAX_LEN, checkCoreRelo, coreSpec, describeCoreRelo, formatCoreSpec, parseAccessString,
  type CoreAccessor, type CoreReloInput, type CoreSpec, type CoreSpecResult,
} from './elf/btfCoreSpec';
export type { CoreReloBasis } from './elf/btfCoreKinds';
// CO-RE relocations applied against a target BTF as libbpf does (also: loadObject's `targetBtf` option)
export {
  functionsOfPrograms, poisonedRelocationLog, relocateCore, type CoreFunction, type CoreOptions,
} from './elf/coreRelocate';
export { POISON_HELPER_ID } from './elf/corePatch';
export { essentialName } from './elf/coreCandidates';
export {
  baseName, buildLineTable, locationAt, sliceLineInfo, sourceAnnotations, verifierSourceLine,
  type LineRecord, type LineTable, type LineTableOptions, type SourceLocation,
} from './elf/lineTable';

// Objects as libbpf sees them: programs, maps, externs after relocation and subprogram linking
export { loadObject, type LoadOptions } from './elf/loader';
export type {
  AppliedCoreRelo, ExternDef, ExternRef, InitSlot, KconfigValueType, LoadedObject, LoadedProgram, MapDef, MapKind, MapRef, PendingCoreRelo,
  SlotFuncInfo, SourceRange, SourceSlot, SubprogramPlacement,
} from './elf/loadedObject';
export { sourceSlotOf } from './elf/programs';
export { internalMapName, objectNameFromPath } from './elf/globalData';
export { MAX_PROGRAM_INSNS } from './elf/subprograms';
export {
  SECTION_RULES, matchSection, ruleDisplayName, ruleTypeIds, suggestSections,
  type SectionFlags, type SectionMatch, type SectionRule,
} from './elf/sectionRules';
export {
  ATTACH_TYPE_NAMES, PROG_TYPE_NAMES, attachTypeId, progTypeId, type AttachTypeName, type ProgTypeName,
} from './elf/bpfEnums';

// Running programs
export { DEFAULT_BUDGET, MAX_FRAMES, STACK_SIZE, Vm, type StopReason, type VmFault, type VmOptions } from './vm/interpreter';
export { createVm, runProgram, type RunOptions, type RunResult } from './vm/runProgram';
export { CONFORMANCE_HELPERS, type HelperEntry, type HelperImpl, type HelperTable } from './vm/helpers';
export { EbpfRuntime } from './vm/runtime';
export type { Granularity } from './vm/runtimeReverse';
export { loadLinuxTarget, type LinuxLaunch } from './vm/runtimeLinux';
export type { DebugTarget, DebugLines } from './vm/runtimeTarget';
export { formatBytes } from './vm/runtimeInspect';
export type { ScopeView } from './vm/inspect/inspector';
export type { EditResult, EditTarget, ValueFormat, VarNode } from './vm/inspect/varNode';
export { OUTSIDE_ADDRESS, slotAddress, slotOfAddress, type CodeSlot } from './vm/runtimeCode';
export type { EvaluationView } from './vm/runtimeEvaluate';
export type { FunctionBreakpointRequest, InstructionBreakpointRequest, LineBreakpointRequest, PlacedBreakpoint } from './vm/runtimePlacement';
export { parseExpression } from './vm/expr/parser';
export { LinuxMachine, type MachineOptions, type MapDump, type ProgRun, type ProgRunInput, type ProgRunResult } from './vm/linux/linuxMachine';
export { LINUX_HELPERS, HELPER_FAMILIES } from './vm/linux/helpers';
export { parseRunConfig, type RunConfig, type MapContents } from './vm/linux/runConfig';
export { readPcap } from './vm/linux/pcap';
export { defaultEnv, DEFAULT_PROCESS, type OutputRecord, type SimEnv, type SimProcess } from './vm/linux/runState';
export { returnName } from './vm/linux/returnCodes';
export type * from './vm/runtimeTypes';

// bpf_conformance vectors
export { parseVectorFile, type Vector } from './conformance/vectorFile';
export { runVector, formatR0, type VectorOutcome, type VectorStatus } from './conformance/runVector';

// The verifier
export { verifyProgram, INSN_LIMIT, type VerifierProgram, type VerifierOptions, type VerifierReport, type VerifierErrorReport } from './verifier/verify';
export {
  VERIFIABLE_TYPES, targetsOfAsm, targetsOfObject, verifyJson, verifyTarget, type VerifyJsonProgram, type VerifyOutcome, type VerifyTarget,
} from './verifyTargets';
export { subprogSignatures } from './funcSignatures';
export type { GlobalArg, SubprogSignature } from './verifier/checks/globalFunc';
export { checkCfg, type CfgResult } from './verifier/cfg';
export { parseVerifierLog, type LogLine } from './verifier/logParse';
export { helperProtoById, type HelperProtoRow } from './verifier/helperProtos.generated';

// What the live kernel said, read back from bpftool's output
export {
  kernelDiagnostic, kernelError, parseKernelLoadLog,
  type KernelError, type KernelLoadLog, type KernelProgramLog, type KernelSourceLine,
} from './kernelLog';
