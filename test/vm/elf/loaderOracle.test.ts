// The loader against libbpf and the kernel, for every loadable fixture:
// libbpf's own view after bpf_object__load (the C helper printing
// bpf_program__insns and the maps) must match ours program by program and
// slot by slot — except where libbpf writes kernel-specific values (map fds,
// kfunc BTF ids) or applies CO-RE, which is a later pass; and the maps the
// kernel created (bpftool map show, for the maps of the pinned programs) must
// match our definitions.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Insn } from '../../../src-vm/isa/insn';
import { PSEUDO_CALL, PSEUDO_LD } from '../../../src-vm/isa/opcodes';
import type { LoadedObject, LoadedProgram } from '../../../src-vm/elf/loadedObject';
import type { LineRecord } from '../../../src-vm/elf/lineTable';
import { libbpfOracle, runOracle, type OracleDump, type OracleMap, type OracleProgram } from '../../kernel/libbpfOracle';
import { BPFTOOL, kernelUnavailable, loadAll, unpin } from '../../support/kernel';
import { runTool } from '../../support/tools';
import { MAP_F } from '../../../src-vm/vm/maps/mapDef';
import { fixtureObject, loadFixture, LOADABLE_FIXTURES, PINNABLE_FIXTURES } from './loaderFixtures';

type Slot = string;

function plain(i: Insn): Slot {
  return `code=${i.code.toString(16)} dst=${i.dst} src=${i.src} off=${i.off} imm=${i.imm}`;
}

/** Our instructions with map indexes and kfunc ids replaced by names. */
function ourSlots(obj: LoadedObject, p: LoadedProgram): Slot[] {
  const slots = p.insns.map(plain);
  for (const r of p.mapRefs) {
    const i = p.insns[r.insnIdx];
    assert.equal(i.src, r.kind === 'map' ? PSEUDO_LD.MAP_IDX : PSEUDO_LD.MAP_IDX_VALUE);
    assert.equal(i.imm, r.mapIndex);
    slots[r.insnIdx] = `ld_imm64 dst=${i.dst} ${r.kind} ${obj.maps[r.mapIndex].name}`;
  }
  for (const r of p.externRefs.filter((e) => e.kind === 'call')) {
    assert.equal(p.insns[r.insnIdx].src, PSEUDO_CALL.KFUNC);
    slots[r.insnIdx] = `kfunc ${obj.externs[r.externIndex].name}`;
  }
  return slots;
}

/** libbpf's instructions with map fds replaced by map names, and kfunc calls by the extern our loader names there. */
function oracleSlots(dump: OracleDump, prog: OracleProgram, ours: LoadedProgram, obj: LoadedObject): Slot[] {
  const byFd = new Map(dump.maps.map((m) => [m.fd, m.name]));
  const slots = prog.insns.map(plain);
  prog.insns.forEach((i, n) => {
    if (i.code === 0x18 && (i.src === PSEUDO_LD.MAP_FD || i.src === PSEUDO_LD.MAP_VALUE)) {
      slots[n] = `ld_imm64 dst=${i.dst} ${i.src === PSEUDO_LD.MAP_FD ? 'map' : 'value'} ${byFd.get(i.imm) ?? `fd ${i.imm}?`}`;
    }
    if (i.code === 0x85 && i.src === PSEUDO_CALL.KFUNC) {
      const ref = ours.externRefs.find((r) => r.insnIdx === n && r.kind === 'call');
      slots[n] = ref ? `kfunc ${obj.externs[ref.externIndex].name}` : `kfunc btf id ${i.imm}`;
    }
  });
  return slots;
}

/** Slots a CO-RE relocation rewrites: libbpf has applied it, our loader leaves it pending. */
function coreSlots(p: LoadedProgram): Set<number> {
  return new Set(p.coreRelos.map((r) => r.insnIdx));
}

/** Same instruction but for the offset and immediate a CO-RE relocation rewrites. */
function sameButCore(a: Insn, b: Insn): boolean {
  return a.code === b.code && a.dst === b.dst && a.src === b.src;
}

function compareProgram(obj: LoadedObject, dump: OracleDump, prog: OracleProgram): void {
  const ours = obj.programs.find((p) => p.name === prog.name);
  assert.ok(ours, `libbpf has program '${prog.name}', we do not`);
  assert.deepEqual(
    { section: ours.section, type: ours.typeId, attach: ours.expectedAttachTypeId, count: ours.insns.length },
    { section: prog.section, type: prog.type, attach: prog.attach, count: prog.insns.length },
    `program '${prog.name}'`);
  const a = ourSlots(obj, ours);
  const b = oracleSlots(dump, prog, ours, obj);
  const core = coreSlots(ours);
  const diffs = a.flatMap((s, n) => (s === b[n] || (core.has(n) && sameButCore(ours.insns[n], prog.insns[n]))
    ? [] : [`slot ${n}${core.has(n) ? ' (CO-RE)' : ''}: ours ${s} | libbpf ${b[n]}`]));
  assert.deepEqual(diffs, [], `program '${prog.name}': instructions differ from libbpf's`);
}

/** The line record covering `slot`: the last one at or before it, as the kernel's verbose_linfo finds it. */
function coveringLine(p: LoadedProgram, slot: number): LineRecord | undefined {
  let found: LineRecord | undefined;
  for (const l of p.lineInfo) if (l.insnIdx <= slot && (!found || l.insnIdx >= found.insnIdx)) found = l;
  return found;
}

/**
 * Every `; <source> @ file.c:LINE` line of the kernel's verifier log names
 * the source of the instruction printed next; our line table, moved to the
 * program's final slots, must say the same for that slot.
 */
