// Assembler directives as a table: sections (`.text`, `.section xdp,"ax",@progbits`,
// `.pushsection`…), symbol attributes (`.globl`, `.type`, `.size`), data
// (`.byte`…`.quad`, `.ascii`, `.asciz`, `.zero`, `.uleb128`…) and alignment.
// Directives that only carry debug or tool metadata are accepted silently;
// unknown ones are a warning. Pure.

import type { Span } from '../diagnostics';
import { decodeInsns } from '../isa/insn';
import { AsmBuilder, type SectionKind, type SectionState } from './asmBuilder';
import { constExpr, evalExpr, parseExpr, type Expr } from './expr';
import { AsmError, type TokenCursor } from './tokenCursor';

export interface DirectiveContext {
  line: number;
  span: Span;
  /** The raw source line, for unquoted section names such as `tracepoint/syscalls/x`. */
  raw: string;
}

type Handler = (b: AsmBuilder, cur: TokenCursor, ctx: DirectiveContext) => void;

function exprList(cur: TokenCursor): Expr[] {
  const out = [parseExpr(cur)];
  while (cur.eatPunct(',')) out.push(parseExpr(cur));
  return out;
}

/** The current section as a data section, or an error when it holds code. */
function dataSection(b: AsmBuilder, what: string, col: number, endCol: number): SectionState {
  const s = b.section();
  if (s.kind === undefined) s.kind = 'data';
  if (s.kind === 'code') {
    throw new AsmError(`${what} is data and cannot go in code section ${s.name} (use .quad for a raw instruction slot)`, col, endCol, 'asm/data-in-code');
  }
  return s;
}

function pushLittleEndian(out: number[], v: bigint, size: number): void {
  const u = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
}

export function checkFits(v: bigint, size: number, e: Expr): void {
  const bits = BigInt(size * 8);
  if (v < -(1n << (bits - 1n)) || v >= 1n << bits) {
    throw new AsmError(`value ${v} does not fit in ${size} byte${size > 1 ? 's' : ''}`, e.col, e.endCol, 'asm/data-range');
  }
}

/** `.quad` in a code section: one raw 8-byte instruction slot per value. */
function rawSlots(s: SectionState, values: Expr[], span: Span): void {
  for (const e of values) {
    const v = constExpr(e, 'a raw instruction slot');
    checkFits(v, 8, e);
    const bytes: number[] = [];
    pushLittleEndian(bytes, v, 8);
    s.insns.push(decodeInsns(new Uint8Array(bytes))[0]);
    s.spans.push(span);
  }
}

function integerData(size: 1 | 2 | 4 | 8): Handler {
  return (b, cur, ctx) => {
    const first = cur.peek();
    const values = exprList(cur);
    const s = b.section();
    if (size === 8 && s.kind === 'code') return rawSlots(s, values, ctx.span);
    dataSection(b, `.${size === 8 ? 'quad' : size === 4 ? 'long' : size === 2 ? 'short' : 'byte'}`, first?.col ?? 0, cur.lastEnd);
    for (const e of values) {
      if (e.symbols.length === 0) {
        checkFits(e.constant, size, e);
        pushLittleEndian(s.bytes, e.constant, size);
      } else {
        s.fixups.push({ offset: s.bytes.length, size, expr: e, line: ctx.line });
        for (let i = 0; i < size; i++) s.bytes.push(0);
      }
    }
  };
}

function stringData(zeroTerminated: boolean): Handler {
  return (b, cur) => {
    const s = dataSection(b, zeroTerminated ? '.asciz' : '.ascii', cur.peek()?.col ?? 0, cur.lineEnd);
    do {
      const t = cur.next();
      if (t.kind !== 'string') throw new AsmError(`expected a string in quotes, found '${t.text}'`, t.col, t.endCol);
      s.bytes.push(...t.bytes!);
      if (zeroTerminated) s.bytes.push(0);
    } while (cur.eatPunct(','));
  };
}

