// The kernel dialect against the live kernel: load each fixture object with
// `bpftool -d prog load` (which prints the verifier log), then check every
// `N: (xx) text` line of the log two ways: our formatter on the object's own
// bytes prints the same text, and our assembler reads the line back into an
// instruction that prints identically. Needs root, bpftool and a kernel with
// the instructions used (v4 for cpuv4.bpf.o); otherwise it skips, saying why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../../src-vm/asm/assembler';
import { formatInsn } from '../../../src-vm/asm/disassembler';
import { decodeInsns, type Insn } from '../../../src-vm/isa/insn';
import { LLVM_OBJCOPY, LLVM_OBJDUMP, missingTools, objdump, sectionBytes, withTempDir } from './llvmTools';

const FIXTURES = 'test/fixtures/llvm';
const BPFTOOL = ['/usr/sbin/bpftool', '/usr/bin/bpftool', '/usr/local/sbin/bpftool'].find((p) => existsSync(p));

interface LogLine { idx: number; opcode: string; text: string }

/** The `N: (xx) text` lines of each program's verifier log, by program name. */
function verifierLogs(output: string): Map<string, LogLine[]> {
  const logs = new Map<string, LogLine[]>();
  let current: LogLine[] | undefined;
  for (const line of output.split('\n')) {
    const begin = /prog '([^']+)': -- BEGIN PROG LOAD LOG --/.exec(line);
    if (begin) logs.set(begin[1], (current = []));
    else if (line.includes('-- END PROG LOAD LOG --')) current = undefined;
    else {
      const m = /^(\d+): \(([0-9a-f]{2})\) (.*?)(\s+; .*)?$/.exec(line);
      if (m && current) current.push({ idx: Number(m[1]), opcode: m[2], text: `(${m[2]}) ${m[3]}` });
    }
  }
  return logs;
}

function loadWithLog(obj: string): { output: string; error?: string } {
  const pin = `/sys/fs/bpf/ebpf_workbench_test_${process.pid}_${Math.random().toString(36).slice(2)}`;
  const r = spawnSync(BPFTOOL!, ['-d', 'prog', 'load', obj, pin], { encoding: 'utf8', maxBuffer: 256 << 20 });
  rmSync(pin, { force: true });
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.status === 0) return { output };
  const reason = output.split('\n').filter((l) => /error|Error|denied|not permitted|invalid/i.test(l)).slice(-3).join(' / ');
  return { output, error: `bpftool could not load ${obj}: ${reason || `exit ${r.status}`}` };
}

/** Program name -> its section's instructions from its first slot (subprograms come after, in the kernel's copy). */
function programsOf(obj: string, dir: string): Map<string, Insn[]> {
  const programs = new Map<string, Insn[]>();
  for (const section of objdump(obj)) {
    if (section.name === '.text') continue;
    const insns = decodeInsns(sectionBytes(obj, section.name, dir));
    const starts = section.symbols.map((s) => s.offset).sort((a, b) => a - b);
    for (const sym of section.symbols) {
      const end = starts.find((o) => o > sym.offset) ?? insns.length;
      programs.set(sym.name, insns.slice(sym.offset, end));
    }
  }
  return programs;
}

/** libbpf rewrites these before the kernel sees them: map addresses in lddw, offsets of bpf-to-bpf calls. */
function relocatedByLoader(i: Insn): boolean {
  return i.code === 0x18 || (i.code === 0x85 && i.src === 1);
}

const objects = readdirSync(FIXTURES).filter((f) => f.endsWith('.bpf.o')).sort();
for (const file of objects) {
  test(`${file}: kernel dialect matches the live kernel's verifier log`, (t) => {
    const missing = missingTools(['llvm-objdump', LLVM_OBJDUMP], ['llvm-objcopy', LLVM_OBJCOPY]);
    if (missing) return t.skip(missing);
    if (!BPFTOOL) return t.skip('bpftool not found in /usr/sbin, /usr/bin or /usr/local/sbin');
    if (process.getuid?.() !== 0) return t.skip('loading programs into the kernel needs root');
    const loaded = loadWithLog(join(FIXTURES, file));
    if (loaded.error) return t.skip(loaded.error);
    const logs = verifierLogs(loaded.output);
    withTempDir((dir) => {
      const programs = programsOf(join(FIXTURES, file), dir);
      let onBytes = 0, reparsed = 0;
      for (const [name, lines] of logs) {
        const insns = programs.get(name);
        assert.ok(insns, `${file}: the log names program ${name}, which objdump does not list`);
        for (const line of lines) {
          if (line.idx < insns.length && !relocatedByLoader(insns[line.idx])) {
            assert.equal(formatInsn(insns, line.idx, { dialect: 'kernel' }), line.text, `${file} ${name} insn ${line.idx}`);
            onBytes++;
          }
          const back = assemble(line.text);
          assert.deepEqual(back.diagnostics.filter((d) => d.code !== 'isa/target-out-of-range').map((d) => d.message), [], line.text);
          assert.equal(formatInsn(back.value.sections[0].insns, 0, { dialect: 'kernel' }), line.text, `${file}: reassembled ${line.text}`);
          reparsed++;
        }
      }
      t.diagnostic(`${onBytes} log lines matched on the object's bytes, ${reparsed} read back by the assembler`);
      assert.ok(onBytes > 10 && reparsed > 10, `${file}: only ${onBytes} lines compared on bytes, ${reparsed} reassembled`);
    });
  });
}
