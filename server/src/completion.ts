// Completions read from the core's tables. Assembly: the helper table (after
// `call`), labels of the document (after `goto` or as a conformance jump
// target), statement keywords / conformance mnemonics at the start of a
// statement, registers, byte-swap operators and the document's maps and data
// labels (`r1 = map ll`) elsewhere. C: helper names (`bpf_…`) with their
// prototypes and descriptions, next to clangd's own. Pure; LSP types only.

import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { CONFORMANCE_MNEMONICS, HELPERS, OPCODE_TABLE, REG_COUNT, type Dialect, type FieldRule } from '../../src-vm/index';

/** Words that start a statement in the LLVM/kernel dialect (the rest start with a register or `*(`). */
const LLVM_STATEMENT_KEYWORDS: readonly [string, string][] = [
  ['if', 'if r1 > r2 goto label — conditional jump'],
  ['goto', 'goto label — unconditional jump'],
  ['gotol', 'gotol label — jump with a 32-bit offset'],
  ['call', 'call bpf_helper / call function — helper or bpf-to-bpf call'],
  ['callx', 'callx r1 — indirect call'],
  ['exit', 'exit — return r0'],
  ['lock', 'lock *(u64 *)(r1 + 0) += r2 — atomic operation'],
  ['may_goto', 'may_goto label — bounded-loop escape'],
];

/** `*(u32 *)(r1 + 0)` access widths, sign-extending `(s8)` moves. */
const LLVM_OPERAND_WORDS: readonly [string, string][] = [
  ['u8', 'byte access'], ['u16', 'half-word access'], ['u32', 'word access'], ['u64', 'double-word access'],
  ['s8', 'sign-extending byte load or move'], ['s16', 'sign-extending half-word load or move'],
  ['s32', 'sign-extending word load or move'], ['ll', 'lddw: 64-bit immediate (two slots)'],
];

function item(label: string, kind: CompletionItemKind, detail?: string, extra: Partial<CompletionItem> = {}): CompletionItem {
  return { label, kind, ...(detail !== undefined ? { detail } : {}), ...extra };
}

function registerItems(dialect: Dialect): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (let n = 0; n < REG_COUNT; n++) {
    const role = n === 0 ? 'return value' : n <= 5 ? `argument ${n}` : n === 10 ? 'frame pointer (read-only)' : 'callee-saved';
    if (dialect === 'conformance') {
      out.push(item(`%r${n}`, CompletionItemKind.Variable, `register r${n}: ${role}`));
    } else {
      out.push(item(`r${n}`, CompletionItemKind.Variable, `64-bit register: ${role}`));
      out.push(item(`w${n}`, CompletionItemKind.Variable, `low 32 bits of r${n}`));
    }
  }
  return out;
}

/** `be16`, `le64`, `bswap32`…: the byte-swap rows of the opcode table times their allowed widths. */
function byteSwapItems(): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const row of OPCODE_TABLE.filter((r) => r.kind === 'end')) {
    const widths: FieldRule = row.rules.imm;
    if (!Array.isArray(widths)) continue;
    for (const w of widths) out.push(item(`${row.name}${w}`, CompletionItemKind.Operator, `byte swap (opcode 0x${row.code.toString(16)}, ${w} bits)`));
  }
  return out;
}

function helperItems(dialect: Dialect): CompletionItem[] {
  return HELPERS.filter((h) => h.id !== 0).map((h) => {
    const name = `bpf_${h.name}`;
    const documentation = [h.proto, h.summary].filter((s) => s !== undefined).join('\n\n');
    return item(name, CompletionItemKind.Function, `helper #${h.id}`, {
      documentation: documentation || undefined,
      // The conformance dialect calls helpers by number only.
      ...(dialect === 'conformance' ? { insertText: String(h.id), filterText: name } : {}),
      sortText: String(h.id).padStart(4, '0'),
    });
  });
}

/** Labels defined in the document (`name:` at the start of a line), whether or not it assembles. */
export function documentLabels(text: string): string[] {
  const labels = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*([A-Za-z_.$][\w.$]*)[ \t]*:/gm)) labels.add(m[1]);
  return [...labels];
}

