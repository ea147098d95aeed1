// The eBPF opcode table (RFC 9669 plus the Linux extensions clang emits): one
// row per valid opcode byte, built from the small operation lists below. The
// decoder, validator, assemblers, disassemblers and interpreter all read it.
// Pure data; imports nothing.
//
// Opcode byte of arithmetic and jump instructions (classes ALU, ALU64, JMP, JMP32):
//
//   7       4   3   2     0
//   +-------+---+-------+
//   |  op   | s | class |     s = source: 0 = K (imm), 1 = X (src register)
//   +-------+---+-------+
//
// Opcode byte of load and store instructions (classes LD, LDX, ST, STX):
//
//   7     5 4   3 2     0
//   +------+-----+-------+
//   | mode | size| class |    size: W=0 H=1 B=2 DW=3
//   +------+-----+-------+

export const CLS = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, JMP32: 0x06, ALU64: 0x07 } as const;
export const SRC = { K: 0x00, X: 0x08 } as const;
export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;

export const ALU = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;

export const JMP = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0, JCOND: 0xe0,
} as const;

/** imm field of atomic instructions. */
export const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;

/** src field of `lddw` (BPF_PSEUDO_*): what the 64-bit immediate means. */
export const PSEUDO_LD = { IMM64: 0, MAP_FD: 1, MAP_VALUE: 2, BTF_ID: 3, FUNC: 4, MAP_IDX: 5, MAP_IDX_VALUE: 6 } as const;
/** src field of `call`: helper id, bpf-to-bpf call (imm = relative slot), kfunc (imm = BTF id). */
export const PSEUDO_CALL = { HELPER: 0, LOCAL: 1, KFUNC: 2 } as const;

export const REG_COUNT = 11;
export const FRAME_POINTER = 10;

/** What an instruction does, grouping opcodes the same code path handles. */
export type OpKind =
  | 'alu' | 'neg' | 'end'
  | 'lddw' | 'ldabs' | 'ldind'
  | 'ldx' | 'ldxs' | 'st' | 'stx' | 'atomic'
  | 'ja' | 'jcond' | 'maygoto' | 'call' | 'callx' | 'exit';

/** Allowed values of one field: must be zero, a register 0..10, anything, or one of a list. */
export type FieldRule = 'zero' | 'reg' | 'any' | readonly number[];

export interface FieldRules {
  dst: FieldRule;
  src: FieldRule;
  off: FieldRule;
  imm: FieldRule;
}

export interface OpcodeInfo {
  code: number;
  kind: OpKind;
  /** Mnemonic of the conformance/uBPF dialect (`add32`, `ldxw`, `jsgt`, `be16`…). */
  name: string;
  cls: number;
  /** ALU op or JMP op (high 4 bits), 0 for loads and stores. */
  op: number;
  /** ALU64 / JMP rather than ALU / JMP32 (for memory access: size is 8). */
  is64: boolean;
  /** Uses the src register as operand (BPF_X). */
  srcReg: boolean;
  /** Access size in bytes for loads, stores and atomics; 0 otherwise. */
  size: 0 | 1 | 2 | 4 | 8;
  rules: FieldRules;
}

const ALU_OPS: readonly [string, number][] = [
  ['add', ALU.ADD], ['sub', ALU.SUB], ['mul', ALU.MUL], ['div', ALU.DIV], ['or', ALU.OR],
  ['and', ALU.AND], ['lsh', ALU.LSH], ['rsh', ALU.RSH], ['mod', ALU.MOD], ['xor', ALU.XOR],
  ['mov', ALU.MOV], ['arsh', ALU.ARSH],
];

const COND_JMP_OPS: readonly [string, number][] = [
  ['jeq', JMP.JEQ], ['jgt', JMP.JGT], ['jge', JMP.JGE], ['jset', JMP.JSET], ['jne', JMP.JNE],
  ['jsgt', JMP.JSGT], ['jsge', JMP.JSGE], ['jlt', JMP.JLT], ['jle', JMP.JLE], ['jslt', JMP.JSLT],
  ['jsle', JMP.JSLE],
];

