// Our assembler against llvm-mc 19: every corpus file in test/fixtures/llvm/corpus
// and clang's own `-S` output of the C fixtures must give the same section
// bytes. Needs llvm-mc-19 and llvm-objcopy-19 (clang-19 for the C part).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assemble } from '../../../src-vm/asm/assembler';
import type { AsmObject, AsmSection } from '../../../src-vm/asm/object';
import { formatDiagnostic } from '../../../src-vm/diagnostics';
import { decodeInsns, encodeInsns } from '../../../src-vm/isa/insn';
import { OPCODE_TABLE } from '../../../src-vm/isa/opcodes';
import { CLANG, LLVM_MC, LLVM_OBJCOPY, llvmMcObject, missingTools, sectionBytes, withTempDir } from './llvmTools';

const CORPUS = 'test/fixtures/llvm/corpus';
const FIXTURES = 'test/fixtures/llvm';
const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.s')).sort();

function assembleClean(text: string, file: string): AsmObject {
  const r = assemble(text);
  const errors = r.diagnostics.filter((d) => d.severity !== 'info');
  assert.deepEqual(errors.map((d) => formatDiagnostic(d, file)), [], `${file} should assemble without errors or warnings`);
  return r.value;
}

function ourBytes(s: AsmSection): Uint8Array {
  return s.kind === 'code' ? encodeInsns(s.insns) : s.bytes;
}

function hexSlots(bytes: Uint8Array): string[] {
  return (Buffer.from(bytes).toString('hex').match(/.{1,16}/g) ?? []);
}

/** llvm-mc's bytes of `section`, or undefined for a section without contents (@nobits). */
function llvmSection(obj: string, section: string, dir: string): Uint8Array | undefined {
  try {
    return sectionBytes(obj, section, dir);
  } catch (e) {
    if (String((e as { stderr?: unknown }).stderr ?? e).includes('has no contents')) return undefined;
    throw e;
  }
}

function compareSections(ours: AsmObject, obj: string, dir: string, file: string, allowed: (s: AsmSection, slot: number) => boolean = () => false): number {
  let compared = 0;
  for (const s of ours.sections) {
    if (s.name === '.debug_line') continue; // llvm-mc compiles .loc into a line table; we do not (an info diagnostic says so)
    const theirs = llvmSection(obj, s.name, dir);
    const mine = ourBytes(s);
    if (theirs === undefined) {
      assert.ok(mine.every((b) => b === 0), `${file}: ${s.name} has no contents in llvm-mc's object, ours must be zeros`);
      continue;
    }
    if (s.kind !== 'code') {
      assert.deepEqual(Buffer.from(mine).toString('hex'), Buffer.from(theirs).toString('hex'), `${file}: data section ${s.name}`);
    } else {
      const a = hexSlots(mine);
      const b = hexSlots(theirs);
      assert.equal(a.length, b.length, `${file}: ${s.name} slot count`);
      a.forEach((slot, i) => {
        if (slot !== b[i] && !allowed(s, i)) assert.fail(`${file}: ${s.name} slot ${i}: ours ${slot}, llvm-mc ${b[i]}`);
      });
    }
    compared++;
  }
  return compared;
}

for (const file of corpusFiles) {
  test(`corpus ${file}: same bytes as llvm-mc -mcpu=v4 in every section`, (t) => {
    const missing = missingTools(['llvm-mc', LLVM_MC], ['llvm-objcopy', LLVM_OBJCOPY]);
    if (missing) return t.skip(missing);
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const ours = assembleClean(text, file);
    withTempDir((dir) => {
      const compared = compareSections(ours, llvmMcObject(text, dir), dir, file);
      assert.ok(compared > 0, `${file}: no section compared`);
    });
  });
}

test('the corpus uses every opcode of the opcode table', () => {
  const used = new Set<number>();
  for (const file of corpusFiles) {
    const obj = assemble(readFileSync(join(CORPUS, file), 'utf8')).value;
    for (const s of obj.sections) for (const i of s.insns) used.add(i.code);
  }
  const missing = OPCODE_TABLE.filter((row) => !used.has(row.code)).map((row) => `0x${row.code.toString(16)} ${row.name}`);
  assert.deepEqual(missing, []);
});

/**
 * Where our bytes may differ from llvm-mc's on clang output: llvm-mc relocates
 * a call or lddw of a *local* symbol in another section against the section
 * (imm = its offset), we against the symbol itself (imm = addend, -1 for calls).
 * Both mean the same to libbpf; the slot must hold such a relocation.
 */
function localRelocSlot(obj: AsmObject): (s: AsmSection, slot: number) => boolean {
  return (s, slot) => obj.relocs.some((r) => r.section === s.name && r.insnIdx === slot &&
    obj.symbols.some((sym) => sym.name === r.symbol && sym.section !== undefined && !sym.global));
}

const cFixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.bpf.c')).sort();
for (const file of cFixtures) {
  test(`clang -S output of ${file} assembles to llvm-mc's bytes`, (t) => {
    const missing = missingTools(['clang', CLANG], ['llvm-mc', LLVM_MC], ['llvm-objcopy', LLVM_OBJCOPY]);
    if (missing) return t.skip(missing);
    const mcpu = file.startsWith('cpuv4') ? 'v4' : 'v3';
    const text = execFileSync(CLANG!, ['-target', 'bpf', '-O2', '-g', `-mcpu=${mcpu}`, '-S', join(FIXTURES, file), '-o', '-'], { encoding: 'utf8' });
    const ours = assembleClean(text, file);
    // llvm-mc 19 rejects the `r2 = w2` clang itself prints for a zero-extending move; it means `w2 = w2`.
    const forLlvm = text.replace(/^(\s*)r(\d+) = w(\d+)\s*$/gm, '$1w$2 = w$3');
    withTempDir((dir) => {
      const compared = compareSections(ours, llvmMcObject(forLlvm, dir), dir, file, localRelocSlot(ours));
      assert.ok(compared >= 3, `${file}: expected code, license and BTF sections, compared ${compared}`);
    });
  });
}

test('a relocated call to a local function in another section keeps its meaning', () => {
  const obj = assemble(['\t.section xdp,"ax",@progbits', 'prog:', '\tcall helper', '\texit', '\t.text', 'pad:', '\texit', 'helper:', '\texit'].join('\n')).value;
  const xdp = obj.sections.find((s) => s.name === 'xdp')!;
  assert.deepEqual(obj.relocs, [{ section: 'xdp', insnIdx: 0, symbol: 'helper', kind: 'call' }]);
  assert.deepEqual(decodeInsns(encodeInsns(xdp.insns))[0], { code: 0x85, dst: 0, src: 1, off: 0, imm: -1 });
  assert.deepEqual(obj.symbols.find((s) => s.name === 'helper'), { name: 'helper', section: '.text', offset: 1, global: false, kind: 'notype' });
});