function compareLines(p: LoadedProgram, log: readonly string[]): void {
  const seen: string[] = [];
  const wrong: string[] = [];
  log.forEach((line, n) => {
    const src = /^; (.*) @ (\S+):(\d+)$/.exec(line);
    const insn = src && /^(\d+): \(/.exec(log[n + 1] ?? '');
    if (!src || !insn) return;
    const slot = Number(insn[1]);
    const ours = coveringLine(p, slot);
    const got = ours && `${ours.lineText.trim()} @ ${ours.fileName.split('/').pop()}:${ours.line}`;
    const want = `${src[1]} @ ${src[2]}:${src[3]}`;
    seen.push(want);
    if (got !== want) wrong.push(`slot ${slot}: kernel '${want}', ours '${got}'`);
  });
  assert.ok(seen.some((w) => !w.startsWith(' @')), `program '${p.name}': the verifier log names no source lines with text`);
  assert.deepEqual(wrong, [], `program '${p.name}': line table differs from the kernel's verifier log`);
}

describe('loader vs libbpf (bpf_object__load, bpf_program__insns)', () => {
  for (const name of LOADABLE_FIXTURES) {
    test(`${name}: programs, instructions after linking and relocation, maps, source lines`, (t) => {
      const oracle = libbpfOracle();
      if (typeof oracle === 'string') return t.skip(oracle);
      const why = kernelUnavailable();
      if (why) return t.skip(why);
      const { value: obj, diagnostics } = loadFixture(name);
      assert.deepEqual(diagnostics.filter((d) => d.severity !== 'info'), []);
      const dump = runOracle(oracle, fixtureObject(name), ['--all', '--log']);
      assert.equal(dump.status, 'ok', `libbpf failed to load ${name}:\n${dump.stderr}`);
      assert.deepEqual(obj.programs.map((p) => p.name), dump.programs.map((p) => p.name), 'programs in libbpf\'s order');
      for (const prog of dump.programs) {
        compareProgram(obj, dump, prog);
        compareLines(obj.programs.find((p) => p.name === prog.name)!, dump.logs.get(prog.name) ?? []);
      }
      const ours = obj.maps.map((m) => ({ name: m.name, type: m.typeId, key: m.keySize, value: m.valueSize, max: m.maxEntries, flags: m.flags }));
      const view = (list: OracleMap[]) => list.map((m) => ({ name: m.name, type: m.type, key: m.keySize, value: m.valueSize, max: m.maxEntries, flags: m.flags }));
      assert.deepEqual(ours, view(dump.maps), 'maps in libbpf\'s order');
      assert.deepEqual(ours, view(dump.kernelMaps), 'maps as the kernel created them (BPF_OBJ_GET_INFO_BY_FD)');
    });
  }
});

interface KernelMap {
  name: string;
  type: string;
  bytes_key: number;
  bytes_value: number;
  max_entries: number;
  flags: number;
}

function bpftoolJson<T>(args: string[]): T {
  const r = runTool(BPFTOOL!, ['-j', ...args]);
  assert.equal(r.status, 0, `bpftool ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The maps the kernel holds for the programs pinned under `pinDir`, by name. */
function kernelMaps(pinDir: string, programs: readonly string[]): Map<string, KernelMap> {
  const ids = new Set<number>();
  for (const p of programs) {
    const info = bpftoolJson<{ map_ids?: number[] }>(['prog', 'show', 'pinned', `${pinDir}/${p}`]);
    for (const id of info.map_ids ?? []) ids.add(id);
  }
  const maps = new Map<string, KernelMap>();
  for (const id of ids) {
    const m = bpftoolJson<KernelMap>(['map', 'show', 'id', String(id)]);
    maps.set(m.name, m);
  }
  return maps;
}

/**
 * bpftool 7.1 (Debian) carries a libbpf snapshot from before libbpf 1.1
 * stopped making every global-data map mmapable (commit 3cd45b66: only
 * sections with a non-static variable are). For internal maps that is the one
 * flag bpftool's maps may have beyond libbpf's; every other field must match.
 */
function flagsAsBpftoolMakesThem(kind: string, flags: number, kernelFlags: number): number {
  const internal = kind === 'data' || kind === 'rodata' || kind === 'bss' || kind === 'kconfig';
  return internal ? flags | (kernelFlags & MAP_F.MMAPABLE) : flags;
}

describe('loader vs the kernel (bpftool prog loadall, bpftool map show)', () => {
  for (const name of PINNABLE_FIXTURES) {
    test(`${name}: every map a loaded program uses matches our definition`, (t) => {
      const why = kernelUnavailable();
      if (why) return t.skip(why);
      const { value: obj } = loadFixture(name);
      const load = loadAll(fixtureObject(name));
      try {
        assert.ok(load.ok, `bpftool could not load ${name}:\n${load.log}`);
        const autoload = obj.programs.filter((p) => p.autoload).map((p) => p.name);
        const kernel = kernelMaps(load.pinDir, autoload);
        assert.ok(kernel.size > 0, 'the loaded programs use maps');
        for (const [mapName, k] of kernel) {
          const ours = obj.maps.find((m) => m.name === mapName);
          assert.ok(ours, `the kernel has map '${mapName}', we do not`);
          assert.deepEqual(
            { type: ours.type, key: ours.keySize, value: ours.valueSize, max: ours.maxEntries, flags: flagsAsBpftoolMakesThem(ours.kind, ours.flags, k.flags) },
            { type: k.type, key: k.bytes_key, value: k.bytes_value, max: k.max_entries, flags: k.flags },
            `map '${mapName}'`);
        }
      } finally {
        unpin(load.pinDir);
      }
    });
  }
});
