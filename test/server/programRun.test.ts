// The Run side of the server without the protocol: the default packet, which
// interpreter faults count as a disagreement with the verifier, the
// diagnostic such a fault becomes (at the faulting instruction), and the Run
// lens titles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPacket, isDisagreement, type RunSummary } from '../../server/src/programRun';
import { runTitle } from '../../server/src/programFeatures';
import { verifierDiagnostics } from '../../server/src/verifierDiagnostics';
import type { ProgramResult } from '../../server/src/verifyJob';

const span = (line: number) => ({ line, col: 8, endLine: line, endCol: 20 });

function accepted(run: RunSummary): ProgramResult {
  return {
    name: 'prog', section: 'xdp', type: 'xdp', insnCount: 3, startLine: 4, outcome: 'accept', causes: [], processedInsns: 3, totalStates: 0, timeUs: 1,
    insns: [{ span: span(5), before: [] }, { span: span(6), before: [] }, { span: span(7), before: [] }], run,
  };
}

test('the default packet: Ethernet + IPv4 + UDP, 64 bytes', () => {
  const p = defaultPacket();
  assert.equal(p.length, 64);
  assert.deepEqual([p[12], p[13], p[14], p[23]], [0x08, 0x00, 0x45, 17]);
  assert.deepEqual([...p.subarray(26, 34)], [10, 0, 0, 1, 10, 0, 0, 2]);
});

test('a memory fault of an accepted program is a disagreement, at the faulting instruction; missing emulation is not', () => {
  const fault = accepted({ retval: 0, steps: 2, trace: [], fault: { pc: 1, code: 'vm/memory', message: 'read of 4 bytes at 0x0 is outside every region' } });
  assert.ok(isDisagreement(fault.run!));
  assert.deepEqual(verifierDiagnostics({ programs: [fault], diagnostics: [], maps: [] }, 'file:///x.s'), [{
    range: { start: { line: 6, character: 8 }, end: { line: 6, character: 20 } },
    severity: 1,
    source: 'eBPF interpreter',
    code: 'vm/memory',
    message: 'the verifier accepts this program, but the interpreter faults here on the default packet: read of 4 bytes at 0x0 is outside every region (insn 1); one of the two is wrong',
  }]);
  for (const code of ['vm/helper', 'vm/budget', 'vm/kfunc', 'vm/lddw']) {
    const p = accepted({ retval: 0, steps: 2, trace: [], fault: { pc: 1, code, message: 'x' } });
    assert.equal(isDisagreement(p.run!), false, code);
    assert.deepEqual(verifierDiagnostics({ programs: [p], diagnostics: [], maps: [] }, 'file:///x.s'), [], code);
  }
});

test('Run lens titles: return value with its name, trace lines, faults and refusals', () => {
  assert.equal(runTitle({ retval: 2, retName: 'XDP_PASS', steps: 9, trace: ['hello 1\n', 'bye'] }), '▶ run (default packet): returns XDP_PASS (2) · 9 steps · trace: "hello 1" "bye"');
  assert.equal(runTitle({ retval: 7, steps: 3, trace: [] }), '▶ run (default packet): returns 7 · 3 steps');
  assert.equal(runTitle({ retval: 0, steps: 2, trace: [], fault: { pc: 1, code: 'vm/helper', message: 'call to kfunc, which this runtime does not emulate' } }),
    '▶ run (default packet): stopped at insn 1 after 2 steps: call to kfunc, which this runtime does not emulate');
  assert.equal(runTitle({ retval: 0, steps: 0, trace: [], refused: 'EINVAL: too short' }), '▶ run (default packet): not run: EINVAL: too short');
});