const SIZES: readonly [string, number, 1 | 2 | 4 | 8][] = [
  ['b', SIZE.B, 1], ['h', SIZE.H, 2], ['w', SIZE.W, 4], ['dw', SIZE.DW, 8],
];

const ATOMIC_IMMS: readonly number[] = [
  ATOMIC.ADD, ATOMIC.ADD | ATOMIC.FETCH, ATOMIC.OR, ATOMIC.OR | ATOMIC.FETCH,
  ATOMIC.AND, ATOMIC.AND | ATOMIC.FETCH, ATOMIC.XOR, ATOMIC.XOR | ATOMIC.FETCH,
  ATOMIC.XCHG, ATOMIC.CMPXCHG,
];

function row(code: number, kind: OpKind, name: string, rules: FieldRules, extra: Partial<OpcodeInfo> = {}): OpcodeInfo {
  const cls = code & 0x07;
  const isAluOrJmp = cls >= CLS.ALU;
  return {
    code, kind, name, cls,
    op: isAluOrJmp ? code & 0xf0 : 0,
    is64: cls === CLS.ALU64 || cls === CLS.JMP,
    srcReg: isAluOrJmp && (code & SRC.X) !== 0,
    size: 0,
    rules,
    ...extra,
  };
}

/** sdiv/smod are div/mod with off = 1; movsx is mov with off = 8/16(/32). */
function aluOffRule(op: number, is64: boolean, srcReg: boolean): FieldRule {
  if (op === ALU.DIV || op === ALU.MOD) return [0, 1];
  if (op === ALU.MOV && srcReg) return is64 ? [0, 8, 16, 32] : [0, 8, 16];
  return 'zero';
}

function aluRows(): OpcodeInfo[] {
  const rows: OpcodeInfo[] = [];
  for (const cls of [CLS.ALU64, CLS.ALU]) {
    const is64 = cls === CLS.ALU64;
    const sfx = is64 ? '' : '32';
    for (const [name, op] of ALU_OPS) {
      rows.push(row(cls | op | SRC.K, 'alu', name + sfx,
        { dst: 'reg', src: 'zero', off: aluOffRule(op, is64, false), imm: 'any' }));
      rows.push(row(cls | op | SRC.X, 'alu', name + sfx,
        { dst: 'reg', src: 'reg', off: aluOffRule(op, is64, true), imm: 'zero' }));
    }
    rows.push(row(cls | ALU.NEG, 'neg', 'neg' + sfx, { dst: 'reg', src: 'zero', off: 'zero', imm: 'zero' }));
  }
  const widths = [16, 32, 64];
  rows.push(row(CLS.ALU | ALU.END | SRC.K, 'end', 'le', { dst: 'reg', src: 'zero', off: 'zero', imm: widths }));
  rows.push(row(CLS.ALU | ALU.END | SRC.X, 'end', 'be', { dst: 'reg', src: 'zero', off: 'zero', imm: widths }));
  rows.push(row(CLS.ALU64 | ALU.END | SRC.K, 'end', 'bswap', { dst: 'reg', src: 'zero', off: 'zero', imm: widths }));
  return rows;
}

