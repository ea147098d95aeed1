// The CO-RE pass end to end without a kernel: the committed fixture objects
// loaded with `targetBtf` set to a small hand-built "kernel" whose layouts
// differ from the local ones, checked relocation by relocation (outcome and
// value) and instruction by instruction; relocations left pending without a
// target; the standalone pass equal to the loader's; libbpf's order for
// programs it would not load; subprogram copies; and the errors of an object
// libbpf refuses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lddwImm64 } from '../../../src-vm/isa/insn';
import { loadObject } from '../../../src-vm/elf/loader';
import type { LoadedProgram } from '../../../src-vm/elf/loadedObject';
import { POISON_HELPER_ID } from '../../../src-vm/elf/corePatch';
import { functionsOfPrograms, poisonedRelocationLog, relocateCore } from '../../../src-vm/elf/coreRelocate';
import { fakeKernel, type FakeKernel } from './coreBtfBuild';
import { committedCoreObject } from './coreFixtures';
import { verifyProgram } from '../../../src-vm/verifier/verify';

/** What each relocation of core_flavors.bpf.o becomes against the fake kernel: `section#relo` -> outcome or value. */
function flavorsExpected(k: FakeKernel): Record<string, bigint | 'poisoned'> {
  return {
    'kprobe/do_nanosleep#0': 1n, 'kprobe/do_nanosleep#1': 0n, 'kprobe/do_nanosleep#2': 'poisoned',
    'kprobe/do_nanosleep#3': 0n, 'kprobe/do_nanosleep#4': 'poisoned', 'kprobe/do_nanosleep#5': 16n, 'kprobe/do_nanosleep#6': 4n,
    'kprobe/do_nanosleep#7': 0n, 'kprobe/do_nanosleep#8': 0n, 'kprobe/do_nanosleep#9': 0n, 'kprobe/do_nanosleep#10': 1n,
    'kprobe/do_nanosleep#11': 0n, 'kprobe/do_nanosleep#12': 'poisoned', 'kprobe/do_nanosleep#13': 130n,
    'kprobe/do_nanosleep#14': BigInt(k.taskStruct),
    '.text#0': 16n, '.text#1': 4n,
    'kprobe/hrtimer_nanosleep#0': 12n, 'kprobe/hrtimer_nanosleep#1': 4n, 'kprobe/hrtimer_nanosleep#2': 32n,
    'kprobe/hrtimer_nanosleep#3': 1n, 'kprobe/hrtimer_nanosleep#4': 34n, 'kprobe/hrtimer_nanosleep#5': 34n,
    'tracepoint/syscalls/sys_enter_nanosleep#0': 24n, 'tracepoint/syscalls/sys_enter_nanosleep#1': 8n,
    'kprobe/do_sys_openat2#0': 8n, 'kprobe/do_sys_openat2#1': 16n, 'kprobe/do_sys_openat2#2': 24n,
  };
}

/** Each applied relocation's value is what its instruction now holds (or the poison call). */
function checkSlots(p: LoadedProgram): void {
  for (const r of p.coreApplied ?? []) {
    const i = p.insns[r.insnIdx];
    const where = `program '${p.name}' slot ${r.insnIdx} (${r.local})`;
    if (r.outcome === 'poisoned') {
      assert.deepEqual(i, { code: 0x85, dst: 0, src: 0, off: 0, imm: POISON_HELPER_ID }, where);
      continue;
    }
    const cls = i.code & 7;
    if (i.code === 0x18) assert.equal(lddwImm64(p.insns, r.insnIdx), r.newValue, where);
    else if (cls === 4 || cls === 7) assert.equal(i.imm, Number(BigInt.asIntN(32, r.newValue)), where);
    else assert.equal(BigInt(i.off), r.newValue, where);
  }
}

