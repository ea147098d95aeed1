// The assembler's working state while it reads a file: sections with their
// slots or bytes, labels and where they sit, symbol attributes from
// directives, and everything that waits for the second pass (label and symbol
// references of instructions, symbol expressions in data). Pure.

import type { Diagnostic, Severity, Span } from '../diagnostics';
import type { Insn } from '../isa/insn';
import type { Expr, SymbolPlace } from './expr';
import type { ParsedInsn } from './operands';

export type SectionKind = 'code' | 'data';

export interface SectionState {
  name: string;
  /** Undecided until the first instruction or data, for a `.section` without flags. */
  kind: SectionKind | undefined;
  insns: Insn[];
  spans: (Span | undefined)[];
  /** Instructions that refer to labels or symbols, or have a target to check, by first slot. */
  pending: { idx: number; parsed: ParsedInsn; line: number }[];
  bytes: number[];
  /** Data whose value depends on symbols: written once every label is placed. */
  fixups: { offset: number; size: 1 | 2 | 4 | 8; expr: Expr; line: number }[];
}

export interface LabelDef {
  name: string;
  section: string;
  /** Slot index in a code section, byte offset in a data section. */
  offset: number;
  span: Span;
}

export interface SymbolAttrs {
  global?: boolean;
  type?: 'func' | 'object' | 'notype';
  size?: { expr: Expr; line: number };
  /** Where the first directive naming it is, for messages. */
  span: Span;
}

const CODE_NAMES = /^\.text(\..*)?$/;
const DATA_NAMES = /^(\.data|\.rodata|\.bss|\.tbss|\.tdata|\.BTF|\.debug_|\.maps$|maps$|license$|version$|\.comment$|\.note)/;

/** Whether a section is code or data from its name alone, when its flags do not say. */
export function kindFromName(name: string): SectionKind | undefined {
  if (CODE_NAMES.test(name)) return 'code';
  if (DATA_NAMES.test(name)) return 'data';
  return undefined;
}

export class AsmBuilder {
  readonly sections = new Map<string, SectionState>();
  readonly labels = new Map<string, LabelDef>();
  readonly attrs = new Map<string, SymbolAttrs>();
  readonly diagnostics: Diagnostic[] = [];
  /** Section stack for `.pushsection`/`.popsection`, and the one before for `.previous`. */
  readonly stack: string[] = [];
  previous: string | undefined;
  current: SectionState | undefined;
  /** The one note that `.loc` lines are not compiled into .debug_line has been given. */
  locNoted = false;

  report(severity: Severity, code: string, message: string, span: Span): void {
    this.diagnostics.push({ severity, code, message, span });
  }

  /** Switches to `name`, creating it; `kind` settles an undecided section. */
  switchTo(name: string, kind: SectionKind | undefined): SectionState {
    let s = this.sections.get(name);
    if (!s) {
      s = { name, kind: kind ?? kindFromName(name), insns: [], spans: [], pending: [], bytes: [], fixups: [] };
      this.sections.set(name, s);
    } else if (s.kind === undefined) {
      s.kind = kind;
    }
    if (this.current && this.current !== s) this.previous = this.current.name;
    this.current = s;
    return s;
  }

  /** The current section; instructions before any section directive go to `.text`. */
  section(): SectionState {
    return this.current ?? this.switchTo('.text', 'code');
  }

  attrsOf(name: string, span: Span): SymbolAttrs {
    let a = this.attrs.get(name);
    if (!a) {
      a = { span };
      this.attrs.set(name, a);
    }
    return a;
  }

  /** Section and byte offset of a label, for expressions. */
  place(name: string): SymbolPlace | undefined {
    const l = this.labels.get(name);
    if (!l) return undefined;
    const kind = this.sections.get(l.section)?.kind;
    return { section: l.section, byteOffset: kind === 'code' ? l.offset * 8 : l.offset };
  }

  /** Current position in `s`: slot index for code, byte offset for data. */
  static position(s: SectionState): number {
    return s.kind === 'code' ? s.insns.length : s.bytes.length;
  }
}
