// The snippets users insert (snippets/ebpf-c.json, snippets/ebpf-asm.json):
// the manifest contributes both files; every snippet, expanded with its
// defaults (fragments placed in a small host program), compiles with clang-19
// or assembles, loads in our loader without an error, is accepted by our
// verifier where it models the program type, and is accepted by the live
// kernel (tracing programs the kernel here refuses before the verifier are
// reported as such).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleSource } from '../../src-vm/program';
import { writeElf } from '../../src-vm/elf/elfWriter';
import { loadObject } from '../../src-vm/elf/loader';
import { targetsOfObject, verifyTarget } from '../../src-vm/verifyTargets';
import { BPFTOOL, kernelUnavailable, loadAll, processScratchDir, unpin } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { archInclude } from '../vm/elf/loaderFixtures';
import { expandSnippet } from './snippetExpand';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLANG = findTool('clang-19');

interface Snippet { prefix: string; description: string; body: string[] }
type SnippetFile = Record<string, Snippet>;

const readSnippets = (file: string): SnippetFile => JSON.parse(readFileSync(join(ROOT, 'snippets', file), 'utf8')) as SnippetFile;
const C_SNIPPETS = readSnippets('ebpf-c.json');
const ASM_SNIPPETS = readSnippets('ebpf-asm.json');

const NET_INCLUDES = '#include <linux/bpf.h>\n#include <linux/if_ether.h>\n#include <linux/ip.h>\n#include <bpf/bpf_helpers.h>\n';
const TRACE_INCLUDES = '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n';
const LICENSE = 'char LICENSE[] SEC("license") = "GPL";\n';

/** A fragment's host: the file around it, where the snippet text goes at `@`. */
const HOSTS: Record<string, string> = {
  ringbuf_event: `${TRACE_INCLUDES}@\nSEC("tracepoint/syscalls/sys_enter_getpid")\nint host(void *ctx)\n{\n\tsubmit_event();\n\treturn 0;\n}\n${LICENSE}`,
  bounds_check: `${NET_INCLUDES}SEC("xdp")\nint host(struct xdp_md *ctx)\n{\n\tvoid *data = (void *)(long)ctx->data;\n\tvoid *data_end = (void *)(long)ctx->data_end;\n\tstruct ethhdr *eth = data;\n\n\tif ((void *)(eth + 1) > data_end)\n\t\treturn XDP_PASS;\n\t@\treturn iph->protocol == 6 ? XDP_DROP : XDP_PASS;\n}\n${LICENSE}`,
  map: `${NET_INCLUDES}@\nSEC("xdp")\nint host(struct xdp_md *ctx)\n{\n\treturn XDP_PASS;\n}\n${LICENSE}`,
};

/** The snippet expanded into its host, indented as the editor indents it: to the insertion point's indentation. */
function sourceOf(s: Snippet): string {
  const text = expandSnippet(s.body);
  const host = s.prefix.startsWith('map_') ? HOSTS.map : HOSTS[s.prefix];
  if (!host) return `${text}\n`;
  const indent = /([ \t]*)@/.exec(host)?.[1] ?? '';
  return host.replace(/[ \t]*@/, `${text.split('\n').map((l) => (l ? indent + l : l)).join('\n')}\n`);
}

/** Error-level diagnostics of our loader, and our verifier's verdict on each program it models. */
function ours(bytes: Uint8Array, name: string): { errors: string[]; rejected: string[]; programs: number } {
  const loaded = loadObject(bytes, { name });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const rejected: string[] = [];
  for (const t of targetsOfObject(loaded.value)) {
    const out = verifyTarget(t);
    if (out.kind === 'verified' && out.report.error) rejected.push(`${t.name}: ${out.report.error.message}`);
  }
  return { errors, rejected, programs: loaded.value.programs.length };
}

/** The kernel's verdict, or why it gave none (tracing programs refused with EPERM before the verifier here). */
function kernelAccepts(objPath: string): true | string {
  const load = loadAll(objPath);
  unpin(load.pinDir);
  if (load.ok) return true;
  if (/Operation not permitted|errno[ =]1\b/.test(load.log) && !load.log.includes('BEGIN PROG LOAD LOG')) return 'refused before the verifier (EPERM)';
  assert.fail(`the kernel rejects it:\n${load.log.split('\n').slice(-25).join('\n')}`);
}

test('package.json contributes both snippet files to their languages', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
  assert.deepEqual(pkg.contributes.snippets, [
    { language: 'c', path: './snippets/ebpf-c.json' },
    { language: 'ebpf-asm', path: './snippets/ebpf-asm.json' },
  ]);
  for (const s of [...Object.values(C_SNIPPETS), ...Object.values(ASM_SNIPPETS)]) {
    assert.ok(s.prefix && s.description && s.body.length > 0, JSON.stringify(s));
  }
});

describe('C snippets compile, load and verify', () => {
  const dir = processScratchDir('snippets');
  let vmlinux: string | undefined;
  for (const [name, s] of Object.entries(C_SNIPPETS)) {
    test(`${name} (${s.prefix})`, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (apt-get install clang-19)');
      const src = sourceOf(s);
      if (src.includes('"vmlinux.h"')) {
        if (!BPFTOOL) return t.skip('bpftool not found: vmlinux.h cannot be generated');
        vmlinux ??= runTool(BPFTOOL, ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c']).stdout;
        writeFileSync(join(dir, 'vmlinux.h'), vmlinux);
      }
      const base = join(dir, s.prefix);
      writeFileSync(`${base}.bpf.c`, src);
      const cc = runTool(CLANG, ['-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86', `-I${archInclude()}`, `-I${dir}`, '-Wall', '-c', `${base}.bpf.c`, '-o', `${base}.bpf.o`]);
      assert.equal(cc.status, 0, `clang-19:\n${cc.stderr}\n--- source ---\n${src}`);
      assert.equal(cc.stderr.trim(), '', 'clang-19 warns');
      const r = ours(new Uint8Array(readFileSync(`${base}.bpf.o`)), s.prefix);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.rejected, []);
      assert.ok(r.programs >= 1);
      if (kernelUnavailable()) return t.skip(kernelUnavailable());
      const k = kernelAccepts(`${base}.bpf.o`);
      if (k !== true) t.diagnostic(`${name}: the kernel here ${k}`);
    });
  }
});

describe('assembly snippets assemble, load and verify', () => {
  const dir = processScratchDir('asm-snippets');
  for (const [name, s] of Object.entries(ASM_SNIPPETS)) {
    test(`${name} (${s.prefix})`, (t) => {
      const asm = assembleSource(sourceOf(s), 'llvm');
      assert.deepEqual(asm.diagnostics.map((d) => d.message), []);
      const bytes = writeElf(asm.value.object, { license: 'GPL' });
      const r = ours(bytes, s.prefix);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.rejected, []);
      assert.equal(r.programs, 1);
      if (kernelUnavailable()) return t.skip(kernelUnavailable());
      const path = join(dir, `${s.prefix}.o`);
      writeFileSync(path, bytes);
      assert.equal(kernelAccepts(path), true);
    });
  }
});
