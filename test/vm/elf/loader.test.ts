// loadObject on the C fixtures, without the kernel: what each program, map
// and extern looks like (goldens written from libbpf's own output, which
// loaderOracle.test.ts checks live), that every call and function address
// reaches its subprogram's copy, and libbpf's naming rules for internal maps.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { internalMapName, objectNameFromPath } from '../../../src-vm/elf/globalData';
import { ringbufSize } from '../../../src-vm/elf/btfMaps';
import { loadObject } from '../../../src-vm/elf/loader';
import { sourceSlotOf } from '../../../src-vm/elf/programs';
import type { LoadedObject, LoadedProgram } from '../../../src-vm/elf/loadedObject';
import { PSEUDO_CALL, PSEUDO_LD } from '../../../src-vm/isa/opcodes';
import { compileC, FIXTURE_NAMES, loadFixture } from './loaderFixtures';

const ELF_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'elf');

function program(obj: LoadedObject, name: string): LoadedProgram {
  const p = obj.programs.find((x) => x.name === name);
  assert.ok(p, `no program '${name}'`);
  return p;
}

function mapNamed(obj: LoadedObject, name: string) {
  const m = obj.maps.find((x) => x.name === name);
  assert.ok(m, `no map '${name}'`);
  return m;
}

/** Where each bpf-to-bpf call and each function-address load of `p` lands, as `slot -> subprogram`. */
function callTargets(p: LoadedProgram): string[] {
  const starts = new Map(p.subprograms.map((s) => [s.startSlot, s.name]));
  const out: string[] = [];
  p.insns.forEach((i, slot) => {
    const call = i.code === 0x85 && i.src === PSEUDO_CALL.LOCAL;
    const func = i.code === 0x18 && i.src === PSEUDO_LD.FUNC;
    if (call || func) out.push(`${slot} ${call ? 'call' : 'func'} ${starts.get(slot + i.imm + 1) ?? `slot ${slot + i.imm + 1}?`}`);
  });
  return out;
}

