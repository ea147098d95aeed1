// The CO-RE pass against libbpf 1.1 and the live kernel, with the running
// kernel's BTF (/sys/kernel/btf/vmlinux) as target, for every fixture of
// test/fixtures/core: our relocated instructions must equal libbpf's
// (bpf_program__insns after bpf_object__load) slot by slot; our CO-RE log
// must equal the one libbpf prints (bpftool -d) line by line; libbpf's
// warnings must be ours; a poisoned instruction the kernel reaches must be
// where the kernel rejects the program, with the text libbpf puts in the
// verifier log (and where our verifier rejects it, for the types it knows); and an object libbpf refuses must be refused by us with
// libbpf's message.

import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import type { Insn } from '../../../src-vm/isa/insn';
import { PSEUDO_CALL, PSEUDO_LD } from '../../../src-vm/isa/opcodes';
import type { LoadedObject, LoadedProgram } from '../../../src-vm/elf/loadedObject';
import { POISON_HELPER_ID } from '../../../src-vm/elf/corePatch';
import { poisonedRelocationLog } from '../../../src-vm/elf/coreRelocate';
import { verifyProgram } from '../../../src-vm/verifier/verify';
import { libbpfOracle, runOracle, type OracleDump, type OracleProgram } from '../../kernel/libbpfOracle';
import { kernelUnavailable } from '../../support/kernel';
import { compileFixture } from './btfFixtures';
import { fixtureObject } from './loaderFixtures';
import {
  cleanupCoreScratch, compileCoreFixture, coreScratchDir, coreToolsMissing, libbpfCoreLog, loadAgainstKernel,
} from './coreFixtures';

after(cleanupCoreScratch);

/** The objects every program of which loads, by label: the CO-RE fixtures, the BTF.ext suite's and the loader's. */
const LOADING: readonly [string, () => string][] = [
  ['core_kernel', () => compileCoreFixture('core_kernel')],
  ['core_flavors', () => compileCoreFixture('core_flavors')],
  ['btf/core.bpf.c', () => compileFixture('core.bpf.c', coreScratchDir())],
  ['objects/tracing.bpf.c', () => fixtureObject('tracing')],
];

/** Why this suite cannot run here, or the oracle. */
function ready(t: TestContext): { path: string } | undefined {
  const why = coreToolsMissing() ?? kernelUnavailable();
  if (why) {
    t.skip(why);
    return undefined;
  }
  const oracle = libbpfOracle();
  if (typeof oracle === 'string') {
    t.skip(oracle);
    return undefined;
  }
  return oracle;
}

function plain(i: Insn): string {
  return `code=${i.code.toString(16)} dst=${i.dst} src=${i.src} off=${i.off} imm=${i.imm}`;
}

/** Our slots, map references and kfunc calls by name. */
function ourSlots(obj: LoadedObject, p: LoadedProgram): string[] {
  const slots = p.insns.map(plain);
  for (const r of p.mapRefs) slots[r.insnIdx] = `ld_imm64 dst=${p.insns[r.insnIdx].dst} ${r.kind} ${obj.maps[r.mapIndex].name}`;
  for (const r of p.externRefs) if (r.kind === 'call') slots[r.insnIdx] = `kfunc ${obj.externs[r.externIndex].name}`;
  return slots;
}

/** libbpf's slots, map fds by name, kfunc calls (kernel BTF ids) by the extern our loader names at that slot. */
function oracleSlots(dump: OracleDump, prog: OracleProgram, obj: LoadedObject, ours: LoadedProgram): string[] {
  const byFd = new Map(dump.maps.map((m) => [m.fd, m.name]));
  return prog.insns.map((i, n) => {
    if (i.code === 0x85 && i.src === PSEUDO_CALL.KFUNC) {
      const ref = ours.externRefs.find((r) => r.insnIdx === n && r.kind === 'call');
      return ref ? `kfunc ${obj.externs[ref.externIndex].name}` : `kfunc btf id ${i.imm}`;
    }
    if (i.code !== 0x18 || (i.src !== PSEUDO_LD.MAP_FD && i.src !== PSEUDO_LD.MAP_VALUE)) return plain(i);
    return `ld_imm64 dst=${i.dst} ${i.src === PSEUDO_LD.MAP_FD ? 'map' : 'value'} ${byFd.get(i.imm) ?? `fd ${i.imm}?`}`;
  });
}

/** Compares one program slot by slot; returns how many slots and CO-RE slots agreed. */
function compareProgram(obj: LoadedObject, dump: OracleDump, name: string): { slots: number; core: number } {
  const ours = obj.programs.find((p) => p.name === name);
  const theirs = dump.programs.find((p) => p.name === name);
  assert.ok(ours && theirs, `program '${name}' on both sides`);
  assert.deepEqual(ours.coreRelos, [], `program '${name}': every CO-RE relocation applied`);
  const a = ourSlots(obj, ours);
  const b = oracleSlots(dump, theirs, obj, ours);
  assert.equal(a.length, b.length, `program '${name}': instruction count`);
  const diffs = a.flatMap((s, n) => (s === b[n] ? [] : [`slot ${n}: ours ${s} | libbpf ${b[n]}`]));
  assert.deepEqual(diffs, [], `program '${name}': instructions differ from libbpf's`);
  const core = new Set((ours.coreApplied ?? []).flatMap((r) => (r.insnIdx + 1 < ours.insns.length && ours.insns[r.insnIdx].code === 0x18 ? [r.insnIdx, r.insnIdx + 1] : [r.insnIdx])));
  return { slots: a.length, core: core.size };
}