/** `.zero N[, fill]`, `.space N[, fill]` */
const fillData: Handler = (b, cur) => {
  const start = cur.peek()?.col ?? 0;
  const [countExpr, fillExpr] = exprList(cur);
  const s = dataSection(b, '.zero', start, cur.lastEnd);
  const count = constExpr(countExpr, 'a byte count');
  if (count < 0n || count > 1n << 24n) throw new AsmError(`byte count ${count} is out of range`, countExpr.col, countExpr.endCol);
  const fill = fillExpr ? Number(BigInt.asUintN(8, constExpr(fillExpr, 'a fill byte'))) : 0;
  for (let i = 0n; i < count; i++) s.bytes.push(fill);
};

function leb128(signed: boolean): Handler {
  return (b, cur) => {
    const start = cur.peek()?.col ?? 0;
    const values = exprList(cur);
    const s = dataSection(b, signed ? '.sleb128' : '.uleb128', start, cur.lastEnd);
    for (const e of values) {
      const v = evalExpr(e, (n) => b.place(n));
      if (v.kind !== 'const') throw new AsmError(`${e.text} must be a constant or a difference of labels defined before it`, e.col, e.endCol, 'asm/expression');
      let x = signed ? v.value : BigInt.asUintN(64, v.value);
      for (;;) {
        const byte = Number(x & 0x7fn);
        x >>= 7n;
        const done = signed ? (x === 0n && (byte & 0x40) === 0) || (x === -1n && (byte & 0x40) !== 0) : x === 0n;
        s.bytes.push(done ? byte : byte | 0x80);
        if (done) break;
      }
    }
  };
}

/** Alignment in bytes: `.p2align` takes a power of two, `.balign`/`.align` a byte count. */
function align(powerOfTwo: boolean): Handler {
  return (b, cur, ctx) => {
    const [nExpr, fillExpr] = exprList(cur);
    const n = constExpr(nExpr, 'an alignment');
    const bytes = powerOfTwo ? (n < 0n || n > 16n ? -1 : 2 ** Number(n)) : Number(n);
    if (bytes < 1 || bytes > 1 << 16 || (bytes & (bytes - 1)) !== 0) {
      throw new AsmError(`alignment ${nExpr.text} is not a power of two between 1 and 65536 bytes`, nExpr.col, nExpr.endCol);
    }
    const s = b.section();
    if (s.kind === 'code') {
      if (bytes > 8) b.report('warning', 'asm/code-alignment', `alignment of ${bytes} bytes in code section ${s.name} is ignored (instructions are 8-byte slots)`, ctx.span);
      return;
    }
    if (s.kind === undefined) return; // nothing placed yet: any position is aligned
    const fill = fillExpr ? Number(BigInt.asUintN(8, constExpr(fillExpr, 'a fill byte'))) : 0;
    while (s.bytes.length % bytes !== 0) s.bytes.push(fill);
  };
}

/** `.section NAME[, "flags"[, @type[, entsize]]]` */
const sectionDirective: Handler = (b, cur, ctx) => {
  if (cur.atEnd()) throw cur.errorHere('expected a section name');
  const first = cur.next();
  let name: string;
  if (first.kind === 'string') {
    name = new TextDecoder().decode(first.bytes);
  } else {
    while (!cur.atEnd() && !cur.isPunct(',')) cur.next();
    name = ctx.raw.slice(first.col, cur.lastEnd).trim();
  }
  let kind: SectionKind | undefined;
  if (cur.eatPunct(',')) {
    const flags = cur.next();
    if (flags.kind !== 'string') throw new AsmError(`expected section flags in quotes such as "ax", found '${flags.text}'`, flags.col, flags.endCol);
    kind = flags.text.includes('x') ? 'code' : 'data';
    while (!cur.atEnd()) cur.next(); // @progbits / @nobits and entry size do not change what we build
  }
  b.switchTo(name, kind);
};

function names(cur: TokenCursor): { text: string; col: number; endCol: number }[] {
  const out = [cur.expectName('a symbol name')];
  while (cur.eatPunct(',')) out.push(cur.expectName('a symbol name'));
  return out;
}

function spanOf(ctx: DirectiveContext, t: { col: number; endCol: number }): Span {
  return { line: ctx.line, col: t.col, endLine: ctx.line, endCol: t.endCol };
}

