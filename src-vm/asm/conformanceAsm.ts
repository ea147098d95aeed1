// Assembler for the bpf_conformance text dialect (the `-- asm` sections of the
// conformance `.data` vectors): `mov %r0, 1`, `ldxdw %r0, [%r1+8]`,
// `jne %r1, 0, exit`, `lock fetch add [%r10-8], %r1`. Text in, slots + spans +
// diagnostics out; never throws, reports every error. Mnemonics come from the
// OPCODE_TABLE rows' `name`, plus the dialect's special forms. Imports only the
// ISA core and diagnostics (no fs, not the kernel-syntax assembler).

import type { Diagnostic, Span, WithDiagnostics } from '../diagnostics';
import { insn, lddwSlots, type Insn } from '../isa/insn';
import { ATOMIC, OPCODE_TABLE, PSEUDO_CALL, REG_COUNT, type FieldRule, type OpcodeInfo, type OpKind } from '../isa/opcodes';

export interface ConformanceProgram {
  /** One entry per 8-byte slot (an `lddw` is two). */
  insns: Insn[];
  /** Source span of the instruction in each slot; undefined for an `lddw`'s second slot. */
  spans: (Span | undefined)[];
  /** Label -> slot index, including the implicit `exit` label of the first `exit`. */
  labels: Map<string, number>;
}

interface Token {
  text: string;
  line: number;
  col: number;
  endCol: number;
}

type JumpField = 'off' | 'imm';

interface Encoded {
  insns: Insn[];
  /** A jump/call whose target is a label, patched once every label is known. */
  fixup?: { label: Token; field: JumpField };
}

interface Spec {
  operands: number;
  encode: (r: Reporter, ops: Token[]) => Encoded;
}

/** Collects diagnostics; every operand parser reports through it and returns a usable value. */
class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  error(tok: Token, code: string, message: string): void {
    this.diagnostics.push({ severity: 'error', code, message, span: spanOf(tok, tok) });
  }

  warning(tok: Token, code: string, message: string): void {
    this.diagnostics.push({ severity: 'warning', code, message, span: spanOf(tok, tok) });
  }
}

function spanOf(first: Token, last: Token): Span {
  return { line: first.line, col: first.col, endLine: last.line, endCol: last.endCol };
}

/** The part of `tok` from `start` to `end` (offsets into its text). */
function subToken(tok: Token, start: number, end = tok.text.length): Token {
  return { text: tok.text.slice(start, end), line: tok.line, col: tok.col + start, endCol: tok.col + end };
}

function tokenize(text: string, line: number): Token[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0], line, col: m.index ?? 0, endCol: (m.index ?? 0) + m[0].length,
  }));
}

/** One trailing comma ends an operand (`%r0,`); it is not part of it. */
function stripComma(tok: Token): Token {
  return tok.text.endsWith(',') ? subToken(tok, 0, tok.text.length - 1) : tok;
}

// ---- operands ---------------------------------------------------------------

const REGISTERS: ReadonlyMap<string, number> = new Map(Array.from({ length: 16 }, (_, n) => [`%r${n}`, n]));

function parseRegister(r: Reporter, tok: Token): number {
  const reg = REGISTERS.get(tok.text);
  if (reg === undefined) {
    r.error(tok, 'casm/invalid-register', `Invalid register: ${tok.text}`);
    return 0;
  }
  if (reg >= REG_COUNT) {
    r.warning(tok, 'casm/nonexistent-register',
      `Register ${tok.text} does not exist (eBPF has %r0-%r${REG_COUNT - 1}); accepted only to encode negative tests`);
  }
  return reg;
}

type NumberKind = 'Immediate' | 'Offset';

