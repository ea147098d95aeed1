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
import { CLANG, compileBpfC, kernelAcceptsAll, ourView } from '../support/bpfC';
import { BPFTOOL, kernelUnavailable, processScratchDir } from '../support/kernel';
import { runTool } from '../support/tools';
import { expandSnippet } from './snippetExpand';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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
      assert.equal(compileBpfC(`${base}.bpf.c`, `${base}.bpf.o`, [dir]), '', `clang-19 warns on:\n${src}`);
      const r = ourView(`${base}.bpf.o`, s.prefix);
      assert.deepEqual(r.errors, []);
      assert.ok(r.verdicts.size >= 1);
      assert.deepEqual([...r.verdicts.values()].filter((v) => v.startsWith('reject')), []);
      if (kernelUnavailable()) return t.skip(kernelUnavailable());
      const k = kernelAcceptsAll(`${base}.bpf.o`);
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
      const path = join(dir, `${s.prefix}.o`);
      writeFileSync(path, writeElf(asm.value.object, { license: 'GPL' }));
      const r = ourView(path, s.prefix);
      assert.deepEqual(r.errors, []);
      assert.deepEqual([...r.verdicts.values()], ['accept']);
      if (kernelUnavailable()) return t.skip(kernelUnavailable());
      assert.equal(kernelAcceptsAll(path), true);
    });
  }
});