describe('core_flavors.bpf.o against a hand-built kernel', () => {
  const kernel = fakeKernel();
  const bytes = committedCoreObject('core_flavors');
  const plain = loadObject(bytes, { name: 'core_flavors' });
  const { value: obj, diagnostics } = loadObject(bytes, { name: 'core_flavors', targetBtf: kernel.btf });

  test('every relocation has libbpf\'s outcome and value', () => {
    const want = flavorsExpected(kernel);
    const got: Record<string, bigint | 'poisoned'> = {};
    for (const p of obj.programs) {
      assert.deepEqual(p.coreRelos, [], `program '${p.name}': nothing left pending`);
      for (const r of p.coreApplied ?? []) got[`${r.section}#${r.reloIdx}`] = r.outcome === 'poisoned' ? 'poisoned' : r.newValue;
    }
    assert.deepEqual(got, want);
  });

  test('instructions hold the values, and nothing else changed', () => {
    for (const [i, p] of obj.programs.entries()) {
      checkSlots(p);
      const before = plain.value.programs[i];
      assert.equal(p.insns.length, before.insns.length);
      const touched = new Set((p.coreApplied ?? []).flatMap((r) => [r.insnIdx, r.insnIdx + 1]));
      p.insns.forEach((insn, n) => {
        if (!touched.has(n)) assert.deepEqual(insn, before.insns[n], `program '${p.name}' slot ${n} untouched`);
      });
    }
  });

  test('the tracepoint load widens with its field (u32 args[1] -> u64)', () => {
    const p = obj.programs.find((q) => q.name === 'widened')!;
    const args = p.coreApplied!.find((r) => r.accessString === '0:1:1')!;
    assert.deepEqual(p.insns[args.insnIdx], { ...plain.value.programs.find((q) => q.name === 'widened')!.insns[args.insnIdx], code: 0x79, off: 24 });
  });

  test('the subprogram\'s relocations are in both programs that call it', () => {
    const users = obj.programs.filter((p) => p.coreApplied?.some((r) => r.section === '.text'));
    assert.deepEqual(users.map((p) => p.name), ['flavors', 'signed_bitfield']);
  });

  test('poisoned relocations are info diagnostics at their slots; no errors, no warnings', () => {
    assert.deepEqual(diagnostics.filter((d) => d.severity !== 'info'), []);
    const poisoned = obj.programs.flatMap((p) => (p.coreApplied ?? []).filter((r) => r.outcome === 'poisoned').map((r) => ({ p, r })));
    assert.equal(poisoned.length, 3);
    for (const { p, r } of poisoned) {
      const d = diagnostics.find((x) => x.code === 'core/poisoned' && x.insnIdx === r.insnIdx);
      assert.ok(d?.message.startsWith(`program '${p.name}': insn ${r.insnIdx}: failed to resolve CO-RE relocation ${r.local}`), d?.message);
    }
  });

  test('the log names the fake kernel\'s candidates and the pruning of syscall_tp_t', () => {
    const log = obj.coreLog ?? [];
    assert.ok(log.includes(`CO-RE relocating [21] struct task_struct___local: found target candidate [${kernel.taskStruct}] struct task_struct in [vmlinux]`));
    const sizeLines = log.filter((l) => l.startsWith("prog 'pruned': relo #2:"));
    assert.equal(sizeLines.filter((l) => l.includes('matching candidate')).length, 1, 'type_size sees only the candidate that has ret');
  });

  test('without a target the relocations stay pending and the instructions are the compiler\'s', () => {
    for (const p of plain.value.programs) {
      assert.ok(p.coreRelos.length > 0);
      assert.equal(p.coreApplied, undefined);
    }
    assert.equal(plain.value.coreLog, undefined);
  });

  test('relocateCore on the loaded object gives what the loader option gives', () => {
    const again = relocateCore(plain.value, kernel.btf);
    assert.deepEqual(again.value.programs, obj.programs);
    assert.deepEqual(again.value.coreLog, obj.coreLog);
    assert.deepEqual(again.diagnostics, diagnostics.filter((d) => d.code.startsWith('core/')));
  });

  test('an object already relocated is left as it is, with a warning', () => {
    const again = relocateCore(obj, fakeKernel({ twoSyscallTps: false }).btf);
    assert.equal(again.value, obj);
    assert.deepEqual(again.diagnostics.map((d) => d.code), ['core/already-relocated']);
  });

  test('a program libbpf would not load is relocated after all the others, as if enabled last', () => {
    const functions = functionsOfPrograms(plain.value.programs).map((f) => (f.name === 'flavors' ? { ...f, autoload: false } : f));
    const log = relocateCore(plain.value, kernel.btf, { functions }).value.coreLog ?? [];
    const lastOther = log.map((l) => l.startsWith("prog 'pruned'")).lastIndexOf(true);
    const firstFlavors = log.findIndex((l) => l.startsWith("prog 'flavors'"));
    assert.ok(lastOther >= 0 && firstFlavors > lastOther, 'flavors after pruned');
    assert.ok(log.indexOf("sec 'kprobe/do_nanosleep': found 15 CO-RE relocations") < lastOther, 'its section is still announced in order');
  });
});

