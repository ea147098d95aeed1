// Socket structure accesses (src-vm/verifier/checks/sockAccess.ts): the
// per-field load rules of bpf_sock, bpf_sock_common, bpf_tcp_sock and
// bpf_xdp_sock (net/core/filter.c's *_is_valid_access) as a golden table,
// and the kernel's messages for stores and refused loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSockAccess, isSockPointer, sockLoadAllowed, type SockType } from '../../../../src-vm/verifier/checks/sockAccess';
import { pointerReg, unknownScalar } from '../../../../src-vm/verifier/regState';

/** [type, off, size, allowed] */
const LOADS: [SockType, number, number, boolean][] = [
  ['sock', 0, 4, true], ['sock', 0, 2, false], ['sock', 0, 8, false], // bound_dev_if: whole word only
  ['sock', 4, 4, true], ['sock', 4, 1, true], ['sock', 5, 1, false], // family: narrow from its first byte
  ['sock', 16, 4, true], ['sock', 16, 2, false], // mark
  ['sock', 25, 1, true], ['sock', 26, 2, true], ['sock', 40, 4, true], ['sock', 40, 8, false], // addresses
  ['sock', 44, 2, true], ['sock', 48, 4, true], ['sock', 48, 2, true], ['sock', 49, 1, true], // src_port, dst_port
  ['sock', 50, 2, false], ['sock', 50, 1, false], // padding after dst_port
  ['sock', 72, 1, true], ['sock', 76, 4, true], ['sock', 80, 4, false], ['sock', -4, 4, false], ['sock', 6, 4, false],
  ['sock_common', 4, 4, true], ['sock_common', 8, 4, false], ['sock_common', 20, 4, false], ['sock_common', 24, 4, true],
  ['sock_common', 72, 4, true],
  ['tcp_sock', 0, 4, true], ['tcp_sock', 0, 2, false], ['tcp_sock', 80, 8, true], ['tcp_sock', 80, 4, false],
  ['tcp_sock', 84, 4, true], ['tcp_sock', 88, 8, true], ['tcp_sock', 108, 4, true], ['tcp_sock', 112, 4, false],
  ['xdp_sock', 0, 4, true], ['xdp_sock', 0, 2, false], ['xdp_sock', 4, 4, false],
];

test('socket structure loads follow the kernel field rules', () => {
  for (const [type, off, size, allowed] of LOADS) {
    assert.equal(sockLoadAllowed(type, off, size), allowed, `${type} off=${off} size=${size}`);
  }
});

test('stores into a socket are refused before anything else, with the type name', () => {
  const err = checkSockAccess(3, 0, pointerReg('sock'), 4, 4, true);
  assert.equal(err?.message, 'R0 cannot write into sock');
  assert.equal(err?.insnIdx, 3);
});

test('a refused load names the register, its type, offset and size', () => {
  assert.equal(checkSockAccess(1, 2, pointerReg('tcp_sock'), 80, 4, false)?.message, 'R2 invalid tcp_sock access off=80 size=4');
  assert.equal(checkSockAccess(1, 2, pointerReg('sock_common'), 4, 4, false), undefined);
});

test('only the four socket types are socket pointers', () => {
  assert.ok(isSockPointer(pointerReg('xdp_sock')));
  assert.ok(!isSockPointer(pointerReg('ctx')));
  assert.ok(!isSockPointer(unknownScalar()));
});