/** A 16- or 32-bit field: unsigned hex (`0x…`, its bit pattern) or signed decimal. */
function parseFieldInt(r: Reporter, tok: Token, bits: 16 | 32, kind: NumberKind): number {
  const hex = /^([+-]?)0x([0-9a-fA-F]+)$/.exec(tok.text);
  const code = kind === 'Immediate' ? 'casm/imm-range' : 'casm/offset-range';
  if (hex) {
    if (hex[1] === '-') {
      r.error(tok, code, `${kind} out of ${bits}-bit range: ${tok.text} (hex is unsigned; write a negative value in decimal)`);
      return 0;
    }
    const value = BigInt('0x' + hex[2]);
    if (value >= 1n << BigInt(bits)) {
      r.error(tok, code, `${kind} out of ${bits}-bit range: ${tok.text}`);
      return 0;
    }
    return Number(BigInt.asIntN(bits, value));
  }
  if (!/^[+-]?\d+$/.test(tok.text)) {
    r.error(tok, 'casm/invalid-number', `Invalid ${kind.toLowerCase()}: ${tok.text}`);
    return 0;
  }
  const value = BigInt(tok.text);
  const limit = 1n << BigInt(bits - 1);
  if (value < -limit || value >= limit) {
    r.error(tok, code, `${kind} out of ${bits}-bit range: ${tok.text}`);
    return 0;
  }
  return Number(value);
}

function parseImm32(r: Reporter, tok: Token): number {
  return parseFieldInt(r, tok, 32, 'Immediate');
}

/** The `lddw` constant: hex is unsigned 64-bit, `-…` signed decimal, otherwise unsigned decimal. */
function parseImm64(r: Reporter, tok: Token): bigint {
  const text = tok.text;
  const hex = /^\+?0x([0-9a-fA-F]+)$/.exec(text);
  const valid = hex !== null || /^[+-]?\d+$/.test(text);
  if (!valid) {
    r.error(tok, 'casm/invalid-number', `Invalid immediate: ${text}`);
    return 0n;
  }
  const value = hex ? BigInt('0x' + hex[1]) : BigInt(text);
  if (value < -(1n << 63n) || value >= 1n << 64n) {
    r.error(tok, 'casm/imm-range', `Immediate out of 64-bit range: ${text}`);
    return 0n;
  }
  return value;
}

/** `[%rN]`, `[%rN+off]` or `[%rN-off]`. */
function parseMemory(r: Reporter, tok: Token): { reg: number; off: number } {
  const text = tok.text;
  if (text.length < 3 || !text.startsWith('[') || !text.endsWith(']')) {
    r.error(tok, 'casm/invalid-memory-operand', `Failed to decode register and offset: ${text}`);
    return { reg: 0, off: 0 };
  }
  const signAt = text.slice(1).search(/[+-]/);
  const regEnd = signAt < 0 ? text.length - 1 : signAt + 1;
  const reg = parseRegister(r, subToken(tok, 1, regEnd));
  const off = signAt < 0 ? 0 : parseFieldInt(r, subToken(tok, regEnd, text.length - 1), 16, 'Offset');
  return { reg, off };
}

function isRegisterOperand(tok: Token): boolean {
  return tok.text.startsWith('%');
}

/** `+N`/`-N` (relative to the next slot) or a label, resolved after the last line. */
function parseTarget(r: Reporter, tok: Token, field: JumpField): { value: number; label?: Token } {
  if (/^[+-]/.test(tok.text)) {
    return { value: field === 'off' ? parseFieldInt(r, tok, 16, 'Offset') : parseImm32(r, tok) };
  }
  return { value: 0, label: tok };
}

// ---- instruction forms --------------------------------------------------------

interface RowPair {
  K?: OpcodeInfo;
  X?: OpcodeInfo;
}

function codeOf(row: OpcodeInfo | undefined, name: string): number {
  if (!row) throw new Error(`conformance assembler: opcode table has no row for ${name}`);
  return row.code;
}

