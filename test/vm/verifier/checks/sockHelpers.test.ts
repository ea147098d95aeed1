// Socket helper arguments and results (src-vm/verifier/checks/sockHelpers.ts):
// which register types each socket argument kind takes and the kernel's
// `expected=` lists, the release rule, the ids and references of results
// (lookups acquire, casts share), and socket-map lookups once not NULL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerifyEnv } from '../../../../src-vm/verifier/env';
import { checkSockArg, isSockArgKind, lookupAcquires, notNullType, sockReturn } from '../../../../src-vm/verifier/checks/sockHelpers';
import { constScalar, type MapRef, pointerReg } from '../../../../src-vm/verifier/regState';
import { initialState } from '../../../../src-vm/verifier/state';

const env = (): VerifyEnv => ({ insns: [], progType: 'sched_cls', maps: [], idGen: 0, forks: [] });
const map = (type: string): MapRef => ({ name: 'm', type, keySize: 4, valueSize: 4, maxEntries: 1 });

test('socket argument kinds', () => {
  for (const k of ['ARG_PTR_TO_SOCK_COMMON', 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', 'ARG_PTR_TO_SOCKET', 'ARG_PTR_TO_SOCKET_OR_NULL']) assert.ok(isSockArgKind(k));
  assert.ok(!isSockArgKind('ARG_PTR_TO_CTX'));
});

test('type mismatches print the kernel expected= lists', () => {
  const st = initialState();
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCK_COMMON', [])?.message, 'R1 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock');
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', [])?.message,
    'R1 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_');
  st.cur.regs[1] = pointerReg('sock_common');
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCKET', [])?.message, 'R1 type=sock_common expected=sock');
});

test('a maybe-NULL socket fits only a kind that allows NULL; NULL itself too', () => {
  const st = initialState();
  const r = pointerReg('sock');
  r.maybeNull = true;
  st.cur.regs[1] = r;
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCK_COMMON', [])?.message, 'R1 type=sock_or_null expected=sock_common, sock, tcp_sock, xdp_sock');
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCKET_OR_NULL', []), undefined);
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', ['PTR_MAYBE_NULL']), undefined);
  st.cur.regs[1] = constScalar(0n);
  assert.equal(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCKET_OR_NULL', []), undefined);
  assert.ok(checkSockArg(st, 0, 1, 'ARG_PTR_TO_SOCKET', []));
});

test('a release argument must hold a reference', () => {
  const st = initialState();
  st.cur.regs[1] = pointerReg('sock_common');
  assert.equal(checkSockArg(st, 4, 1, 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', ['ARG_PTR_TO_BTF_ID_SOCK_COMMON', 'OBJ_RELEASE'])?.message,
    'R1 must be referenced when passed to release function');
  st.cur.regs[1].refObjId = 2;
  assert.equal(checkSockArg(st, 4, 1, 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', ['ARG_PTR_TO_BTF_ID_SOCK_COMMON', 'OBJ_RELEASE']), undefined);
});

test('a lookup draws a NULL-check id, then acquires a reference whose id it takes', () => {
  const e = env(), st = initialState();
  const r0 = sockReturn(e, st, 8, 'RET_PTR_TO_SOCKET_OR_NULL', 'sk_lookup_tcp', 0);
  assert.equal(r0?.type, 'sock');
  assert.equal(r0?.maybeNull, true);
  assert.equal(r0?.id, 2);
  assert.equal(r0?.refObjId, 2);
  assert.deepEqual(st.refs, [{ id: 2, insnIdx: 8 }]);
});

test('a cast shares its argument reference; other socket results hold none', () => {
  const e = env(), st = initialState();
  const full = sockReturn(e, st, 3, 'RET_PTR_TO_SOCKET_OR_NULL', 'sk_fullsock', 7);
  assert.deepEqual([full?.id, full?.refObjId], [1, 7]);
  const listener = sockReturn(e, st, 3, 'RET_PTR_TO_SOCKET_OR_NULL', 'get_listener_sock', 7);
  assert.deepEqual([listener?.id, listener?.refObjId], [2, 0]);
  assert.equal(sockReturn(e, st, 3, 'RET_PTR_TO_TCP_SOCK_OR_NULL', 'tcp_sock', 0)?.type, 'tcp_sock');
  assert.equal(sockReturn(e, st, 3, 'RET_INTEGER', 'ktime_get_ns', 0), undefined);
  assert.equal(st.refs.length, 0);
});

test('socket-map lookups acquire and become sockets once not NULL', () => {
  assert.ok(lookupAcquires('map_lookup_elem', map('sockmap')));
  assert.ok(lookupAcquires('map_lookup_elem', map('sockhash')));
  assert.ok(!lookupAcquires('map_lookup_elem', map('xskmap')));
  assert.ok(!lookupAcquires('map_update_elem', map('sockmap')));
  const v = pointerReg('map_value');
  v.map = map('xskmap');
  assert.equal(notNullType(v), 'xdp_sock');
  v.map = map('sockhash');
  assert.equal(notNullType(v), 'sock');
  v.map = map('hash');
  assert.equal(notNullType(v), 'map_value');
});
