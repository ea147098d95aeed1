// Evaluates a parsed debugger expression over an ExprScope with C's rules:
// integer promotions and the usual arithmetic conversions, wrap-around at the
// type's width, signed or unsigned comparisons and shifts by type, pointer
// arithmetic scaled by the pointee's size, short-circuit `&&`, `||` and
// `?:` (so `r2 && *(u8 *)r2` never reads through NULL), loads through
// casts, and `map[key]` lookups. Division by zero, shifts past the width
// and unreadable memory are errors naming their column. Pure.

import type { BinaryOp, Expr } from './ast';
import { BUILTINS } from './builtins';
import { commonType, INT, normalize, promote, S64, sizeOf, U32, U64, typeName, type CType, type IntType, type PtrType } from './cTypes';
import type { ExprMap, ExprScope } from './scope';

export type ExprValue =
  | { kind: 'scalar'; value: bigint; type: CType }
  /** A value too wide for a number (a struct global, a 16-byte map value), or an array. */
  | { kind: 'bytes'; bytes: Uint8Array; typeName: string; element?: IntType }
  /** A map named on its own. */
  | { kind: 'map'; map: ExprMap }
  /** A map lookup that found no element: `message` says so. */
  | { kind: 'missing'; message: string };

export type EvalResult = ExprValue | { error: string };

class EvalError {
  constructor(readonly message: string) {}
}

const fail = (col: number, message: string): EvalError => new EvalError(`column ${col}: ${message}`);

/** The unsigned type a value of `size` bytes reads as (3 bytes as a u32…), when it fits in 8. */
const uintOfSize = (size: number): IntType | undefined =>
  size === 0 || size > 8 ? undefined : size === 1 ? { kind: 'int', size: 1, signed: false, name: 'u8' }
    : size === 2 ? { kind: 'int', size: 2, signed: false, name: 'u16' } : size <= 4 ? U32 : U64;

export function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

function toBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

class Evaluator {
  constructor(private readonly scope: ExprScope) {}

  value(e: Expr): ExprValue {
    switch (e.kind) {
      case 'number': return { kind: 'scalar', value: normalize(e.value, e.type), type: e.type };
      case 'register': return this.register(e.col, e.reg, e.wide);
      case 'name': return this.name(e.col, e.name);
      case 'unary': return this.unary(e.op, this.int(e.operand));
      case 'binary': return this.binary(e);
      case 'conditional': return this.truthy(e.test) ? this.value(e.then) : this.value(e.otherwise);
      case 'cast': return this.cast(e.type, this.scalar(e.operand));
      case 'deref': return this.deref(e.col, this.scalar(e.operand), e.operand);
      case 'index': return this.index(e);
      case 'call': return this.call(e.name, this.int(e.args[0]));
    }
  }

  truthy(e: Expr): boolean {
    return this.scalar(e).value !== 0n;
  }

  /** A number (integer or pointer), or an error saying what `e` is instead. */
  private scalar(e: Expr): { value: bigint; type: CType } {
    const v = this.value(e);
    if (v.kind === 'scalar') return v;
    if (v.kind === 'missing') throw fail(e.col, v.message);
    if (v.kind === 'map') throw fail(e.col, `'${v.map.name}' is a map, not a number; look an element up with ${v.map.name}[key]`);
    const what = v.element ? `; index it, as in [0]` : '';
    throw fail(e.col, `this is a ${v.bytes.length}-byte ${v.typeName}, not a number${what}`);
  }

  /** An integer: pointers take part as u64. */
  private int(e: Expr): { value: bigint; type: IntType } {
    const v = this.scalar(e);
    return v.type.kind === 'int' ? { value: v.value, type: v.type } : { value: v.value, type: U64 };
  }

  private register(col: number, reg: number, wide: boolean): ExprValue {
    const v = this.scope.register(reg);
    if (typeof v === 'string') throw fail(col, v);
    return wide ? { kind: 'scalar', value: v, type: U64 } : { kind: 'scalar', value: v & 0xffffffffn, type: U32 };
  }

