// The CLI as a user meets it: `node out/cli.js …` with real files. Exit codes
// (0 ok, 1 rejected/faulted, 2 bad usage or unreadable input) with one line on
// stderr; `run --json`'s promised shape; and objects written by `asm` loaded
// into the running kernel with bpftool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtBundle, REPO } from '../../support/build';
import { BPFTOOL, kernelUnavailable, loadAll, scratchDir, testRun, unpin } from '../../support/kernel';
import { conformanceDir } from '../conformance/vectorsDir';
import { libbpfOracle, OBJECT_FIXTURES, runOracle } from '../../kernel/libbpfOracle';

const CLI = builtBundle('cli');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const XDP_SOURCE = `
        .section xdp,"ax",@progbits
        .globl  compute
compute:
        r0 = 0x1234
        r1 = 7
        r0 *= r1
        r0 >>= 4
        r0 &= 0xff
        exit
`;

const CONFORMANCE_SOURCE = `
mov %r0, 2
stxdw [%r10-8], %r0
ldxdw %r0, [%r10-8]
add %r0, 1
exit
`;

test('run --json prints the promised shape', () => {
  const r = cli('run', 'examples/packet_filter.s', '--mem-file', 'examples/packets/ssh_syn.hex', '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), ['fault', 'file', 'program', 'r0', 'r0Dec', 'steps']);
  assert.equal(json.r0, '0x1');
  assert.equal(json.r0Dec, '1');
  assert.equal(json.fault, null);
  assert.equal(typeof json.steps, 'number');
});

test('run reports a fault with its pc, exits 1 with one line on stderr', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const file = join(dir, 'null.s');
  writeFileSync(file, 'r1 = 0\nr0 = *(u32 *)(r1 + 16)\nexit\n');
  const r = cli('run', file, '--json');
  assert.equal(r.code, 1);
  const json = JSON.parse(r.out) as { fault: { pc: number; code: string; message: string } };
  assert.equal(json.fault.pc, 1);
  assert.equal(json.fault.code, 'vm/memory');
  assert.match(json.fault.message, /NULL pointer dereference/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('an infinite loop ends at the budget', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const file = join(dir, 'loop.s');
  writeFileSync(file, 'loop:\nr0 += 1\ngoto loop\nexit\n');
  const r = cli('run', file, '--budget', '5000');
  assert.equal(r.code, 1);
  assert.match(r.out, /5000 instructions executed/);
  assert.match(r.err, /instruction budget of 5000 exhausted/);
});

test('assembly errors are printed as file:line:col and exit 1', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const file = join(dir, 'bad.s');
  writeFileSync(file, 'r0 = 1\nr11 = 2\nexit\n');
  const r = cli('asm', file, '-o', join(dir, 'bad.o'));
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`${file.replace(/[.]/g, '\\.')}:2:1: error: .*r11`));
});

test('bad usage and unreadable input exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run'], /run: expected one input file, got 0/],
    [['run', 'examples/packet_filter.s', '--budget', '0'], /--budget must be a positive integer, not '0'/],
    [['run', 'examples/packet_filter.s', '--mem', 'zz'], /--mem: not a hex byte string at position 0: 'z' is not a hex digit/],
    [['run', 'no/such/file.s'], /cannot read no\/such\/file\.s: no such file/],
    [['disasm', 'examples/packet_filter.s', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, message);
  }
});

test('disasm of a source file and of the object asm wrote print the same instructions', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const obj = join(dir, 'filter.o');
  assert.equal(cli('asm', 'examples/packet_filter.s', '-o', obj).code, 0);
  const fromSource = cli('disasm', 'examples/packet_filter.s');
  const fromObject = cli('disasm', obj);
  assert.equal(fromObject.code, 0, fromObject.err);
  const body = (s: string): string[] => s.split('\n').filter((l) => /^\s+\d+:/.test(l));
  assert.ok(body(fromSource.out).length === 21);
  assert.deepEqual(body(fromObject.out), body(fromSource.out));
});

test('conformance prints N passed, M failed for the whole vector directory', () => {
  const r = cli('conformance', conformanceDir('tests'));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^313 passed, 0 failed$/m);
});

test('asm writes objects the kernel loads with bpftool, in both dialects', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  assert.ok(BPFTOOL);
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const sources: [string, string, string[]][] = [
    ['compute.bpf.s', XDP_SOURCE, []],
    ['stack.s', CONFORMANCE_SOURCE, ['--section', 'xdp']],
  ];
  for (const [name, text, extra] of sources) {
    const src = join(dir, name);
    const obj = join(dir, name.replace(/\.(bpf\.)?s$/, '.o'));
    writeFileSync(src, text);
    const asm = cli('asm', src, '-o', obj, ...extra);
    assert.equal(asm.code, 0, asm.err);
    const load = loadAll(obj);
    try {
      assert.ok(load.ok, `bpftool refused ${name}:\n${load.log}`);
      const ours = JSON.parse(cli('run', src, '--json').out) as { r0: string };
      const prog = name.startsWith('compute') ? 'compute' : 'main';
      const kernel = testRun(`${load.pinDir}/${prog}`, new Uint8Array(64), dir);
      assert.ok(!('error' in kernel), JSON.stringify(kernel));
      assert.equal(`0x${kernel.retval.toString(16)}`, ours.r0, `${name}: kernel and interpreter disagree`);
    } finally {
      unpin(load.pinDir);
    }
  }
});