function memRows(): OpcodeInfo[] {
  const rows: OpcodeInfo[] = [];
  const pseudoSrcs = Object.values(PSEUDO_LD);
  rows.push(row(CLS.LD | MODE.IMM | SIZE.DW, 'lddw', 'lddw', { dst: 'reg', src: pseudoSrcs, off: 'zero', imm: 'any' }, { size: 8 }));
  for (const [sfx, sz, bytes] of SIZES) {
    const memSize = { size: bytes };
    if (bytes !== 8) {
      rows.push(row(CLS.LD | MODE.ABS | sz, 'ldabs', 'ldabs' + sfx, { dst: 'zero', src: 'zero', off: 'zero', imm: 'any' }, memSize));
      rows.push(row(CLS.LD | MODE.IND | sz, 'ldind', 'ldind' + sfx, { dst: 'zero', src: 'reg', off: 'zero', imm: 'any' }, memSize));
      rows.push(row(CLS.LDX | MODE.MEMSX | sz, 'ldxs', 'ldxs' + sfx, { dst: 'reg', src: 'reg', off: 'any', imm: 'zero' }, memSize));
    }
    rows.push(row(CLS.LDX | MODE.MEM | sz, 'ldx', 'ldx' + sfx, { dst: 'reg', src: 'reg', off: 'any', imm: 'zero' }, memSize));
    rows.push(row(CLS.ST | MODE.MEM | sz, 'st', 'st' + sfx, { dst: 'reg', src: 'zero', off: 'any', imm: 'any' }, memSize));
    rows.push(row(CLS.STX | MODE.MEM | sz, 'stx', 'stx' + sfx, { dst: 'reg', src: 'reg', off: 'any', imm: 'zero' }, memSize));
    if (bytes >= 4) {
      rows.push(row(CLS.STX | MODE.ATOMIC | sz, 'atomic', bytes === 8 ? 'lock' : 'lock32',
        { dst: 'reg', src: 'reg', off: 'any', imm: ATOMIC_IMMS }, { size: bytes, is64: bytes === 8 }));
    }
  }
  return rows;
}

function jmpRows(): OpcodeInfo[] {
  const rows: OpcodeInfo[] = [];
  rows.push(row(CLS.JMP | JMP.JA, 'ja', 'ja', { dst: 'zero', src: 'zero', off: 'any', imm: 'zero' }));
  rows.push(row(CLS.JMP32 | JMP.JA, 'ja', 'ja32', { dst: 'zero', src: 'zero', off: 'zero', imm: 'any' }));
  for (const cls of [CLS.JMP, CLS.JMP32]) {
    const sfx = cls === CLS.JMP ? '' : '32';
    for (const [name, op] of COND_JMP_OPS) {
      rows.push(row(cls | op | SRC.K, 'jcond', name + sfx, { dst: 'reg', src: 'zero', off: 'any', imm: 'any' }));
      rows.push(row(cls | op | SRC.X, 'jcond', name + sfx, { dst: 'reg', src: 'reg', off: 'any', imm: 'zero' }));
    }
  }
  rows.push(row(CLS.JMP | JMP.CALL | SRC.K, 'call', 'call', { dst: 'zero', src: Object.values(PSEUDO_CALL), off: 'zero', imm: 'any' }));
  rows.push(row(CLS.JMP | JMP.CALL | SRC.X, 'callx', 'callx', { dst: 'reg', src: 'zero', off: 'zero', imm: 'zero' }));
  rows.push(row(CLS.JMP | JMP.EXIT, 'exit', 'exit', { dst: 'zero', src: 'zero', off: 'zero', imm: 'zero' }));
  rows.push(row(CLS.JMP | JMP.JCOND, 'maygoto', 'may_goto', { dst: 'zero', src: 'zero', off: 'any', imm: 'zero' }));
  return rows;
}

/** Every valid opcode, in table order. */
export const OPCODE_TABLE: readonly OpcodeInfo[] = [...aluRows(), ...memRows(), ...jmpRows()];

/** Opcode byte -> row, `undefined` for an opcode that does not exist. */
export const OPCODES: readonly (OpcodeInfo | undefined)[] = (() => {
  const byCode: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const info of OPCODE_TABLE) {
    if (byCode[info.code]) throw new Error(`opcode table: duplicate row for 0x${info.code.toString(16)}`);
    byCode[info.code] = info;
  }
  return byCode;
})();

export function opcodeInfo(code: number): OpcodeInfo | undefined {
  return OPCODES[code & 0xff];
}

/** Number of bytes accessed by a LD/LDX/ST/STX opcode's size field. */
export function sizeBytes(code: number): 1 | 2 | 4 | 8 {
  switch (code & 0x18) {
    case SIZE.B: return 1;
    case SIZE.H: return 2;
    case SIZE.W: return 4;
    default: return 8;
  }
}