  private name(col: number, name: string): ExprValue {
    const symbols = this.scope.symbols;
    const global = symbols?.global(name);
    if (global) {
      const bytes = global.bytes();
      if (typeof bytes === 'string') throw fail(col, bytes);
      const { shape } = global;
      if (shape.kind === 'int') return { kind: 'scalar', value: normalize(littleEndian(bytes), shape.type), type: shape.type };
      return { kind: 'bytes', bytes, typeName: global.typeName, element: shape.kind === 'array' ? shape.element : undefined };
    }
    const map = symbols?.map(name);
    if (map) return { kind: 'map', map };
    const constant = symbols?.constant(name);
    if (constant) return { kind: 'scalar', value: normalize(constant.value, constant.type), type: constant.type };
    const others = symbols ? 'a global variable, a map or an enum constant of the program' : 'anything this program defines (it has no global variables or maps)';
    throw fail(col, `'${name}' is not a register (r0..r10, w0..w10) nor ${others}`);
  }

  private unary(op: '-' | '+' | '~' | '!', v: { value: bigint; type: IntType }): ExprValue {
    if (op === '!') return { kind: 'scalar', value: v.value === 0n ? 1n : 0n, type: INT };
    const type = promote(v.type);
    const value = op === '-' ? -v.value : op === '~' ? ~v.value : v.value;
    return { kind: 'scalar', value: normalize(value, type), type };
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): ExprValue {
    const { op } = e;
    if (op === '&&') return this.bool(this.truthy(e.left) && this.truthy(e.right));
    if (op === '||') return this.bool(this.truthy(e.left) || this.truthy(e.right));
    const left = this.scalar(e.left);
    const right = this.scalar(e.right);
    if ((op === '+' || op === '-') && (left.type.kind === 'ptr' || right.type.kind === 'ptr')) return this.pointerArith(e, left, right);
    const l = left.type.kind === 'int' ? left as { value: bigint; type: IntType } : { value: left.value, type: U64 };
    const r = right.type.kind === 'int' ? right as { value: bigint; type: IntType } : { value: right.value, type: U64 };
    if (op === '<<' || op === '>>') return this.shift(e, op, l, r);
    const type = commonType(l.type, r.type);
    const a = normalize(l.value, type);
    const b = normalize(r.value, type);
    const compared = compare(op, a, b);
    if (compared !== undefined) return this.bool(compared);
    if ((op === '/' || op === '%') && b === 0n) throw fail(e.right.col, `${op === '/' ? 'division' : 'remainder'} by zero`);
    return { kind: 'scalar', value: normalize(arith(op, a, b), type), type };
  }

  private bool(b: boolean): ExprValue {
    return { kind: 'scalar', value: b ? 1n : 0n, type: INT };
  }

  private shift(e: Expr & { kind: 'binary' }, op: '<<' | '>>', l: { value: bigint; type: IntType }, r: { value: bigint; type: IntType }): ExprValue {
    const type = promote(l.type);
    const bits = BigInt(type.size * 8);
    if (r.value < 0n || r.value >= bits) throw fail(e.right.col, `a shift of a ${type.size * 8}-bit ${type.name} by ${r.value} is undefined (shift by 0..${bits - 1n})`);
    const value = op === '<<' ? l.value << r.value : normalize(l.value, type) >> r.value;
    return { kind: 'scalar', value: normalize(value, type), type };
  }

  /** `p + n`, `n + p`, `p - n` scale n by the pointee's size; `p - q` counts elements between them. */
  private pointerArith(e: Expr & { kind: 'binary' }, left: { value: bigint; type: CType }, right: { value: bigint; type: CType }): ExprValue {
    if (left.type.kind === 'ptr' && right.type.kind === 'ptr') {
      if (e.op === '+') throw fail(e.col, 'two pointers cannot be added');
      const size = BigInt(sizeOf(left.type.to));
      return { kind: 'scalar', value: BigInt.asIntN(64, left.value - right.value) / size, type: S64 };
    }
    if (right.type.kind === 'ptr' && e.op === '-') throw fail(e.col, 'a pointer cannot be subtracted from a number');
    const [p, n] = left.type.kind === 'ptr' ? [left as { value: bigint; type: PtrType }, right] : [right as { value: bigint; type: PtrType }, left];
    const step = normalize(n.value, n.type) * BigInt(sizeOf(p.type.to));
    return { kind: 'scalar', value: normalize(e.op === '+' ? p.value + step : p.value - step, p.type), type: p.type };
  }

  private cast(type: CType, v: { value: bigint; type: CType }): ExprValue {
    return { kind: 'scalar', value: normalize(v.value, type), type };
  }

