// The custom requests of server/src/protocol.ts, driven over stdio against the
// built server as the VS Code client uses them: `ebpf/verified` after each
// publish, `ebpf/programs` (each program's verdict and the published error
// count, for the status bar), `ebpf/verify` and `ebpf/verifierLog` (one program's log in the
// kernel's format with links to the source) for assembly and, when clang is
// installed, for C compiled from the unsaved buffer.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { probeClang } from '../../src-vm/cli/clang';
import {
  PROGRAMS_REQUEST, VERIFIED_NOTIFICATION, VERIFIER_LOG_REQUEST, VERIFY_REQUEST,
  type ProgramsResult, type VerifiedParams, type VerifierLog, type VerifierLogResult, type VerifyResult,
} from '../../server/src/protocol';
import { LspHarness } from './lspHarness';

const ASM = 'test/fixtures/server/verify_two.bpf.s';
const ASM_URI = pathToFileURL(ASM).href;
const C_FILE = 'examples/bugs/xdp_unchecked.bpf.c';
const C_URI = pathToFileURL(C_FILE).href;

function isLog(r: VerifierLogResult): r is VerifierLog {
  return !('error' in r);
}

async function logOf(server: LspHarness, uri: string, program: string, level?: 1 | 2): Promise<VerifierLog> {
  const r = await server.conn.sendRequest<VerifierLogResult>(VERIFIER_LOG_REQUEST, { uri, program, level });
  assert.ok(isLog(r), `no log: ${JSON.stringify(r)}`);
  return r;
}

async function started(file: string, uri: string, languageId: string): Promise<{ server: LspHarness; verified: VerifiedParams[] }> {
  const server = LspHarness.start();
  const verified: VerifiedParams[] = [];
  server.conn.onNotification(VERIFIED_NOTIFICATION, (p: VerifiedParams) => { verified.push(p); });
  await server.initialize({ ebpf: { asm: { debounceMs: 0 }, c: { debounceMs: 0 } } });
  const from = await server.open(uri, languageId, readFileSync(file, 'utf8'));
  await server.diagnosticsFor(uri, from, 30_000);
  return { server, verified };
}