const TYPES: Record<string, 'func' | 'object' | 'notype'> = {
  function: 'func', STT_FUNC: 'func', object: 'object', STT_OBJECT: 'object', notype: 'notype', STT_NOTYPE: 'notype',
};

/** `.type name, @function` (also `%function`, `STT_FUNC`, `"function"`). */
const typeDirective: Handler = (b, cur, ctx) => {
  const name = cur.expectName('a symbol name');
  cur.expectPunct(',');
  if (!cur.eatPunct('@')) cur.eatPunct('%');
  const t = cur.next();
  const type = TYPES[t.kind === 'string' ? new TextDecoder().decode(t.bytes) : t.text];
  if (!type) throw new AsmError(`unknown symbol type ${t.text} (expected @function, @object or @notype)`, t.col, t.endCol);
  b.attrsOf(name.text, spanOf(ctx, name)).type = type;
};

const sizeDirective: Handler = (b, cur, ctx) => {
  const name = cur.expectName('a symbol name');
  cur.expectPunct(',');
  b.attrsOf(name.text, spanOf(ctx, name)).size = { expr: parseExpr(cur), line: ctx.line };
};

function binding(global: boolean): Handler {
  return (b, cur, ctx) => {
    for (const n of names(cur)) b.attrsOf(n.text, spanOf(ctx, n)).global = global;
  };
}

function switchNamed(name: string, kind: SectionKind): Handler {
  return (b) => void b.switchTo(name, kind);
}

const DIRECTIVES: Record<string, Handler> = {
  '.text': switchNamed('.text', 'code'),
  '.data': switchNamed('.data', 'data'),
  '.bss': switchNamed('.bss', 'data'),
  '.section': sectionDirective,
  '.pushsection': (b, cur, ctx) => {
    if (b.current) b.stack.push(b.current.name);
    sectionDirective(b, cur, ctx);
  },
  '.popsection': (b, _cur, ctx) => {
    const name = b.stack.pop();
    if (name === undefined) throw new AsmError('.popsection without .pushsection', ctx.span.col, ctx.span.endCol);
    b.switchTo(name, undefined);
  },
  '.previous': (b) => {
    if (b.previous !== undefined) b.switchTo(b.previous, undefined);
  },
  '.globl': binding(true), '.global': binding(true), '.weak': binding(true), '.local': binding(false),
  '.type': typeDirective,
  '.size': sizeDirective,
  '.byte': integerData(1), '.short': integerData(2), '.hword': integerData(2), '.2byte': integerData(2), '.value': integerData(2),
  '.long': integerData(4), '.int': integerData(4), '.4byte': integerData(4),
  '.quad': integerData(8), '.8byte': integerData(8),
  '.ascii': stringData(false), '.asciz': stringData(true), '.string': stringData(true),
  '.zero': fillData, '.space': fillData, '.skip': fillData,
  '.uleb128': leb128(false), '.sleb128': leb128(true),
  '.p2align': align(true), '.align': align(false), '.balign': align(false),
  '.loc': (b, cur, ctx) => {
    while (!cur.atEnd()) cur.next();
    if (b.locNoted) return;
    b.locNoted = true;
    b.report('info', 'asm/no-line-table', '.loc directives are not turned into a .debug_line table (the line info in .BTF.ext is kept)', ctx.span);
  },
};

/** Metadata for debuggers and linkers that does not change the bytes we build. */
const SILENT = /^\.(file|cfi_\w+|addrsig|addrsig_sym|ident|hidden|protected|internal|end)$/;

/** Runs the directive at the cursor; the cursor is on its name. */
export function applyDirective(b: AsmBuilder, cur: TokenCursor, ctx: DirectiveContext): void {
  const nameTok = cur.next();
  const handler = DIRECTIVES[nameTok.text];
  if (handler) {
    handler(b, cur, ctx);
    cur.expectEnd();
    return;
  }
  if (SILENT.test(nameTok.text)) return;
  b.report('warning', 'asm/unknown-directive', `unknown directive ${nameTok.text} is ignored`, spanOf(ctx, nameTok));
}