describe('net_progs: networking programs, maps of every kind, global data', () => {
  const { value: obj, diagnostics } = loadFixture('net_progs');

  test('no diagnostics; the object name is libbpf\'s', () => {
    assert.deepEqual(diagnostics, []);
    assert.equal(obj.name, 'net_progs');
    assert.equal(obj.license, 'GPL');
    assert.equal(obj.kernelVersion, undefined);
    assert.equal(obj.littleEndian, true);
  });

  test('programs in libbpf\'s order with their types from the section names', () => {
    assert.deepEqual(obj.programs.map((p) => [p.name, p.section, p.type, p.expectedAttachType, p.typeId, p.expectedAttachTypeId, p.autoload]), [
      ['xdp_tail', 'xdp', 'xdp', 'xdp', 6, 37, true],
      ['xdp_count', 'xdp', 'xdp', 'xdp', 6, 37, true],
      ['tc_mark', 'tc', 'sched_cls', undefined, 3, 0, true],
      ['cls_lookup', 'classifier', 'sched_cls', undefined, 3, 0, true],
      ['sock_filter', 'socket', 'socket_filter', undefined, 1, 0, true],
      ['cg_ingress', 'cgroup_skb/ingress', 'cgroup_skb', 'cgroup_inet_ingress', 8, 0, true],
    ]);
  });

  test('shared static subprograms are appended to each program that reaches them, and every call reaches its copy', () => {
    assert.deepEqual(program(obj, 'xdp_count').subprograms, [
      { name: 'count', startSlot: 22, insnCount: 28 }, { name: 'mix', startSlot: 50, insnCount: 7 }]);
    assert.deepEqual(program(obj, 'cg_ingress').subprograms, [
      { name: 'count', startSlot: 11, insnCount: 28 }, { name: 'mix', startSlot: 39, insnCount: 7 }]);
    assert.deepEqual(program(obj, 'cls_lookup').subprograms, []);
    assert.deepEqual(callTargets(program(obj, 'xdp_count')), ['6 call count', '40 call mix']);
    assert.deepEqual(callTargets(program(obj, 'cg_ingress')), ['3 call count', '29 call mix']);
    assert.deepEqual(callTargets(program(obj, 'xdp_tail')), ['21 call mix']);
  });

  test('map references: BTF maps by index, global data as map value plus offset', () => {
    const p = program(obj, 'cg_ingress');
    const named = p.mapRefs.map((r) => `${r.insnIdx} ${r.kind} ${obj.maps[r.mapIndex].name}${r.kind === 'value' ? `+${r.offset}` : ''}`);
    assert.deepEqual(named, ['5 value net_prog.rodata+14', '15 map stats', '33 value net_prog.bss+4']);
    for (const r of p.mapRefs) {
      const [lo, hi] = [p.insns[r.insnIdx], p.insns[r.insnIdx + 1]];
      assert.equal(lo.src, r.kind === 'map' ? PSEUDO_LD.MAP_IDX : PSEUDO_LD.MAP_IDX_VALUE);
      assert.equal(lo.imm, r.mapIndex);
      if (r.kind === 'value') assert.equal(hi.imm, r.offset);
    }
  });

  test('maps: BTF-defined in DATASEC offset order, then global data with libbpf\'s names and flags', () => {
    assert.deepEqual(obj.maps.map((m) => [m.name, m.kind, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags]), [
      ['inner_a', 'btf', 'array', 4, 4, 2, 0],
      ['inner_b', 'btf', 'array', 4, 4, 2, 0],
      ['outer', 'btf', 'array_of_maps', 4, 4, 4, 0],
      ['jump_table', 'btf', 'prog_array', 4, 4, 3, 0],
      ['by_ifindex', 'btf', 'hash', 4, 8, 1024, 1],
      ['percpu_hits', 'btf', 'percpu_array', 4, 8, 4, 0],
      ['recent', 'btf', 'lru_hash', 8, 4, 128, 0],
      ['stats', 'btf', 'array', 4, 16, 8, 0],
      ['net_prog.rodata', 'rodata', 'array', 4, 24, 1, 0x480],
      ['net_prog.data', 'data', 'array', 4, 8, 1, 0x400],
      ['net_prog.bss', 'bss', 'array', 4, 8, 1, 0x400],
      ['.rodata.str1.1', 'rodata', 'array', 4, 9, 1, 0x80],
    ]);
  });

  test('map-in-map and prog-array slots initialised in .maps, and the inner map definition', () => {
    const outer = mapNamed(obj, 'outer');
    assert.deepEqual(outer.initSlots, [{ kind: 'map', name: 'inner_a', mapIndex: 0 }, undefined, { kind: 'map', name: 'inner_b', mapIndex: 1 }]);
    assert.deepEqual([outer.inner?.name, outer.inner?.type, outer.inner?.keySize, outer.inner?.valueSize, outer.inner?.maxEntries],
      ['outer.inner', 'array', 4, 4, 2]);
    assert.deepEqual(mapNamed(obj, 'jump_table').initSlots, [undefined, { kind: 'program', name: 'xdp_tail' }]);
  });

  test('global data maps carry the section contents; .rodata is read-only to programs', () => {
    const hex = (name: string) => Buffer.from(mapNamed(obj, name).initialValue ?? []).toString('hex');
    assert.equal(hex('net_prog.rodata').slice(0, 8), '09000000'); // drop_port = 9
    assert.equal(hex('net_prog.data'), '0300000000000000'); // total_seen = 3
    assert.equal(hex('net_prog.bss'), '0000000000000000');
    assert.equal(Buffer.from(mapNamed(obj, '.rodata.str1.1').initialValue!).toString('latin1'), 'sock %u\n\0');
    assert.deepEqual(obj.maps.filter((m) => m.readOnly).map((m) => m.name), ['net_prog.rodata', '.rodata.str1.1']);
    assert.ok(mapNamed(obj, 'stats').valueTypeId > 0 && mapNamed(obj, 'stats').keyTypeId > 0, 'BTF key and value types');
  });

  test('every slot says where it came from', () => {
    const p = program(obj, 'xdp_count');
    assert.deepEqual(p.sources.map((r) => [r.function, r.section, r.startSlot, r.insnCount]),
      [['xdp_count', 'xdp', 0, 22], ['count', '.text', 22, 28], ['mix', '.text', 50, 7]]);
    assert.deepEqual(sourceSlotOf(p, 0), { sectionIndex: p.sectionIndex, section: 'xdp', insnOffset: p.sectionInsnOffset, function: 'xdp_count' });
    const mix = sourceSlotOf(p, 52)!;
    assert.deepEqual([mix.section, mix.function, mix.insnOffset - p.sources[2].insnOffset], ['.text', 'mix', 2]);
    assert.equal(sourceSlotOf(p, 57), undefined);
  });

  test('func_info and line_info at final slots: one FUNC per placed function, lines from the C source', () => {
    const p = program(obj, 'xdp_count');
    assert.deepEqual(p.funcInfo.map((f) => [f.insnIdx, f.name]), [[0, 'xdp_count'], [22, 'count'], [50, 'mix']]);
    assert.ok(p.lineInfo.length > 10);
    assert.deepEqual(p.lineInfo.map((l) => l.insnIdx), [...p.lineInfo.map((l) => l.insnIdx)].sort((a, b) => a - b));
    const first = p.lineInfo[0];
    assert.deepEqual([first.insnIdx, first.fileName.split('/').pop(), first.lineText.trim()], [0, 'net_progs.bpf.c', 'int xdp_count(struct xdp_md *ctx) {']);
    assert.ok(p.lineInfo.some((l) => l.insnIdx >= 50 && l.lineText.includes('2654435761u')), 'mix\'s lines follow its copy');
    assert.deepEqual(p.coreRelos, []);
  });
});