describe('custom requests on an assembly document with two programs', () => {
  it('ebpf/verified follows the publish; ebpf/programs gives each verdict and the error count', async () => {
    const { server, verified } = await started(ASM, ASM_URI, 'ebpf-asm');
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the notification follows the publish
      assert.deepEqual(verified, [{ uri: ASM_URI, version: 1 }]);
      const r = await server.conn.sendRequest<ProgramsResult>(PROGRAMS_REQUEST, { uri: ASM_URI });
      assert.equal(r.kind, 'asm');
      assert.equal(r.version, 1);
      assert.equal(r.verifiedVersion, 1);
      assert.equal(r.publishedVersion, 1);
      assert.equal(r.errors, 1);
      assert.deepEqual(r.programs.map((p) => [p.name, p.section, p.outcome, p.insnCount]), [['bad_pkt', 'xdp', 'reject', 4], ['good_tc', 'tc', 'accept', 4]]);
      const bad = r.programs[0];
      assert.match(bad.message ?? '', /^invalid access to packet/);
      assert.equal(bad.errorLine, 8, 'the rejected load is on line 9');
      assert.equal(r.programs[1].message, undefined);
      const other = await server.conn.sendRequest<ProgramsResult>(PROGRAMS_REQUEST, { uri: 'file:///nowhere/x.c' });
      assert.deepEqual(other, { uri: 'file:///nowhere/x.c', kind: 'none', programs: [], errors: 0, warnings: 0 });
    } finally {
      await server.stop();
    }
  });

  it('ebpf/verifierLog: the rejected program in the kernel format, each instruction linked to its line', async () => {
    const { server } = await started(ASM, ASM_URI, 'ebpf-asm');
    try {
      const log = await logOf(server, ASM_URI, 'bad_pkt');
      assert.equal(log.level, 2);
      assert.equal(log.version, 1);
      assert.equal(log.droppedLines, 0);
      assert.equal(log.lines[0], '0: R1=ctx() R10=fp0');
      const at = log.lines.findIndex((l) => l.startsWith('2: (71) r0 = *(u8 *)(r2 +12)'));
      assert.ok(at > 0, log.lines.join('\n'));
      assert.match(log.lines[at + 1], /^invalid access to packet/);
      assert.ok(log.lines.includes('stack depth 0'));
      assert.ok(log.lines.some((l) => /^verification time \d+ usec$/.test(l)), 'the statistics have the verification time');
      assert.match(log.lines[log.lines.length - 1], /^processed 3 insns \(limit 1000000\)/);
      const link = log.links.find((k) => k.line === at);
      assert.deepEqual(link, { line: at, start: 0, end: 1, target: { uri: ASM_URI, line: 8, character: 8 } });
      // The entry state and every instruction line are linked, to lines 7-9 of the file.
      assert.deepEqual(log.links.map((k) => [k.line, k.target.line]), [[0, 6], [1, 6], [2, 7], [3, 8]]);
    } finally {
      await server.stop();
    }
  });

  it('ebpf/verify analyses the document again now and says so with ebpf/verified; a document that is not open is not started', async () => {
    const { server, verified } = await started(ASM, ASM_URI, 'ebpf-asm');
    try {
      const from = server.diagnostics.length;
      assert.deepEqual(await server.conn.sendRequest<VerifyResult>(VERIFY_REQUEST, { uri: ASM_URI }), { started: true });
      await server.diagnosticsFor(ASM_URI, from);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(verified, [{ uri: ASM_URI, version: 1 }, { uri: ASM_URI, version: 1 }]);
      assert.deepEqual(await server.conn.sendRequest<VerifyResult>(VERIFY_REQUEST, { uri: 'file:///nowhere/x.bpf.s' }), { started: false });
    } finally {
      await server.stop();
    }
  });

  it('level 2 shows every path of an accepted program, level 1 only the last; unknown programs and documents are errors', async () => {
    const { server } = await started(ASM, ASM_URI, 'ebpf-asm');
    try {
      const full = await logOf(server, ASM_URI, 'good_tc');
      assert.ok(full.lines.some((l) => /^from 1 to 3: /.test(l)), full.lines.join('\n'));
      const short = await logOf(server, ASM_URI, 'good_tc', 1);
      assert.equal(short.level, 1);
      assert.ok(!short.lines.some((l) => l.startsWith('from ')), short.lines.join('\n'));
      assert.ok(!short.lines.some((l) => l.startsWith('stack depth')));
      const missing = await server.conn.sendRequest<VerifierLogResult>(VERIFIER_LOG_REQUEST, { uri: ASM_URI, program: 'nope' });
      assert.deepEqual(missing, { error: 'no program nope in the last verification (programs: bad_pkt, good_tc)' });
      const closed = await server.conn.sendRequest<VerifierLogResult>(VERIFIER_LOG_REQUEST, { uri: 'file:///nowhere/x.bpf.s', program: 'x' });
      assert.ok('error' in closed && /is not open/.test(closed.error));
    } finally {
      await server.stop();
    }
  });
});

describe('custom requests on eBPF C compiled from the unsaved buffer', () => {
  const clang = probeClang();

  it('the log names the document, not <stdin>, with its line text, and links instructions and source lines to C lines', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const { server } = await started(C_FILE, C_URI, 'c');
    try {
      const programs = await server.conn.sendRequest<ProgramsResult>(PROGRAMS_REQUEST, { uri: C_URI });
      assert.equal(programs.kind, 'c');
      assert.deepEqual(programs.programs.map((p) => [p.name, p.outcome, p.errorLine]), [['xdp_unchecked', 'reject', 23]]);
      assert.equal(programs.errors, 1);
      const log = await logOf(server, C_URI, 'xdp_unchecked');
      assert.ok(!log.lines.some((l) => l.includes('<stdin>')), log.lines.join('\n'));
      const source = log.lines.indexOf('; if (iph->saddr == bpf_htonl(0x0a000001)) @ xdp_unchecked.bpf.c:24');
      assert.ok(source >= 0, log.lines.join('\n'));
      const sourceLink = log.links.find((k) => k.line === source);
      assert.deepEqual(sourceLink?.target, { uri: C_URI, line: 23, character: 1 });
      assert.equal(log.lines[source].slice(sourceLink!.start, sourceLink!.end), 'xdp_unchecked.bpf.c:24');
      const insn = log.links.find((k) => k.line === source + 1);
      assert.equal(insn?.target.line, 23, 'the failing load leads to the line that reads saddr');
      assert.match(log.lines[source + 2], /^invalid access to packet/);
    } finally {
      await server.stop();
    }
  });
});