/** `op %dst, %src|imm`; `off` carries sdiv/smod's 1. */
function aluSpec(name: string, rows: RowPair, off: number): Spec {
  return {
    operands: 2,
    encode: (r, [dst, src]) => {
      const d = parseRegister(r, dst);
      if (isRegisterOperand(src)) return { insns: [insn(codeOf(rows.X, name), d, parseRegister(r, src), off, 0)] };
      return { insns: [insn(codeOf(rows.K, name), d, 0, off, parseImm32(r, src))] };
    },
  };
}

/** `movsx<from><to> %dst, %src`: mov with the source width in the offset. */
function movsxSpec(name: string, code: number, width: number): Spec {
  return {
    operands: 2,
    encode: (r, [dst, src]) => {
      const d = parseRegister(r, dst);
      if (!isRegisterOperand(src)) {
        r.error(src, 'casm/operand-kind', `${name} sign-extends a register: expected %rN, got ${src.text}`);
        return { insns: [insn(code, d, 0, width, 0)] };
      }
      return { insns: [insn(code, d, parseRegister(r, src), width, 0)] };
    },
  };
}

/** `op %dst` with a fixed immediate (neg: 0, byte swaps: the width). */
function unarySpec(code: number, imm: number): Spec {
  return { operands: 1, encode: (r, [dst]) => ({ insns: [insn(code, parseRegister(r, dst), 0, 0, imm)] }) };
}

const lddwSpec: Spec = {
  operands: 2,
  encode: (r, [dst, value]) => ({ insns: lddwSlots(parseRegister(r, dst), parseImm64(r, value)) }),
};

function loadSpec(code: number): Spec {
  return {
    operands: 2,
    encode: (r, [dst, mem]) => {
      const d = parseRegister(r, dst);
      const m = parseMemory(r, mem);
      return { insns: [insn(code, d, m.reg, m.off, 0)] };
    },
  };
}

function storeImmSpec(code: number): Spec {
  return {
    operands: 2,
    encode: (r, [mem, value]) => {
      const m = parseMemory(r, mem);
      return { insns: [insn(code, m.reg, 0, m.off, parseImm32(r, value))] };
    },
  };
}

function storeRegSpec(code: number): Spec {
  return {
    operands: 2,
    encode: (r, [mem, src]) => {
      const m = parseMemory(r, mem);
      return { insns: [insn(code, m.reg, parseRegister(r, src), m.off, 0)] };
    },
  };
}

/** `ja target` (offset field) and `ja32 target` (imm field). */
function jaSpec(code: number, field: JumpField): Spec {
  return {
    operands: 1,
    encode: (r, [target]) => {
      const t = parseTarget(r, target, field);
      const i = field === 'off' ? insn(code, 0, 0, t.value, 0) : insn(code, 0, 0, 0, t.value);
      return { insns: [i], fixup: t.label && { label: t.label, field } };
    },
  };
}

function jcondSpec(name: string, rows: RowPair): Spec {
  return {
    operands: 3,
    encode: (r, [dst, src, target]) => {
      const d = parseRegister(r, dst);
      const i = isRegisterOperand(src)
        ? insn(codeOf(rows.X, name), d, parseRegister(r, src), 0, 0)
        : insn(codeOf(rows.K, name), d, 0, 0, parseImm32(r, src));
      const t = parseTarget(r, target, 'off');
      i.off = t.value;
      return { insns: [i], fixup: t.label && { label: t.label, field: 'off' } };
    },
  };
}

function exitSpec(code: number): Spec {
  return { operands: 0, encode: () => ({ insns: [insn(code)] }) };
}

