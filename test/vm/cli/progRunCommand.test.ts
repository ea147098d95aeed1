// The program-run form of `run` (src-vm/cli/progRunCommand.ts), as a user
// meets it through the built CLI: a C file compiled with clang, packets from
// --packet and --pcap, a --ctx file with map contents and process, named
// return values, packets after and maps in the --json shape; bad inputs exit
// 2 with one line naming the problem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtBundle, REPO } from '../../support/build';
import { scratchDir } from '../../support/kernel';
import { findTool } from '../../support/tools';
import type { ProgRunCommandJson } from '../../../src-vm/cli/progRunCommand';

const CLI = builtBundle('cli');
const CLANG = findTool('clang-19');
const SOURCE = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } seen SEC(".maps");
SEC("xdp") int count_len(struct xdp_md *ctx) {
  __u32 len = ctx->data_end - ctx->data;
  __u64 one = 1, *v = bpf_map_lookup_elem(&seen, &len);
  if (v) { *v += 1; return XDP_DROP; }
  bpf_map_update_elem(&seen, &len, &one, BPF_ANY);
  bpf_printk("new length %u pid %d", len, (__u32)bpf_get_current_pid_tgid());
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
`;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function pcap(packets: Uint8Array[]): Uint8Array {
  const out: number[] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0];
  for (const p of packets) out.push(0, 0, 0, 0, 0, 0, 0, 0, p.length, 0, 0, 0, p.length, 0, 0, 0, ...p);
  return Uint8Array.from(out);
}

test('run FILE.c --pcap --ctx runs each packet with maps kept between them', (t) => {
  if (!CLANG) { t.skip('clang-19 is not installed'); return; }
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const src = join(dir, 'count_len.c');
  writeFileSync(src, SOURCE);
  writeFileSync(join(dir, 'p.pcap'), pcap([new Uint8Array(60), new Uint8Array(64), new Uint8Array(60), new Uint8Array(5)]));
  writeFileSync(join(dir, 'ctx.json'), JSON.stringify({ maps: { seen: [{ key: '40000000', value: '0500000000000000' }] }, process: { pid: 77 } }));
  const r = cli('run', src, '--pcap', join(dir, 'p.pcap'), '--ctx', join(dir, 'ctx.json'), '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as ProgRunCommandJson;
  assert.equal(json.program, 'count_len');
  assert.equal(json.type, 'xdp');
  assert.deepEqual(json.runs.map((x) => x.retName ?? x.refused?.errno), ['XDP_PASS', 'XDP_DROP', 'XDP_DROP', 'EINVAL']);
  assert.deepEqual(json.runs[0].records, [{ kind: 'trace', text: 'new length 60 pid 77' }]);
  assert.equal(json.runs[0].packetOut, '00'.repeat(60));
  assert.deepEqual([...json.maps[0].entries].sort((a, b) => a.key.localeCompare(b.key)), [
    { key: '3c000000', value: '0200000000000000' },
    { key: '40000000', value: '0600000000000000' },
  ]);
  const text = cli('run', src, '--packet', '00'.repeat(20), '--repeat', '2');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /packet 0: XDP_PASS \(2\)/);
  assert.match(text.out, /packet 0: XDP_DROP \(1\)/);
});

test('program-run usage errors exit 2 with one line', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"ctx": {"mark": "x"}}');
  const obj = join(REPO, 'test/fixtures/objects/net_progs.bpf.o');
  const cases: [string[], RegExp][] = [
    [['run', obj, '--packet', 'zz'], /--packet: not a hex byte string/],
    [['run', obj, '--packet', '00', '--pcap', 'x'], /give one of --packet, --packet-file and --pcap/],
    [['run', obj, '--repeat', '0'], /--repeat must be a positive integer/],
    [['run', obj, '--program', 'nope'], /no program 'nope'/],
    [['run', obj, '--ctx', bad], /the run configuration has errors/],
  ];
  for (const [args, want] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, want);
  }
});

test('run FILE.o with no input runs the object as the kernel would: a tracepoint on a zero record, an XDP program refused an empty packet as test_run refuses it', () => {
  const tracer = cli('run', 'examples/prebuilt/exec_tracer.bpf.o', '--json');
  assert.equal(tracer.code, 0, tracer.err);
  const json = JSON.parse(tracer.out) as ProgRunCommandJson;
  assert.equal(json.type, 'tracepoint');
  assert.equal(json.runs[0].fault, null);
  assert.equal(json.runs[0].records.length, 1, 'one ring-buffer record');
  const xdp = cli('run', 'examples/prebuilt/xdp_firewall.bpf.o');
  assert.match(xdp.out, /refused by test_run \(EINVAL\): the packet has 0 bytes; BPF_PROG_TEST_RUN needs at least 14/);
  const contract = cli('run', 'examples/prebuilt/exec_tracer.bpf.o', '--mem', '00');
  assert.match(contract.out + contract.err, /lddw with src=5/, '--mem keeps the memory contract, where maps are not resolved');
});