function labelItems(text: string): CompletionItem[] {
  return documentLabels(text).map((l) => item(l, CompletionItemKind.Reference, 'label'));
}

type Place = 'call' | 'jumpTarget' | 'statementStart' | 'operand';

/** What the text before the cursor asks for. */
export function completionPlace(linePrefix: string, dialect: Dialect): Place {
  const code = linePrefix.replace(/^[ \t]*[A-Za-z_.$][\w.$]*[ \t]*:/, '');
  if (/\bcall[ \t]+[\w.$]*$/.test(code)) return 'call';
  if (dialect === 'llvm' && /\b(goto|gotol|may_goto)[ \t]+[\w.$+-]*$/.test(code)) return 'jumpTarget';
  if (dialect === 'conformance' && /^[ \t]*j\w*[ \t]+[^,]*,[^,]*,[ \t]*[\w.$+-]*$/.test(code)) return 'jumpTarget';
  if (dialect === 'conformance' && /^[ \t]*ja[ \t]+[\w.$+-]*$/.test(code)) return 'jumpTarget';
  if (/^[ \t]*[\w.$]*$/.test(code)) return 'statementStart';
  return 'operand';
}

function statementItems(dialect: Dialect): CompletionItem[] {
  if (dialect === 'conformance') {
    return CONFORMANCE_MNEMONICS.map((m) => item(m, CompletionItemKind.Keyword, 'instruction'));
  }
  const keywords = LLVM_STATEMENT_KEYWORDS.map(([k, d]) => item(k, CompletionItemKind.Keyword, d));
  return [...keywords, ...registerItems(dialect)];
}

function operandItems(dialect: Dialect, text: string): CompletionItem[] {
  if (dialect === 'conformance') return registerItems(dialect);
  const words = LLVM_OPERAND_WORDS.map(([w, d]) => item(w, CompletionItemKind.Keyword, d));
  // `r1 = counts ll` loads a map (or a data label's address): every label may be one.
  const symbols = documentLabels(text).map((l) => item(l, CompletionItemKind.Reference, 'label or map (r1 = name ll)'));
  return [...registerItems(dialect), ...byteSwapItems(), ...words, item('goto', CompletionItemKind.Keyword, 'jump target follows'), ...symbols];
}

/** Completion items at `position` of `text`, for a document in `dialect`. */
export function asmCompletions(text: string, position: Position, dialect: Dialect): CompletionItem[] {
  const line = text.split(/\r?\n/)[position.line] ?? '';
  const prefix = line.slice(0, position.character);
  if (/(#|\/\/|;)/.test(prefix.replace(/"[^"]*"/g, ''))) return [];
  switch (completionPlace(prefix, dialect)) {
    case 'call': return dialect === 'llvm' ? [...helperItems(dialect), ...labelItems(text)] : helperItems(dialect);
    case 'jumpTarget': return labelItems(text);
    case 'statementStart': return statementItems(dialect);
    case 'operand': return operandItems(dialect, text);
  }
}

/** The helper items of C: the name with its C prototype as detail and the kernel's description. */
function cHelperItems(): CompletionItem[] {
  return HELPERS.filter((h) => h.id !== 0).map((h) => item(`bpf_${h.name}`, CompletionItemKind.Function, h.proto ?? `helper #${h.id}`, {
    ...(h.summary !== undefined ? { documentation: `${h.summary}\n\nhelper #${h.id}` } : {}),
    sortText: `bpf_${h.name}`,
  }));
}

/** C: helper names when the identifier being typed could be one (`b`, `bp`, `bpf`, `bpf_ma…`); nothing in comments or strings. */
export function cCompletions(text: string, position: Position): CompletionItem[] {
  const line = text.split(/\r?\n/)[position.line] ?? '';
  const prefix = line.slice(0, position.character);
  const code = prefix.replace(/"(?:[^"\\]|\\.)*"/g, 'S');
  if (/\/\/|\/\*|"|^\s*#\s*include/.test(code)) return [];
  const word = /[A-Za-z_]\w*$/.exec(code)?.[0] ?? '';
  if (word === '' || !(word.startsWith('bpf_') || 'bpf_'.startsWith(word))) return [];
  return cHelperItems();
}
