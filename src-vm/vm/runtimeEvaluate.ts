// Debugger expressions over a stopped program: builds the ExprScope of a
// frame (its registers as registerAt knows them, memory through the Vm's
// regions, context fields through their field semantics) and turns results
// into what the debugger shows — `0x2a (42)`, a pointer as `region + offset`,
// a struct global as hex bytes, a char array as a string, a map as its kind
// and element count — or, for a logpoint, the short form (`42`). A lone
// register keeps the register view of runtimeInspect. Pure.

import { FRAME_POINTER } from '../isa/opcodes';
import type { Expr } from './expr/ast';
import { evaluateCondition, evaluateExpr, littleEndian, type ExprValue } from './expr/evaluate';
import { parseExpression } from './expr/parser';
import type { ExprScope, ExprSymbols } from './expr/scope';
import type { Vm } from './interpreter';
import type { BreakpointJudge } from './runtimeBreakpoints';
import { offsetIn } from './memory';
import { evaluateRegister, formatBytes, formatValue, registerAt, registerView } from './runtimeInspect';
import type { RegisterView } from './runtimeTypes';

/** An evaluated expression as the debugger shows it; `value` is set for numbers (as 64 bits). */
export interface EvaluationView {
  name: string;
  value?: bigint;
  text: string;
  type: string;
  pointsTo?: RegisterView['pointsTo'];
}

const LONE_REGISTER = /^\s*%?[rw]\d{1,2}\s*$/;

/** The scope of frame `depth` of `vm`. */
export function vmScope(vm: Vm, depth: number, symbols?: ExprSymbols): ExprScope {
  return {
    symbols,
    register(reg) {
      const v = registerAt(vm, depth, reg);
      return v ?? `r${reg} is not preserved across the call this frame is waiting on (only r6..r${FRAME_POINTER} are)`;
    },
    load(address, size) {
      const region = vm.memory.regionOf(address);
      if (region?.fields && address >> 32n !== 0n) {
        const got = region.fields.load(offsetIn(address), size, false);
        return typeof got === 'string' ? `read of ${size} bytes at 0x${address.toString(16)}: ${region.name}: ${got}` : got;
      }
      const bytes = vm.memory.read(address, size);
      return bytes ? littleEndian(bytes) : vm.memory.describeFault({ address, size, write: false });
    },
  };
}

function charString(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  const text = bytes.subarray(0, end < 0 ? bytes.length : end);
  if (![...text].every((b) => b >= 0x20 && b < 0x7f)) return undefined;
  return JSON.stringify(String.fromCharCode(...text));
}

/** `value` as the debugger shows it, named `name`. */
export function valueView(vm: Vm, name: string, v: ExprValue): EvaluationView {
  switch (v.kind) {
    case 'scalar': {
      const bits = v.type.kind === 'int' ? v.type.size * 8 : 64;
      const raw = BigInt.asUintN(64, v.value);
      const typeText = v.type.kind === 'int' ? v.type.name : 'pointer';
      if (bits === 64) {
        const view = registerView(vm, name, raw);
        return view.pointsTo ? view : { ...view, type: typeText };
      }
      return { name, value: raw, text: formatValue(BigInt.asUintN(bits, v.value), bits), type: typeText };
    }
    case 'bytes': {
      const asString = v.element?.size === 1 ? charString(v.bytes) : undefined;
      return { name, text: asString ?? formatBytes(v.bytes), type: v.typeName };
    }
    case 'map': {
      const m = v.map;
      const n = m.count();
      return {
        name, type: `${m.type} map`,
        text: `${m.type} map '${m.name}': ${n} element${n === 1 ? '' : 's'} (of at most ${m.maxEntries}; keys ${m.keySize} bytes, values ${m.valueSize} bytes)`,
      };
    }
    case 'missing':
      return { name, text: v.message, type: 'no element' };
  }
}

/** `value` in a logpoint message: numbers in decimal (pointers as region + offset), the rest as evaluate shows them. */
export function logText(vm: Vm, v: ExprValue): string {
  if (v.kind !== 'scalar') return valueView(vm, '', v).text;
  const view = v.type.kind === 'ptr' || (v.type.kind === 'int' && v.type.size === 8) ? registerView(vm, '', BigInt.asUintN(64, v.value)) : undefined;
  return view?.pointsTo ? view.text : v.value.toString();
}

/** Evaluates `expression` in frame `depth`: a register alone as runtimeInspect shows it, anything else through the expression language. */
export function evaluateAt(vm: Vm, depth: number, expression: string, symbols?: ExprSymbols): EvaluationView | { error: string } {
  if (LONE_REGISTER.test(expression)) return evaluateRegister(vm, depth, expression);
  const parsed = parseExpression(expression);
  if ('error' in parsed) return parsed;
  const result = evaluateExpr(parsed.expr, vmScope(vm, depth, symbols));
  return 'error' in result ? result : valueView(vm, expression.trim(), result);
}

/** How breakpoints at the Vm's pc evaluate their conditions and log messages: in the innermost frame. */
export function breakpointJudge(vm: Vm, symbols?: ExprSymbols): BreakpointJudge {
  const scope = vmScope(vm, vm.frames.length, symbols);
  return {
    condition: (expr: Expr) => evaluateCondition(expr, scope),
    show: (expr: Expr) => {
      const result = evaluateExpr(expr, scope);
      return 'error' in result ? `<${result.error}>` : logText(vm, result);
    },
  };
}