/** `call N` / `call %rX` (helper mode implied), `call helper …`, `call local target`, `call runtime N`. */
function callSpec(callCode: number, callxCode: number): Spec {
  return {
    operands: 2,
    encode: (r, [mode, target]) => {
      if (mode.text === 'helper') {
        if (isRegisterOperand(target)) return { insns: [insn(callxCode, parseRegister(r, target))] };
        return { insns: [insn(callCode, 0, PSEUDO_CALL.HELPER, 0, parseImm32(r, target))] };
      }
      if (mode.text === 'local') {
        const t = parseTarget(r, target, 'imm');
        return { insns: [insn(callCode, 0, PSEUDO_CALL.LOCAL, 0, t.value)], fixup: t.label && { label: t.label, field: 'imm' } };
      }
      if (mode.text === 'runtime') return { insns: [insn(callCode, 0, PSEUDO_CALL.KFUNC, 0, parseImm32(r, target))] };
      r.error(mode, 'casm/invalid-call-mode', `Invalid call mode: ${mode.text} (expected helper, local or runtime)`);
      return { insns: [insn(callCode)] };
    },
  };
}

/** `call X` means `call helper X`. */
function normalizeCallOperands(ops: Token[]): Token[] {
  if (ops.length !== 1) return ops;
  return [{ ...ops[0], text: 'helper', endCol: ops[0].col }, ops[0]];
}

// ---- the mnemonic table, built from OPCODE_TABLE --------------------------------

type SpecBuilder = (name: string, rows: RowPair) => [string, Spec][];

/** Byte swaps also go by an older name. */
const END_ALIASES: Readonly<Record<string, string>> = { bswap: 'swap' };

/** The values a field may take when its rule is a list; [] for 'zero'/'reg'/'any'. */
function listRule(rule: FieldRule | undefined): readonly number[] {
  return typeof rule === 'object' ? rule : [];
}

/** `add`/`add32`…, plus `sdiv`/`smod` (offset 1) and `movsx<from><to>` (offset = source width). */
function aluEntries(name: string, rows: RowPair): [string, Spec][] {
  const entries: [string, Spec][] = [[name, aluSpec(name, rows, 0)]];
  if (listRule(rows.K?.rules.off).includes(1)) entries.push(['s' + name, aluSpec('s' + name, rows, 1)]);
  const x = rows.X;
  for (const width of listRule(x?.rules.off).filter((w) => w > 1)) {
    const movsx = `movsx${width}${x?.is64 ? 64 : 32}`;
    entries.push([movsx, movsxSpec(movsx, codeOf(x, movsx), width)]);
  }
  return entries;
}

/** `le16`, `be32`, `bswap64`/`swap64`…: the width is the immediate. */
function endEntries(name: string, rows: RowPair): [string, Spec][] {
  const row = rows.K ?? rows.X;
  const names = [name, END_ALIASES[name]].filter((n): n is string => n !== undefined);
  return listRule(row?.rules.imm).flatMap((w) => names.map((n): [string, Spec] => [n + w, unarySpec(codeOf(row, n), w)]));
}

const single = (make: (code: number) => Spec): SpecBuilder =>
  (name, rows) => [[name, make(codeOf(rows.K ?? rows.X, name))]];

/** How each kind of opcode row is written; kinds absent here are not in the dialect (ldabs, ldind, may_goto). */
const BUILDERS: Partial<Record<OpKind, SpecBuilder>> = {
  alu: aluEntries,
  neg: single((code) => unarySpec(code, 0)),
  end: endEntries,
  lddw: (name) => [[name, lddwSpec]],
  ldx: single(loadSpec),
  ldxs: single(loadSpec),
  st: single(storeImmSpec),
  stx: single(storeRegSpec),
  ja: (name, rows) => [[name, jaSpec(codeOf(rows.K, name), rows.K?.is64 ? 'off' : 'imm')]],
  jcond: (name, rows) => [[name, jcondSpec(name, rows)]],
  exit: single(exitSpec),
};

function rowPairsByName(): Map<string, RowPair> {
  const pairs = new Map<string, RowPair>();
  for (const row of OPCODE_TABLE) {
    const pair = pairs.get(row.name) ?? {};
    if (row.srcReg) pair.X = row;
    else pair.K = row;
    pairs.set(row.name, pair);
  }
  return pairs;
}

