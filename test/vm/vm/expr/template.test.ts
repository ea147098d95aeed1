// Logpoint templates: literal text, `{expression}` parts, `{{`/`}}` braces,
// and mistakes reported with their column in the whole message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate } from '../../../../src-vm/vm/expr/template';

const RENDERED: readonly [string, string][] = [
  ['plain text', 'plain text'],
  ['r1={r1}', 'r1=<r1>'],
  ['{r1}{ r2 + 1 }!', '<r1>< r2 + 1 >!'],
  ['{{literal}} {*(u8 *)(r2 + 12)}', '{literal} <*(u8 *)(r2 + 12)>'],
  ['', ''],
];

const ERRORS: readonly [string, string][] = [
  ['x = {r1', "column 5: this '{' is not closed (write {{ for a brace)"],
  ['x } y', "column 3: '}' closes no '{' (write }} for a brace)"],
  ['a {r1 +} b', "column 8: expected an expression after '+'"],
  ['{}', 'column 2: the expression is empty'],
];

test('logpoint messages interpolate their {expressions}', () => {
  for (const [message, expected] of RENDERED) {
    const parsed = parseTemplate(message);
    assert.ok('parts' in parsed, message);
    const texts = parsed.parts.map((p) => (typeof p === 'string' ? undefined : p.text)).filter((t) => t !== undefined);
    let i = 0;
    assert.equal(renderTemplate(parsed.parts, () => `<${texts[i++]}>`), expected, message);
  }
});

test('a broken logpoint message says where', () => {
  for (const [message, error] of ERRORS) assert.deepEqual(parseTemplate(message), { error }, message);
});