/** libbpf's CO-RE warnings in the oracle's stderr (`libbpf: prog 'P': relo #N: …`), for program `only` if given. */
function libbpfWarnings(dump: OracleDump, only?: string): string[] {
  return dump.stderr.split('\n').flatMap((l) => {
    const m = /^libbpf: (prog '([^']*)': relo #\d+: .*)$/.exec(l);
    return m && (!only || m[2] === only) ? [m[1]] : [];
  });
}

function ourWarnings(diagnostics: readonly { message: string; code: string }[], only?: string): string[] {
  return diagnostics
    .filter((d) => d.code === 'core/relocation-warning' || d.code === 'core/relocation-failed')
    .flatMap((d) => d.message.split('; '))
    .filter((m) => !only || m.startsWith(`prog '${only}'`));
}

describe('CO-RE vs libbpf 1.1 on the live kernel (target /sys/kernel/btf/vmlinux)', () => {
  for (const [name, compile] of LOADING) {
    test(`${name}: every program's instructions equal libbpf's after CO-RE, slot by slot`, (t) => {
      const oracle = ready(t);
      if (!oracle) return;
      const path = compile();
      const { value: obj, diagnostics } = loadAgainstKernel(path);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
      const dump = runOracle(oracle, path, ['--all']);
      assert.equal(dump.status, 'ok', `libbpf failed to load ${name}:\n${dump.stderr}`);
      assert.deepEqual(obj.programs.map((p) => p.name), dump.programs.map((p) => p.name));
      let slots = 0;
      let core = 0;
      for (const p of dump.programs) {
        const n = compareProgram(obj, dump, p.name);
        slots += n.slots;
        core += n.core;
      }
      assert.deepEqual(ourWarnings(diagnostics), libbpfWarnings(dump));
      assert.ok(core > 0, 'the fixture has CO-RE relocations');
      t.diagnostic(`${name}: ${dump.programs.length} programs, ${slots} slots equal to libbpf's, ${core} of them at CO-RE relocations`);
    });
  }

  test('core_poison: each program is rejected by the kernel at its poisoned instruction, with libbpf\'s text', (t) => {
    const oracle = ready(t);
    if (!oracle) return;
    const path = compileCoreFixture('core_poison');
    const { value: obj, diagnostics } = loadAgainstKernel(path);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    for (const p of obj.programs) {
      const dump = runOracle(oracle, path, ['--only', p.name, '--log']);
      assert.match(dump.status, /^error \d+$/, `the kernel rejects '${p.name}'`);
      compareProgram(obj, dump, p.name);
      assert.deepEqual(ourWarnings(diagnostics, p.name), libbpfWarnings(dump, p.name));
      const poisoned = (p.coreApplied ?? []).filter((r) => r.outcome === 'poisoned');
      assert.equal(poisoned.length, 1, `program '${p.name}': one poisoned relocation`);
      const [first, second] = poisonedRelocationLog(poisoned[0]);
      const log = dump.logs.get(p.name) ?? [];
      const at = log.indexOf(first);
      assert.ok(at >= 0, `program '${p.name}': the verifier log says '${first}':\n${log.slice(-8).join('\n')}`);
      assert.equal(log[at + 1], second);
      assert.equal(p.insns[poisoned[0].insnIdx].imm, POISON_HELPER_ID);
      if (p.type === 'xdp') {
        const ours = verifyProgram({ insns: p.insns, type: 'xdp', license: obj.license });
        assert.deepEqual([ours.verdict, ours.error?.insnIdx, ours.error?.message], ['reject', poisoned[0].insnIdx, `invalid func unknown#${POISON_HELPER_ID}`],
          'our verifier rejects it where the kernel does');
      }
      assert.ok(diagnostics.some((d) => d.code === 'core/poisoned' && d.insnIdx === poisoned[0].insnIdx && d.message.startsWith(`program '${p.name}'`)));
    }
  });

  test('core_ambiguous: libbpf refuses the object, and so do we, with its message', (t) => {
    const oracle = ready(t);
    if (!oracle) return;
    const path = compileCoreFixture('core_ambiguous');
    const { diagnostics } = loadAgainstKernel(path);
    const dump = runOracle(oracle, path, ['--all']);
    assert.match(dump.status, /^error \d+$/);
    const theirs = libbpfWarnings(dump);
    const failures = diagnostics.filter((d) => d.code === 'core/relocation-failed');
    assert.ok(failures.length >= 1);
    assert.deepEqual(failures[0].message.split('; '), theirs, 'libbpf stops at the first failure: its warnings are our first error');
    const errno = /failed to perform CO-RE relocations: (-\d+)/.exec(dump.stderr)?.[1];
    const summary = diagnostics.find((d) => d.code === 'core/load-fails');
    assert.ok(errno && summary?.message.includes(`failed to perform CO-RE relocations: ${errno}`), summary?.message);
  });
});

describe('CO-RE log vs libbpf 1.1\'s (bpftool -d prog loadall)', () => {
  const all: readonly [string, () => string][] = [
    ...LOADING, ['core_poison', () => compileCoreFixture('core_poison')], ['core_ambiguous', () => compileCoreFixture('core_ambiguous')],
  ];
  for (const [name, compile] of all) {
    test(`${name}: every CO-RE log line libbpf prints, in order`, (t) => {
      if (!ready(t)) return;
      const path = compile();
      const ours = loadAgainstKernel(path).value.coreLog ?? [];
      const theirs = libbpfCoreLog(path).lines;
      assert.ok(theirs.length > 0, 'libbpf printed CO-RE lines');
      const stopped = theirs[theirs.length - 1].includes('failed to relocate');
      // libbpf stops at the first failure; we go on to report the rest.
      assert.deepEqual(stopped ? ours.slice(0, theirs.length) : ours, theirs);
      t.diagnostic(`${name}: ${theirs.length} log lines equal`);
    });
  }
});