const ROWS = rowPairsByName();

const SPECS: ReadonlyMap<string, Spec> = (() => {
  const specs = new Map<string, Spec>();
  for (const [name, rows] of ROWS) {
    const kind = (rows.K ?? rows.X)?.kind;
    const build = kind && BUILDERS[kind];
    if (build) for (const [mnemonic, spec] of build(name, rows)) specs.set(mnemonic, spec);
  }
  specs.set('call', callSpec(codeOf(ROWS.get('call')?.K, 'call'), codeOf(ROWS.get('callx')?.X, 'callx')));
  return specs;
})();

/** Every mnemonic the dialect accepts (for completion and tests); `lock` takes an operation after it. */
export const CONFORMANCE_MNEMONICS: readonly string[] = [...SPECS.keys(), 'lock'].sort();

const OPERAND_NORMALIZERS: Readonly<Record<string, (ops: Token[]) => Token[]>> = { call: normalizeCallOperands };

// ---- lock: `lock [fetch] OP [%dst±off], %src` ------------------------------------

const ATOMIC_OPS: Readonly<Record<string, { imm: number; fetchBit: boolean }>> = {
  add: { imm: ATOMIC.ADD, fetchBit: true },
  or: { imm: ATOMIC.OR, fetchBit: true },
  and: { imm: ATOMIC.AND, fetchBit: true },
  xor: { imm: ATOMIC.XOR, fetchBit: true },
  xchg: { imm: ATOMIC.XCHG, fetchBit: false },
  cmpxchg: { imm: ATOMIC.CMPXCHG, fetchBit: false },
};

const LOCK_CODES = { 64: codeOf(ROWS.get('lock')?.K, 'lock'), 32: codeOf(ROWS.get('lock32')?.K, 'lock32') };

function encodeLock(r: Reporter, head: Token, ops: Token[]): Encoded | undefined {
  const fetch = ops[0]?.text === 'fetch';
  const rest = fetch ? ops.slice(1) : ops;
  if (rest.length !== 3) {
    r.error({ ...head, endCol: ops.at(-1)?.endCol ?? head.endCol }, 'casm/operand-count', 'Invalid number of operands for lock');
    return undefined;
  }
  const [opTok, mem, src] = rest;
  const m = /^([a-z]+?)(32)?$/.exec(opTok.text);
  const op = m ? ATOMIC_OPS[m[1]] : undefined;
  const code = m?.[2] ? LOCK_CODES[32] : LOCK_CODES[64];
  if (!op) {
    r.error(opTok, 'casm/invalid-atomic-op',
      `Invalid atomic operation: ${opTok.text} (expected add, and, or, xor, xchg or cmpxchg, with 32 for a 32-bit access)`);
  }
  const dst = parseMemory(r, mem);
  const imm = op ? op.imm | (fetch && op.fetchBit ? ATOMIC.FETCH : 0) : 0;
  return { insns: [insn(code, dst.reg, parseRegister(r, src), dst.off, imm)] };
}

// ---- lines, labels and fixups ---------------------------------------------------

interface AsmState {
  r: Reporter;
  insns: Insn[];
  spans: (Span | undefined)[];
  labels: Map<string, number>;
  /** Where each label was defined, for duplicate reports. */
  labelTokens: Map<string, Token>;
  fixups: { slot: number; label: Token; field: JumpField }[];
  sawExit: boolean;
}

function defineLabel(st: AsmState, tok: Token): void {
  const name = tok.text.slice(0, -1);
  const previous = st.labelTokens.get(name);
  if (name === '') {
    st.r.error(tok, 'casm/invalid-label', "Missing label name before ':'");
  } else if (previous) {
    st.r.error(tok, 'casm/duplicate-label',
      `Duplicate label (${name}) detected at line ${tok.line + 1} (previous declaration at line ${previous.line + 1})`);
  } else {
    st.labels.set(name, st.insns.length);
    st.labelTokens.set(name, tok);
  }
}