/** `; source` line -> the slot it stands before, from a listing whose instruction lines start `N: (`. */
function sourceLinesBefore(lines: readonly string[]): [number, string][] {
  const out: [number, string][] = [];
  let pending: string | undefined;
  for (const line of lines) {
    if (line.startsWith('; ')) pending = line;
    const m = /^(\d+): \(/.exec(line);
    if (m && pending !== undefined) { out.push([Number(m[1]), pending]); pending = undefined; }
  }
  return out;
}

test('disasm of an object interleaves source lines exactly where the kernel verifier log has them', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const oracle = libbpfOracle();
  if (typeof oracle === 'string') { t.skip(oracle); return; }
  let compared = 0;
  for (const fixture of ['net_progs', 'tracing']) {
    const obj = join(OBJECT_FIXTURES, `${fixture}.bpf.o`);
    const dump = runOracle(oracle, obj, ['--all', '--log']);
    assert.equal(dump.status, 'ok', dump.stderr);
    for (const prog of dump.programs) {
      const r = cli('disasm', obj, '--section', prog.name);
      assert.equal(r.code, 0, r.err);
      const ours = sourceLinesBefore(r.out.split('\n'));
      const kernel = sourceLinesBefore(dump.logs.get(prog.name) ?? []);
      assert.ok(kernel.length > 0, `${fixture}/${prog.name}: the kernel log has no source lines`);
      // The log follows execution paths and repeats a line after a call returns; a listing is straight:
      // the line covering each slot must agree, and each line we print must stand at that slot in the log.
      const coveringLine = (slot: number): string | undefined => ours.filter(([s]) => s <= slot).at(-1)?.[1];
      for (const [slot, text] of kernel) {
        assert.equal(coveringLine(slot), text, `${fixture}/${prog.name}: kernel shows '${text}' before insn ${slot}`);
        compared++;
      }
      for (const [slot, text] of ours) {
        if (kernel.some(([s]) => s === slot)) assert.ok(kernel.some(([s, x]) => s === slot && x === text), `${fixture}/${prog.name}: we print '${text}' before insn ${slot}, the kernel does not`);
      }
    }
  }
  console.log(`# disasm: ${compared} kernel source-line annotations found in our listings`);
  assert.ok(compared > 20);
});

test('objects are CO-RE relocated against the running kernel BTF, or the --target-btf named', (t) => {
  const obj = join(REPO, 'test/fixtures/core/core_flavors.bpf.o');
  const bad = cli('disasm', obj, '--target-btf', 'README.md');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /README\.md: not usable as CO-RE target BTF: BTF magic/);
  if (!existsSync('/sys/kernel/btf/vmlinux')) { t.skip('this kernel has no /sys/kernel/btf/vmlinux'); return; }
  const r = cli('disasm', obj);
  assert.equal(r.code, 0, r.err);
  // The fixture's made-up field cannot exist in any kernel: libbpf poisons that load.
  assert.match(r.err, /insn 34: failed to resolve CO-RE relocation <byte_off> \[21\] struct task_struct___local\.made_up_field/);
  assert.match(r.out, /^34: \(85\) call unknown#195896080$/m);
});

test('verify --json prints the promised shape; exit 0 when accepted, 1 when rejected, 2 for bad input', (t) => {
  const { dir, cleanup } = scratchDir();
  t.after(cleanup);
  const good = join(dir, 'good.bpf.s');
  writeFileSync(good, '.section xdp,"ax",@progbits\n.globl ok\nok:\nr0 = 2\nexit\n');
  const bad = join(dir, 'bad.bpf.s');
  writeFileSync(bad, '.section xdp,"ax",@progbits\n.globl leak\nleak:\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 20)\nexit\n');
  const ok = cli('verify', good, '--json');
  assert.equal(ok.code, 0, ok.err);
  const okJson = JSON.parse(ok.out) as { programs: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(okJson.programs[0]).sort(),
    ['error', 'name', 'peakStates', 'processedInsns', 'section', 'timeUs', 'totalStates', 'type', 'verdict']);
  assert.deepEqual({ ...okJson.programs[0], timeUs: 0 }, {
    name: 'ok', section: 'xdp', type: 'xdp', verdict: 'accept', error: null, processedInsns: 2, totalStates: 0, peakStates: 0, timeUs: 0,
  });
  const rejected = cli('verify', bad, '--json');
  assert.equal(rejected.code, 1);
  const error = (JSON.parse(rejected.out) as { programs: { error: { insn: number; message: string; detail: string[] } }[] }).programs[0].error;
  assert.equal(error.insn, 1);
  assert.equal(error.message, 'invalid access to packet, off=20 size=1, R2(id=0,off=20,r=0)');
  assert.deepEqual(error.detail, ['R2 offset is outside of the packet']);
  const text = cli('verify', bad, '--log-level', '2');
  assert.equal(text.code, 1);
  assert.match(text.out, /^leak \(xdp\): rejected at insn 1: invalid access to packet/m);
  assert.equal(cli('verify', good, '--log-level', '7').code, 2);
  // lsm programs need BTF attach targets the verifier does not model: reported as unsupported, never guessed.
  const unsupported = cli('verify', good, '--type', 'lsm');
  assert.equal(unsupported.code, 2);
  assert.match(unsupported.err, /program type lsm is not modelled/);
  const unknown = cli('verify', good, '--type', 'no_such_type');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown program type 'no_such_type' \(libbpf's names: socket_filter, kprobe,/);
});