describe('core_poison.bpf.o and core_ambiguous.bpf.o against a hand-built kernel', () => {
  const kernel = fakeKernel();

  test('a field whose size change is unsafe: libbpf\'s warning, then poison', () => {
    const { value: obj, diagnostics } = loadObject(committedCoreObject('core_poison'), { name: 'core_poison', targetBtf: kernel.btf });
    const warnings = diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
    assert.deepEqual(warnings, ["prog 'signed_resize': relo #0: insn #0 (LDX/ST/STX) accesses field incorrectly. "
      + 'Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.']);
    const p = obj.programs.find((q) => q.name === 'signed_resize')!;
    assert.deepEqual(poisonedRelocationLog(p.coreApplied![0]),
      ['0: <invalid CO-RE relocation>', 'failed to resolve CO-RE relocation <byte_off> [10] struct trace_event_raw_sys_enter___signed.id (0:0 @ offset 0)']);
    for (const q of obj.programs) assert.deepEqual(q.coreApplied?.map((r) => r.outcome), ['poisoned'], `program '${q.name}'`);
  });

  test('a reachable poisoned instruction is where our verifier rejects the program, with the kernel\'s message', () => {
    const { value: obj } = loadObject(committedCoreObject('core_poison'), { name: 'core_poison', targetBtf: kernel.btf });
    const p = obj.programs.find((q) => q.name === 'xdp_missing_enumerator')!;
    const poisoned = p.coreApplied!.filter((r) => r.outcome === 'poisoned');
    assert.equal(poisoned.length, 1);
    const report = verifyProgram({ insns: p.insns, type: 'xdp', license: obj.license });
    assert.equal(report.verdict, 'reject');
    assert.deepEqual([report.error?.insnIdx, report.error?.message], [poisoned[0].insnIdx, `invalid func unknown#${POISON_HELPER_ID}`]);
  });

  test('two answers for one relocation: errors with libbpf\'s text, the relocation left pending, the load refused', () => {
    const plain = loadObject(committedCoreObject('core_ambiguous'), { name: 'core_ambiguous' });
    const { value: obj, diagnostics } = loadObject(committedCoreObject('core_ambiguous'), { name: 'core_ambiguous', targetBtf: kernel.btf });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.message), [
      "prog 'ambiguous': relo #1: relocation decision ambiguity: success 64 != success 24; prog 'ambiguous': relo #1: failed to relocate: -22",
      'libbpf stops at the first of these and fails the load: failed to perform CO-RE relocations: -22 (1 relocation cannot be applied)',
    ]);
    const p = obj.programs[0];
    assert.deepEqual(p.coreRelos.map((r) => r.kindName), ['type_size']);
    assert.deepEqual(p.coreApplied?.map((r) => [r.kindName, r.newValue]), [['target_type_id', 0n]], 'perf_aux_event is not in this kernel: id 0');
    assert.deepEqual(p.insns[p.coreRelos[0].insnIdx], plain.value.programs[0].insns[p.coreRelos[0].insnIdx]);
  });

  test('with one syscall_tp_t the same object relocates cleanly', () => {
    const { diagnostics } = loadObject(committedCoreObject('core_ambiguous'), { name: 'core_ambiguous', targetBtf: fakeKernel({ twoSyscallTps: false }).btf });
    assert.deepEqual(diagnostics, []);
  });
});