/** The first `exit` is the target of the implicit label `exit`. */
function defineImplicitExit(st: AsmState, head: Token): void {
  st.sawExit = true;
  const previous = st.labelTokens.get('exit');
  if (previous) {
    st.r.warning(head, 'casm/implicit-exit-label',
      `The first exit instruction takes the implicit label 'exit', replacing the label defined at line ${previous.line + 1}`);
  }
  st.labels.set('exit', st.insns.length);
  st.labelTokens.set('exit', head);
}

function encodeLine(st: AsmState, head: Token, rawOps: Token[]): Encoded | undefined {
  if (head.text === 'lock') return encodeLock(st.r, head, rawOps);
  const spec = SPECS.get(head.text);
  if (!spec) {
    st.r.error(head, 'casm/invalid-mnemonic', `Invalid mnemonic: ${head.text}`);
    return undefined;
  }
  const ops = OPERAND_NORMALIZERS[head.text]?.(rawOps) ?? rawOps;
  if (ops.length !== spec.operands) {
    st.r.error({ ...head, endCol: rawOps.at(-1)?.endCol ?? head.endCol }, 'casm/operand-count',
      `Invalid number of operands for mnemonic: ${head.text} (expected ${spec.operands}, got ${ops.length})`);
    return undefined;
  }
  return spec.encode(st.r, ops);
}

function assembleLine(st: AsmState, text: string, line: number): void {
  const tokens = tokenize(text, line);
  if (tokens.length === 0) return;
  const [head, ...rest] = tokens;
  if (head.text.endsWith(':')) {
    defineLabel(st, head);
    if (rest.length > 0) {
      st.r.error({ ...rest[0], endCol: rest[rest.length - 1].endCol }, 'casm/text-after-label',
        'Unexpected text after a label: put the instruction on its own line');
    }
    return;
  }
  if (head.text === 'exit' && !st.sawExit) defineImplicitExit(st, head);
  const encoded = encodeLine(st, head, rest.map(stripComma));
  if (!encoded) return;
  const slot = st.insns.length;
  const span = spanOf(head, tokens[tokens.length - 1]);
  encoded.insns.forEach((i, n) => {
    st.insns.push(i);
    st.spans.push(n === 0 ? span : undefined);
  });
  if (encoded.fixup) st.fixups.push({ slot, ...encoded.fixup });
}

function resolveFixups(st: AsmState): void {
  for (const { slot, label, field } of st.fixups) {
    const target = st.labels.get(label.text);
    if (target === undefined) {
      const hint = /^\d+$/.test(label.text) ? ` (a relative target needs a sign: +${label.text})` : '';
      st.r.error(label, 'casm/invalid-label', `Invalid label: ${label.text}${hint}`);
      continue;
    }
    const rel = target - slot - 1;
    if (field === 'off' && (rel < -32768 || rel > 32767)) {
      st.r.error(label, 'casm/jump-range', `Jump to ${label.text} is ${rel} slots away, beyond the 16-bit offset range`);
      continue;
    }
    st.insns[slot][field] = rel;
  }
}

/** `#` starts a comment; a trailing CR (CRLF files) is not part of the line. */
function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return (hash < 0 ? line : line.slice(0, hash)).replace(/\r$/, '');
}

/** Assembles conformance-dialect text; spans are 0-based positions in `text`. */
export function assembleConformance(text: string): WithDiagnostics<ConformanceProgram> {
  const st: AsmState = {
    r: new Reporter(), insns: [], spans: [], labels: new Map(), labelTokens: new Map(), fixups: [], sawExit: false,
  };
  text.split('\n').forEach((line, n) => assembleLine(st, stripComment(line), n));
  resolveFixups(st);
  return { value: { insns: st.insns, spans: st.spans, labels: st.labels }, diagnostics: st.r.diagnostics };
}
