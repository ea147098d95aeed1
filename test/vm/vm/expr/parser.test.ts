// The expression parser: C precedence and associativity (shown as fully
// parenthesised trees), casts, loads, indexing and calls; and every syntax
// error as the sentence users read, with its column. One table row per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../../../src-vm/vm/expr/ast';
import { typeName } from '../../../../src-vm/vm/expr/cTypes';
import { parseExpression } from '../../../../src-vm/vm/expr/parser';

/** The tree as a fully parenthesised string. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number': return `${e.value}:${typeName(e.type)}`;
    case 'register': return `${e.wide ? 'r' : 'w'}${e.reg}`;
    case 'name': return e.name;
    case 'unary': return `(${e.op}${show(e.operand)})`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'conditional': return `(${show(e.test)} ? ${show(e.then)} : ${show(e.otherwise)})`;
    case 'cast': return `((${typeName(e.type)})${show(e.operand)})`;
    case 'deref': return `(*${show(e.operand)})`;
    case 'index': return `${show(e.target)}[${show(e.index)}]`;
    case 'call': return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}

const TREES: readonly [string, string][] = [
  ['1 + 2 * 3', '(1:int + (2:int * 3:int))'],
  ['1 - 2 - 3', '((1:int - 2:int) - 3:int)'],
  ['r1 << 2 + 1', '(r1 << (2:int + 1:int))'],
  ['r1 & 0xff == 8', '(r1 & (255:int == 8:int))'],
  ['a || b && c | d ^ e & f', '(a || (b && (c | (d ^ (e & f)))))'],
  ['r1 < 2 == r2 >= 3', '((r1 < 2:int) == (r2 >= 3:int))'],
  ['r1 ? 1 : r2 ? 2 : 3', '(r1 ? 1:int : (r2 ? 2:int : 3:int))'],
  ['-r1 * ~w2', '((-r1) * (~w2))'],
  ['!!r0', '(!(!r0))'],
  ['*(u8 *)(r2 + 12) == 0x08', '((*((u8 *)(r2 + 12:int))) == 8:int)'],
  ['*(unsigned long long *)r10', '(*((unsigned long long *)r10))'],
  ['*(u64 **)r1', '(*((u64 **)r1))'],
  ['(void *)r1', '((void *)r1)'],
  ['(u32)r1 + 1', '(((u32)r1) + 1:int)'],
  ['counts[r1 + 1]', 'counts[(r1 + 1:int)]'],
  ['m[1][2]', 'm[1:int][2:int]'],
  ['ntohs(*(__be16 *)(r1 + 12))', 'ntohs((*((__be16 *)(r1 + 12:int))))'],
  ['%r1 % %w2', '(r1 % w2)'],
  ['0xffffffff', '4294967295:unsigned int'],
  ['4294967295', '4294967295:s64'],
  ['0x8000000000000000', '9223372036854775808:u64'],
  ['1ul', '1:u64'],
  ["'\\0'", '0:int'],
];

const ERRORS: readonly [string, string][] = [
  ['', 'column 1: the expression is empty'],
  ['r1 +', "column 5: expected an expression after '+'"],
  ['(r1 + 2', "column 8: expected ')' to close the '(' at column 1, found the end of the expression"],
  ['r1 r2', "column 4: 'r2' cannot follow a complete expression; an operator is missing before it"],
  ['r11', 'column 1: there is no register r11 (registers are r0..r10, and w0..w10 for their low 32 bits)'],
  ['w01', 'column 1: there is no register w01 (registers are r0..r10, and w0..w10 for their low 32 bits)'],
  ['r1 $ 2', "column 4: '$' cannot appear in an expression"],
  ['12ab', "column 1: '12ab' is not a number (write decimal 42, hex 0x2a, octal 052 or binary 0b101010)"],
  ['0x1ffffffffffffffff', 'column 1: 0x1ffffffffffffffff does not fit in 64 bits'],
  ["'ab'", "column 1: a character literal is one character between quotes, such as 'a' or '\\n'"],
  ["'\\q'", "column 1: unknown escape '\\q' in a character literal"],
  ['*(struct iphdr *)r1', "column 3: casts to struct types are not supported; cast to an integer type such as (u32 *) and add the field's offset"],
  ['(unsigned banana)r1', "column 11: 'unsigned banana' is not a type name (such as u8, __u32, __be16, unsigned int)"],
  ['(void)r1', 'column 2: a cast to void has no value; cast to a pointer, as in (void *)'],
  ['(u32 *', "column 7: expected ')' to close the '(' at column 1, found the end of the expression"],
  ['&r1', "column 1: '&' (address of) is not supported: registers and map values have no address to take"],
  ['counts[1', "column 9: expected ']' to close the '[' at column 7, found the end of the expression"],
  ['frob(1)', "column 1: 'frob' is not a function expressions can call (they can call ntohs, htons, bpf_ntohs, bpf_htons and the other byte-order conversions)"],
  ['ntohs(1, 2)', 'column 8: ntohs takes one argument'],
  ['ntohs()', 'column 7: ntohs takes one argument'],
  ['r1 ? 2', "column 7: expected ':' to close the '?' at column 4, found the end of the expression"],
  ['()', "column 2: expected an expression between '(' and ')'"],
  ['-', "column 2: expected an expression after '-'"],
  [')', "column 1: expected a register, number or name, found ')'"],
];

test('expressions parse with C precedence and associativity', () => {
  for (const [text, tree] of TREES) {
    const parsed = parseExpression(text);
    assert.ok('expr' in parsed, `${text}: ${'error' in parsed ? parsed.error : ''}`);
    assert.equal(show(parsed.expr), tree, text);
  }
});

test('syntax errors say what is wrong and at which column', () => {
  for (const [text, error] of ERRORS) assert.deepEqual(parseExpression(text), { error }, text);
});

test('every node keeps the column it starts at', () => {
  const parsed = parseExpression('  r1 + *(u8 *)(r2 + 3)');
  assert.ok('expr' in parsed && parsed.expr.kind === 'binary');
  assert.deepEqual([parsed.expr.col, parsed.expr.left.col, parsed.expr.right.col], [3, 3, 8]);
});
