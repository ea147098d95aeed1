// Tests for src-vm/vm/linux/pcap.ts and runConfig.ts: reading packets and the
// run configuration, with a diagnostic naming the place of each problem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcap } from '../../../../src-vm/vm/linux/pcap';
import { parseRunConfig } from '../../../../src-vm/vm/linux/runConfig';
import { DEFAULT_PROCESS } from '../../../../src-vm/vm/linux/runState';

function pcap(packets: number[][], cutLast = 0): Uint8Array {
  const out: number[] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0];
  for (const p of packets) {
    const len = [p.length & 0xff, p.length >> 8, 0, 0];
    out.push(0, 0, 0, 0, 0, 0, 0, 0, ...len, ...len, ...p);
  }
  return Uint8Array.from(out.slice(0, out.length - cutLast));
}

test('pcap: every record in turn; a cut record is reported and skipped; other formats refused', () => {
  const r = readPcap(pcap([[1, 2, 3], [4, 5]]));
  assert.deepEqual(r.value.map((p) => [...p]), [[1, 2, 3], [4, 5]]);
  assert.deepEqual(r.diagnostics, []);
  const cut = readPcap(pcap([[1, 2, 3], [4, 5]], 1));
  assert.equal(cut.value.length, 1);
  assert.match(cut.diagnostics[0].message, /record 2 is cut short/);
  assert.match(readPcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(30).fill(0)])).diagnostics[0].message, /pcapng/);
});

test('run configuration: ctx fields, maps, process, time; errors name their JSON path', () => {
  const ok = parseRunConfig(JSON.stringify({
    ctx: { mark: 7, cb: [1, 2], regs: { di: '0x10' }, args: [1, '2'] },
    maps: { counts: [{ key: '01000000', value: '0200000000000000' }] },
    process: { pid: 9, comm: 'curl' }, time: { monotonicNs: '5000' }, seed: 3,
  }), DEFAULT_PROCESS);
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.value.skb?.mark, 7);
  assert.deepEqual(ok.value.skb?.cb, [1, 2]);
  assert.equal(ok.value.tracing.regs?.di, 16n);
  assert.deepEqual(ok.value.tracing.args, [1n, 2n]);
  assert.equal(ok.value.env.process?.pid, 9);
  assert.equal(ok.value.env.process?.uid, DEFAULT_PROCESS.uid);
  assert.equal(ok.value.env.monotonicNs, 5000n);
  assert.equal(ok.value.maps[0].entries[0].value.length, 8);
  const bad = parseRunConfig(JSON.stringify({ ctx: { mark: -1, regs: { xx: 1 } }, maps: { m: [{ key: 'zz', value: '00' }] }, colour: 1 }), DEFAULT_PROCESS);
  assert.deepEqual(bad.diagnostics.map((d) => d.message.split(':')[0]).sort(), ['colour', 'ctx.mark', 'ctx.regs.xx', 'maps.m[0].key']);
  assert.match(parseRunConfig('{', DEFAULT_PROCESS).diagnostics[0].message, /not JSON/);
});
