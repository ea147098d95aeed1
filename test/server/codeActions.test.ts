// Quick fixes through the built server over stdio: for each verifier error
// of the C and assembly fixtures, the code action's exact edit; applying the
// edits to the buffer makes our verifier accept every program. The vmlinux.h
// fix: clang's "file not found" gets a command that generates the header with
// bpftool next to the file, after which the document verifies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionRequest, ExecuteCommandRequest, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { probeClang } from '../../src-vm/cli/clang';
import { scratchDir } from '../support/kernel';
import { findTool } from '../support/tools';
import { LspHarness } from './lspHarness';

const C = 'test/fixtures/server/fixes.bpf.c';
const C_URI = pathToFileURL(C).href;
const ASM = 'test/fixtures/server/fixes.bpf.s';
const ASM_URI = pathToFileURL(ASM).href;

const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });

async function actionsFor(server: LspHarness, uri: string, d: Diagnostic): Promise<CodeAction[]> {
  const found = await server.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  return (found ?? []) as CodeAction[];
}

/** The edits of the only action for `d`, with its title. */
async function onlyFix(server: LspHarness, uri: string, d: Diagnostic): Promise<{ title: string; edits: TextEdit[] }> {
  const actions = await actionsFor(server, uri, d);
  assert.equal(actions.length, 1, `one action for ${d.message}: ${JSON.stringify(actions)}`);
  assert.equal(actions[0].kind, 'quickfix');
  assert.deepEqual(actions[0].diagnostics, [d]);
  return { title: actions[0].title, edits: actions[0].edit?.changes?.[uri] ?? [] };
}

function applied(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'c', 1, text), edits);
}

describe('quick fixes for eBPF C', () => {
  let server: LspHarness;
  const clang = probeClang();
  before(async () => {
    server = await LspHarness.started({ ebpf: { c: { debounceMs: 0 } } });
  });
  after(() => server.kill());

  it('NULL check after the lookup, bounds checks before packet reads (XDP and tc); applied, all three programs verify', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const text = readFileSync(C, 'utf8');
    const from = await server.open(C_URI, 'c', text);
    const diags = (await server.diagnosticsOfVersion(C_URI, 1, from, 30_000)).diagnostics;
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.code, String(d.message).split('\n')[0]]), [
      [18, 'verifier/bad-deref', "R0 invalid mem access 'map_value_or_null'"],
      [28, 'verifier/pkt-access', 'invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)'],
      [39, 'verifier/pkt-access', 'invalid access to packet, off=22 size=1, R1(id=0,off=22,r=0)'],
    ]);
    const fixes = [];
    for (const d of diags) fixes.push(await onlyFix(server, C_URI, d));
    assert.deepEqual(fixes, [
      { title: 'Add a NULL check: if (!count) return XDP_PASS;', edits: [{ range: at(17, 50), newText: '\n  if (!count) return XDP_PASS;' }] },
      { title: 'Add a packet bounds check: if ((void *)data + 13 > data_end) return XDP_PASS;', edits: [{ range: at(28, 0), newText: '  if ((void *)data + 13 > data_end) return XDP_PASS;\n' }] },
      { title: 'Add a packet bounds check: if ((void *)data + 23 > data_end) return 0;', edits: [{ range: at(39, 0), newText: '  if ((void *)data + 23 > data_end) return 0;\n' }] },
    ]);
    const fixed = applied(text, fixes.flatMap((f) => f.edits));
    const again = await server.replace(C_URI, 2, fixed);
    assert.deepEqual((await server.diagnosticsOfVersion(C_URI, 2, again, 30_000)).diagnostics, []);
  });

  it('after the fix, the old diagnostic (of version 1) gets no fix: the current version has no such error', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const stale: Diagnostic = { range: at(18, 2), source: 'eBPF verifier', code: 'verifier/bad-deref', message: "R0 invalid mem access 'map_value_or_null'\nin program count_hits (xdp)" };
    assert.deepEqual(await actionsFor(server, C_URI, stale), []);
  });

  it('vmlinux.h missing: a command generates it next to the file with bpftool, then the program verifies', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    if (!findTool('bpftool', '/usr/sbin/bpftool') || !existsSync('/sys/kernel/btf/vmlinux')) { t.skip('needs bpftool and /sys/kernel/btf/vmlinux'); return; }
    const { dir, cleanup } = scratchDir();
    t.after(cleanup);
    const file = join(dir, 'uses_vmlinux.bpf.c');
    const source = '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n\nSEC("xdp")\nint pass(struct xdp_md *ctx)\n{\n  return XDP_PASS;\n}\n\nchar LICENSE[] SEC("license") = "GPL";\n';
    writeFileSync(file, source);
    const uri = pathToFileURL(file).href;
    const from = await server.open(uri, 'c', source);
    const diags = (await server.diagnosticsOfVersion(uri, 1, from, 30_000)).diagnostics;
    assert.equal(diags.length, 1);
    assert.equal(diags[0].message, "'vmlinux.h' file not found");
    assert.deepEqual(diags[0].range.start, { line: 0, character: 9 });
    const actions = await actionsFor(server, uri, diags[0]);
    assert.deepEqual(actions.map((a) => [a.title, a.command?.command, a.command?.arguments]), [
      ['Generate vmlinux.h from the kernel BTF (bpftool btf dump … format c)', 'ebpf.generateVmlinuxH', [uri]],
    ]);
    const before = server.diagnostics.length;
    const result = await server.conn.sendRequest(ExecuteCommandRequest.type, { command: 'ebpf.generateVmlinuxH', arguments: [uri] });
    assert.deepEqual(result, { path: join(dir, 'vmlinux.h') });
    assert.match(readFileSync(join(dir, 'vmlinux.h'), 'utf8').slice(0, 200), /#ifndef __VMLINUX_H__/);
    assert.deepEqual((await server.diagnosticsOfVersion(uri, 1, before, 60_000)).diagnostics, []);
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});

describe('quick fixes for assembly', () => {
  let server: LspHarness;
  before(async () => {
    server = await LspHarness.started({ ebpf: { asm: { debounceMs: 0 } } });
  });
  after(() => server.kill());

  it('a NULL check jumping to a new label that returns TC_ACT_OK; applied, the program verifies', async () => {
    const text = readFileSync(ASM, 'utf8');
    const from = await server.open(ASM_URI, 'ebpf-asm', text);
    const [d, ...rest] = (await server.diagnosticsOfVersion(ASM_URI, 1, from)).diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(d.message, "R1 invalid mem access 'sock_common_or_null'");
    const fix = await onlyFix(server, ASM_URI, d);
    assert.deepEqual(fix, {
      title: 'Add a NULL check: if r1 == 0 goto sock_family_null (returns 0)',
      edits: [
        { range: at(6, 0), newText: '        if r1 == 0 goto sock_family_null\n' },
        { range: at(8, 0), newText: 'sock_family_null:\n        r0 = 0\n        exit\n' },
      ],
    });
    const again = await server.replace(ASM_URI, 2, applied(text, fix.edits));
    assert.deepEqual((await server.diagnosticsOfVersion(ASM_URI, 2, again)).diagnostics, []);
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});