describe('tracing: kprobes, a tracepoint, ring buffer, callbacks, CO-RE, externs', () => {
  const { value: obj, diagnostics } = loadFixture('tracing');

  test('no diagnostics; types and attach targets from the section names', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(obj.programs.map((p) => [p.name, p.type, p.attachTo]), [
      ['trace_unlink', 'kprobe', 'do_unlinkat'],
      ['trace_unlink_ret', 'kprobe', 'do_unlinkat'],
      ['trace_openat', 'tracepoint', 'syscalls/sys_enter_openat'],
    ]);
  });

  test('the bpf_loop callback is an ld_imm64 of a function address (BPF_PSEUDO_FUNC) reaching its appended copy', () => {
    assert.deepEqual(callTargets(program(obj, 'trace_unlink')), ['13 func add_step', '18 call current_pid']);
  });

  test('externs: a .kconfig value laid out in the .kconfig map, two kfuncs recorded and marked as kfunc calls', () => {
    assert.deepEqual(obj.externs.map((e) => [e.name, e.kind, e.isFunction, e.kconfig?.offset, e.kconfig?.valueType]), [
      ['LINUX_KERNEL_VERSION', 'kconfig', false, 0, 'int'],
      ['bpf_rcu_read_lock', 'ksym', true, undefined, undefined],
      ['bpf_rcu_read_unlock', 'ksym', true, undefined, undefined],
    ]);
    const kconfig = mapNamed(obj, 'tracing.kconfig');
    assert.deepEqual([kconfig.kind, kconfig.valueSize, kconfig.flags, kconfig.readOnly], ['kconfig', 4, 0x480, true]);
    const ret = program(obj, 'trace_unlink_ret');
    assert.deepEqual(ret.externRefs.map((r) => [r.insnIdx, r.kind, obj.externs[r.externIndex].name]),
      [[22, 'call', 'bpf_rcu_read_lock'], [34, 'call', 'bpf_rcu_read_unlock']]);
    for (const r of ret.externRefs) assert.deepEqual([ret.insns[r.insnIdx].src, ret.insns[r.insnIdx].imm], [PSEUDO_CALL.KFUNC, 0]);
    const unlink = program(obj, 'trace_unlink');
    assert.ok(unlink.mapRefs.some((r) => r.kind === 'value' && obj.maps[r.mapIndex].kind === 'kconfig'), 'the kconfig load names the .kconfig map');
  });

  test('the ring buffer, custom .data.* / .rodata.* sections named as they are', () => {
    assert.deepEqual(obj.maps.map((m) => [m.name, m.type, m.maxEntries, m.flags]), [
      ['starts', 'hash', 64, 0],
      ['events', 'ringbuf', 16384, 0],
      ['.data.counters', 'array', 1, 0x400],
      ['.rodata.tags', 'array', 1, 0x480],
      ['tracing.kconfig', 'array', 1, 0x480],
    ]);
  });

  test('CO-RE relocations are left pending at their final slots', () => {
    assert.deepEqual(program(obj, 'trace_unlink_ret').coreRelos.map((r) => [r.insnIdx, r.kindName, r.accessString]),
      [[2, 'byte_off', '0:2'], [9, 'byte_off', '0:1']]);
    assert.deepEqual(program(obj, 'trace_unlink').coreRelos, []);
  });
});

