// parseHexBytes: the hex-text byte format of --mem and the debugger's `mem`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHexBytes } from '../../src-vm/hexBytes';

const HEX: [string, number[] | string][] = [
  ['', []],
  ['aabbcc', [0xaa, 0xbb, 0xcc]],
  ['aa bb\tcc', [0xaa, 0xbb, 0xcc]],
  ['0xAA, 0x0b,0c', [0xaa, 0x0b, 0x0c]],
  ['aa b', "not a hex byte string at position 3: 'b' is not a whole number of bytes (two hex digits each)"],
  ['0x', "not a hex byte string at position 0: '0x' is not a whole number of bytes (two hex digits each)"],
  ['12 g4', "not a hex byte string at position 3: 'g' is not a hex digit"],
];

test('parseHexBytes: bytes, or the position of the first bad character', () => {
  for (const [text, expected] of HEX) {
    const r = parseHexBytes(text);
    assert.deepEqual('bytes' in r ? [...r.bytes] : r.error, expected, JSON.stringify(text));
  }
});

test('parseHexBytes: # comments are skipped and positions still count them', () => {
  const r = parseHexBytes('# packet\naa bb # tail\ncc');
  assert.deepEqual('bytes' in r ? [...r.bytes] : r.error, [0xaa, 0xbb, 0xcc]);
  const bad = parseHexBytes('# x\nzz');
  assert.deepEqual('error' in bad ? bad.error : '', "not a hex byte string at position 4: 'z' is not a hex digit");
});
