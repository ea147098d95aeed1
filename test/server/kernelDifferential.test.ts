// The server against the live kernel on every C case of the verifier's
// differential suite (test/vm/verifier/verifierCCases.ts): each case is
// compiled with the clang and flags the server uses, loaded with bpftool
// (log level 2), and opened in the built server. The server must give the
// kernel's verdict, and for a rejection the kernel's first error message on
// the line the log's `; … @ file.c:LINE` marks for the failing instruction
// (errors about the whole program, which name no instruction: message only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { clangArgs, probeClang } from '../../src-vm/cli/clang';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../support/kernel';
import { runTool } from '../support/tools';
import { C_PRELUDE, VERIFIER_C_CASES } from '../vm/verifier/verifierCCases';
import { kernelOutcome } from '../vm/verifier/verifierHarness';
import { LspHarness } from './lspHarness';

const firstLine = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value).split('\n')[0];

/** The 1-based source line the kernel's log gives for instruction `insn`: the last `; … @ file:LINE` before it. */
function kernelLine(log: string, insn: number): number | undefined {
  const lines = log.split('\n');
  let at = -1;
  lines.forEach((l, i) => { if (l.startsWith(`${insn}: (`)) at = i; });
  for (let i = at - 1; i >= 0; i--) {
    const m = /^;.* @ \S+:(\d+)$/.exec(lines[i]);
    if (m) return Number(m[1]);
  }
  return undefined;
}

test('server diagnostics agree with the live kernel on every C case of the verifier suite', async (t) => {
  const clang = probeClang();
  const why = kernelUnavailable() ?? ('error' in clang ? clang.error : undefined);
  if (why || 'error' in clang) { t.skip(why); return; }
  const { dir, cleanup } = scratchDir();
  const server = LspHarness.start();
  const problems: string[] = [];
  let rejects = 0;
  try {
    await server.initialize({ ebpf: { c: { debounceMs: 0 } } });
    for (const c of VERIFIER_C_CASES) {
      const src = join(dir, `${c.name}.bpf.c`);
      const obj = join(dir, `${c.name}.o`);
      const text = C_PRELUDE + c.source;
      writeFileSync(src, text);
      const built = runTool(clang.path, [...clangArgs(src), '-c', src, '-o', obj]);
      assert.equal(built.status, 0, `${c.name}: ${built.stderr}`);
      const load = loadAll(obj);
      unpin(load.pinDir);
      const kernel = kernelOutcome(load.ok, load.log);
      const uri = pathToFileURL(src).href;
      const from = await server.open(uri, 'c', text);
      const published = await server.diagnosticsOfVersion(uri, 1, from, 60_000);
      await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      // The verdict is the verifier's; the interpreter's run (a fault of an accepted program, source 'eBPF interpreter') is another matter.
      const errors = published.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error && d.source !== 'eBPF interpreter');
      const ranFaulted = published.diagnostics.filter((d) => d.source === 'eBPF interpreter');
      if (ranFaulted.length > 0) console.log(`  ${c.name}: ${ranFaulted.map(firstLine).join(' | ')}`);
      if (kernel === 'accept') {
        if (errors.length > 0) problems.push(`${c.name}: kernel accepts; server: ${errors.map(firstLine).join(' | ')}`);
        continue;
      }
      rejects++;
      const line = kernelLine(load.log, kernel.insn);
      const match = errors.find((d) => d.source === 'eBPF verifier' && firstLine(d) === kernel.message);
      if (!match) problems.push(`${c.name}: kernel says '${kernel.message}'; server: ${errors.map(firstLine).join(' | ') || 'no error'}`);
      // Errors about the whole program (combined stack size) name no instruction: the verdict and message must agree.
      else if (c.expect !== 'accept' && c.expect.insn === -1) continue;
      else if (line === undefined || match.range.start.line !== line - 1) problems.push(`${c.name}: kernel marks line ${line}; server line ${match.range.start.line + 1}`);
    }
  } finally {
    await server.stop();
    cleanup();
  }
  console.log(`server vs kernel on ${VERIFIER_C_CASES.length} C cases (${rejects} rejected by the kernel): ${problems.length} disagreement(s)`);
  for (const p of problems) console.log(`  ${p}`);
  assert.deepEqual(problems, []);
});