describe('linking: one subprogram at different slots in different programs', () => {
  const { value: obj, diagnostics } = loadFixture('linking');

  test('depth-first appending in call order, as libbpf does', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(program(obj, 'main_a').subprograms.map((s) => [s.name, s.startSlot]), [['via_a', 8], ['leaf', 12]]);
    assert.deepEqual(program(obj, 'main_c').subprograms.map((s) => [s.name, s.startSlot]),
      [['sum_value', 27], ['global_check', 33], ['via_c', 39], ['leaf', 43]]);
    assert.deepEqual(callTargets(program(obj, 'main_a')), ['1 call via_a', '9 call leaf']);
    assert.deepEqual(callTargets(program(obj, 'main_c')), ['7 func sum_value', '14 call global_check', '21 call via_c', '40 call leaf']);
    assert.deepEqual(callTargets(program(obj, 'tc_plain')), ['1 call global_check']);
  });
});

describe('optional: SEC("?…") programs are described with autoload off', () => {
  const { value: obj, diagnostics } = loadFixture('optional');

  test('the ? is not part of the section; xdp.frags sets its flag', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(obj.programs.map((p) => [p.name, p.section, p.type, p.autoload, p.flags?.xdpFrags]), [
      ['tc_optional', 'tc', 'sched_cls', false, false],
      ['sock_optional', 'socket', 'socket_filter', false, false],
      ['xdp_frags_pass', 'xdp.frags', 'xdp', true, true],
    ]);
    assert.deepEqual(program(obj, 'tc_optional').subprograms.map((s) => s.name), ['low_bit']);
    assert.equal(sourceSlotOf(program(obj, 'tc_optional'), 0)?.section, '?tc');
  });
});

describe('legacy_maps: struct bpf_map_def in "maps"', () => {
  const { value: obj, diagnostics } = loadFixture('legacy_maps');

  test('refused as libbpf 1.x refuses it, still described as libbpf 0.x read it', () => {
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.code]), [['error', 'loader/legacy-maps']]);
    assert.match(diagnostics[0].message, /legacy map definitions in 'maps' section are not supported by libbpf v1\.0\+/);
    assert.deepEqual(obj.maps.map((m) => [m.name, m.kind, m.type, m.keySize, m.valueSize, m.maxEntries]), [
      ['old_counts', 'legacy', 'array', 4, 8, 32],
      ['old_flows', 'legacy', 'lru_hash', 8, 4, 1000],
    ]);
    assert.deepEqual(program(obj, 'old_style').mapRefs.map((r) => obj.maps[r.mapIndex].name), ['old_counts', 'old_flows']);
    assert.equal(obj.license, 'Dual BSD/GPL');
    assert.equal(obj.kernelVersion, 0x060c00);
  });
});

describe('every fixture', () => {
  for (const name of FIXTURE_NAMES) {
    test(`${name}: map references, extern references and source slots are consistent with the instructions`, () => {
      const { value: obj } = loadFixture(name);
      for (const p of obj.programs) {
        assert.equal(p.sources.reduce((n, r) => n + r.insnCount, 0), p.insns.length);
        for (const r of p.mapRefs) assert.ok(obj.maps[r.mapIndex], `${p.name}: map ${r.mapIndex}`);
        for (const r of p.externRefs) assert.ok(obj.externs[r.externIndex], `${p.name}: extern ${r.externIndex}`);
        for (const l of p.lineInfo) assert.ok(l.insnIdx >= 0 && l.insnIdx < p.insns.length);
        for (const s of p.subprograms) assert.equal(sourceSlotOf(p, s.startSlot)?.section, '.text');
      }
    });
  }
});

describe('big-endian objects', () => {
  test('read in their own byte order: the same programs and instructions as the little-endian build, with a warning', () => {
    const le = loadObject(new Uint8Array(readFileSync(join(ELF_FIXTURES, 'maps_globals.bpf.o'))), { name: 'maps_globals' });
    const be = loadObject(new Uint8Array(readFileSync(join(ELF_FIXTURES, 'maps_globals.bpfeb.o'))), { name: 'maps_globals' });
    assert.deepEqual(le.diagnostics, []);
    assert.deepEqual(be.diagnostics.map((d) => d.code), ['loader/big-endian']);
    assert.equal(be.value.littleEndian, false);
    assert.deepEqual(be.value.programs.map((p) => p.insns), le.value.programs.map((p) => p.insns));
    assert.deepEqual(be.value.maps.map((m) => [m.name, m.valueSize, m.maxEntries]), le.value.maps.map((m) => [m.name, m.valueSize, m.maxEntries]));
  });
});