  private deref(col: number, p: { value: bigint; type: CType }, operand: Expr): ExprValue {
    if (p.type.kind !== 'ptr') {
      const what = operand.kind === 'register' ? `${operand.wide ? 'r' : 'w'}${operand.reg}` : operand.kind === 'number' ? String(operand.value) : 'this value';
      const type = typeName(p.type);
      throw fail(col, `${what} is ${/^(int\b|unsigned)/.test(type) ? 'an' : 'a'} ${type}, not a pointer: say how many bytes to load, as in *(u32 *)(…)`);
    }
    return this.load(col, p.value, p.type.to);
  }

  private load(col: number, address: bigint, type: CType): ExprValue {
    if (type.kind === 'void') throw fail(col, 'a void pointer cannot be loaded through: cast it first, as in *(u32 *)(…)');
    const raw = this.scope.load(address, sizeOf(type));
    if (typeof raw === 'string') throw fail(col, raw);
    // A context field the kernel rewrites into a pointer (xdp_md.data) reads as the pointer the program gets.
    if (raw >> BigInt(sizeOf(type) * 8) !== 0n) return { kind: 'scalar', value: raw, type: U64 };
    return { kind: 'scalar', value: normalize(raw, type), type };
  }

  private index(e: Extract<Expr, { kind: 'index' }>): ExprValue {
    const target = this.value(e.target);
    if (target.kind === 'map') return this.lookup(e, target.map, this.int(e.index).value);
    const i = this.int(e.index);
    if (target.kind === 'bytes' && target.element) {
      const count = target.bytes.length / target.element.size;
      const at = normalize(i.value, i.type);
      if (at < 0n || at >= BigInt(count)) throw fail(e.index.col, `index ${at} is outside ${target.typeName} (${count} elements)`);
      const start = Number(at) * target.element.size;
      const bytes = target.bytes.subarray(start, start + target.element.size);
      return { kind: 'scalar', value: normalize(littleEndian(bytes), target.element), type: target.element };
    }
    if (target.kind === 'scalar' && target.type.kind === 'ptr') {
      const address = normalize(target.value + normalize(i.value, i.type) * BigInt(sizeOf(target.type.to)), U64);
      return this.load(e.col, address, target.type.to);
    }
    return this.scalarIndexError(e, target);
  }

  private scalarIndexError(e: Extract<Expr, { kind: 'index' }>, target: ExprValue): never {
    if (target.kind === 'missing') throw fail(e.target.col, target.message);
    throw fail(e.col, 'only a map, an array global or a pointer can be indexed; cast a register to a pointer first, as in ((u32 *)r2)[1]');
  }

  private lookup(e: Expr & { kind: 'index' }, map: ExprMap, key: bigint): ExprValue {
    if (map.keySize > 8 || map.keySize === 0) throw fail(e.index.col, `map '${map.name}' has ${map.keySize}-byte keys; an expression gives a key of at most 8 bytes`);
    const value = map.lookup(toBytes(key, map.keySize));
    const keyText = `0x${BigInt.asUintN(map.keySize * 8, key).toString(16)}`;
    if (typeof value === 'string') throw fail(e.col, `looking up key ${keyText} in map '${map.name}' fails: ${value}`);
    if (value === undefined) return { kind: 'missing', message: `map '${map.name}' has no element with key ${keyText}` };
    const type = uintOfSize(value.length);
    if (type) return { kind: 'scalar', value: littleEndian(value), type };
    return { kind: 'bytes', bytes: value, typeName: `value of ${map.name}` };
  }

  private call(name: string, arg: { value: bigint; type: IntType }): ExprValue {
    const fn = BUILTINS.get(name)!;
    return { kind: 'scalar', value: normalize(fn.apply(normalize(arg.value, fn.type)), fn.type), type: fn.type };
  }
}

function compare(op: BinaryOp, a: bigint, b: bigint): boolean | undefined {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default: return undefined;
  }
}

function arith(op: BinaryOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '&': return a & b;
    case '|': return a | b;
    default: return a ^ b;
  }
}

/** The value of `expr` in `scope`, or a sentence naming the problem and its column. */
export function evaluateExpr(expr: Expr, scope: ExprScope): EvalResult {
  try {
    return new Evaluator(scope).value(expr);
  } catch (e) {
    if (e instanceof EvalError) return { error: e.message };
    throw e;
  }
}

/** Whether `expr` is true (non-zero) in `scope`, or why it cannot be told. */
export function evaluateCondition(expr: Expr, scope: ExprScope): boolean | { error: string } {
  try {
    return new Evaluator(scope).truthy(expr);
  } catch (e) {
    if (e instanceof EvalError) return { error: e.message };
    throw e;
  }
}
