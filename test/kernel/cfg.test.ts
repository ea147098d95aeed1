// The control-flow pass (src-vm/verifier/cfg.ts) against the live kernel:
// every program of test/support/cfgPrograms.ts is loaded with bpftool and
// our first error must be the first line the kernel's verifier prints (after
// its `func#N @M` lines), at the same instruction; programs the kernel
// accepts, or rejects in a later stage, must pass our pass without errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../src-vm/asm/assembler';
import { writeElf } from '../../src-vm/elf/elfWriter';
import { insn, type Insn } from '../../src-vm/isa/insn';
import { PSEUDO_LD } from '../../src-vm/isa/opcodes';
import { checkCfg } from '../../src-vm/verifier/cfg';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../support/kernel';
import { CFG_CASES, type CfgCase } from '../support/cfgPrograms';

/** Assembles a case; returns the object and the instructions as libbpf hands them to the kernel (main, then .text). */
export function buildCase(c: CfgCase): { elf: Uint8Array; kernelInsns: Insn[] } {
  const text = `.section xdp,"ax"\nprog:\n${c.main}\n` + (c.sub ? `.section .text,"ax"\nsub:\n${c.sub}\n` : '');
  const obj = assemble(text).value;
  const main = obj.sections.find((s) => s.name === 'xdp')!.insns;
  const sub = obj.sections.find((s) => s.name === '.text')?.insns ?? [];
  const linked = [...main, ...sub];
  for (const r of obj.relocs) {
    if (r.section !== 'xdp') continue;
    const x = main[r.insnIdx];
    if (r.kind === 'lddw') {
      // A function reference: libbpf wants src=BPF_PSEUDO_FUNC and a global function symbol.
      main[r.insnIdx] = insn(x.code, x.dst, PSEUDO_LD.FUNC, x.off, 0);
      obj.symbols = obj.symbols.map((s) => (s.name === r.symbol ? { ...s, global: true, kind: 'func', size: sub.length * 8 } : s));
    }
    linked[r.insnIdx] = insn(x.code, x.dst, r.kind === 'lddw' ? PSEUDO_LD.FUNC : x.src, x.off, main.length - r.insnIdx - 1);
  }
  return { elf: writeElf(obj), kernelInsns: linked };
}

/** 'accept' or the first line of the verifier log that is not a `func#` line. */
export function kernelFirstError(ok: boolean, log: string): string {
  if (ok) return 'accept';
  const begin = log.indexOf('-- BEGIN PROG LOAD LOG --');
  if (begin < 0) return `no verifier log: ${log.trim().split('\n').slice(-3).join(' | ')}`;
  const lines = log.slice(begin).split('\n').slice(1);
  return lines.find((l) => !/^func#\d+ @\d+$/.test(l) && l.trim() !== '') ?? '';
}

const CFG_MESSAGE = /^(jump out of range|last insn is not|unreachable insn|jump into the middle|back-edge|call to invalid|too many subprograms|invalid bpf_ld_imm64)/;

test('control-flow pass: first error and instruction agree with the live kernel', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const { dir, cleanup } = scratchDir();
  const mismatches: string[] = [];
  let rejects = 0;
  try {
    CFG_CASES.forEach((c, k) => {
      const { elf, kernelInsns } = buildCase(c);
      const path = join(dir, `cfg${k}.o`);
      writeFileSync(path, elf);
      const load = loadAll(path, 'xdp');
      unpin(load.pinDir);
      const kernel = kernelFirstError(load.ok, load.log);
      const ours = checkCfg(kernelInsns).errors[0];
      const expected = c.expect === 'later' ? (CFG_MESSAGE.test(kernel) ? kernel : 'later') : kernel;
      if (kernel !== 'accept' && c.expect !== 'later') rejects++;
      if (c.expect !== (c.expect === 'later' ? expected : kernel)) mismatches.push(`${c.name}: the table says '${c.expect}', the kernel '${kernel}'`);
      const got = ours ? ours.message : (c.expect === 'later' ? 'later' : 'accept');
      if (got !== expected) mismatches.push(`${c.name}: kernel '${kernel}', ours '${got}'`);
      const named = /^(?:unreachable insn|jump into the middle of ldimm64 insn|jump out of range from insn) (-?\d+)/.exec(kernel);
      if (ours && named && ours.insnIdx !== Number(named[1])) mismatches.push(`${c.name}: kernel names insn ${named[1]}, ours ${ours.insnIdx}`);
    });
  } finally {
    cleanup();
  }
  console.log(`cfg differential: ${CFG_CASES.length} programs, ${rejects} rejected by the kernel's control-flow pass, ${mismatches.length} mismatches`);
  assert.deepEqual(mismatches, []);
});