describe('libbpf\'s naming and sizing rules', () => {
  const NAMES: readonly [string, string, string][] = [
    ['xdp_prog', '.rodata', 'xdp_prog.rodata'],
    ['my_object_name', '.rodata', 'my_objec.rodata'],
    ['my_object_name', '.bss', 'my_objec.bss'],
    ['my_object_name', '.kconfig', 'my_obje.kconfig'],
    ['obj', '.data', 'obj.data'],
    ['', '.data', '.data'],
    ['obj', '.rodata.abracadabra', '.rodata.abracad'],
    ['obj', '.data.counters', '.data.counters'],
    ['obj', '.rodata.str1.1', '.rodata.str1.1'],
    ['a-b c', '.bss', 'a_b_c.bss'],
  ];
  for (const [objName, section, expected] of NAMES) {
    test(`internalMapName('${objName}', '${section}') = '${expected}'`, () => assert.equal(internalMapName(objName, section), expected));
  }

  test('objectNameFromPath: the file name to its first dot, at most 15 characters', () => {
    assert.equal(objectNameFromPath('/tmp/x/xdp_prog.bpf.o'), 'xdp_prog');
    assert.equal(objectNameFromPath('a_very_long_object_name.o'), 'a_very_long_obj');
    assert.equal(objectNameFromPath('noext'), 'noext');
  });

  test('ringbufSize: a power-of-two number of pages, at least the size asked for', () => {
    assert.deepEqual([0, 1, 4096, 4097, 12288, 16384, 1 << 20].map((n) => ringbufSize(n, 4096)), [0, 4096, 4096, 8192, 16384, 16384, 1 << 20]);
  });
});

describe('externs and exception callbacks, from small C programs', () => {
  const HEADER = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC("license") = "GPL";\n';

  test('a typed ksym variable and a weak kfunc are recorded, not resolved; kconfig values are laid out by alignment', (t) => {
    const bytes = compileC(HEADER + `
extern const int some_counter __ksym;
extern void some_kfunc(int) __ksym __weak;
extern unsigned char CONFIG_A __kconfig;
extern unsigned long long CONFIG_B __kconfig;
extern char CONFIG_C[8] __kconfig;
SEC("xdp") int p(struct xdp_md *c) {
  some_kfunc(1);
  return (some_counter + CONFIG_A + CONFIG_B + CONFIG_C[1]) & 1 ? XDP_PASS : XDP_DROP;
}`);
    if (!bytes) return t.skip('clang-19 not found (install clang-19)');
    const { value: obj, diagnostics } = loadObject(bytes, { name: 'ext' });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(obj.externs.map((e) => [e.name, e.kind, e.weak, e.isFunction, e.kconfig?.offset, e.kconfig?.size, e.kconfig?.valueType]), [
      ['CONFIG_B', 'kconfig', false, false, 0, 8, 'int'],
      ['CONFIG_A', 'kconfig', false, false, 8, 1, 'char'],
      ['CONFIG_C', 'kconfig', false, false, 9, 8, 'char_array'],
      ['some_counter', 'ksym', false, false, undefined, undefined, undefined],
      ['some_kfunc', 'ksym', true, true, undefined, undefined, undefined],
    ]);
    assert.equal(mapNamed(obj, 'ext.kconfig').valueSize, 17);
    const p = obj.programs[0];
    const refs = p.externRefs.map((r) => [obj.externs[r.externIndex].name, r.kind, p.insns[r.insnIdx].code, p.insns[r.insnIdx].src]);
    assert.deepEqual(refs, [['some_kfunc', 'call', 0x85, PSEUDO_CALL.KFUNC], ['some_counter', 'ld64', 0x18, 0]]);
    assert.equal(p.mapRefs.filter((r) => obj.maps[r.mapIndex].kind === 'kconfig').length, 3);
  });

  test('an exception_callback decl tag appends the named global function after the program\'s subprograms', (t) => {
    const bytes = compileC(HEADER + `
__noinline int on_throw(__u64 cookie) { return 7; }
static __noinline int helper(int x) { return x + 1; }
__attribute__((btf_decl_tag("exception_callback:on_throw")))
SEC("tc") int guarded(struct __sk_buff *skb) { return helper(skb->len); }`);
    if (!bytes) return t.skip('clang-19 not found (install clang-19)');
    const { value: obj, diagnostics } = loadObject(bytes);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(obj.programs[0].subprograms.map((s) => s.name), ['helper', 'on_throw']);
  });
});
