// Our verifier log against the kernel's, line for line, at level 1 (what
// libbpf asks for when a load fails, so what users see most), for every C
// program of the verifier's differential suite (maps, line info, forks,
// calls, rejects): instructions, states, source lines, the error and the
// statistics line. Level 1 keeps only the path being explored, as the
// kernel's pop_log does. Every difference is listed; the known ones are named
// below with what is missing, and the test fails when one appears or goes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelUnavailable, scratchDir } from '../support/kernel';
import { VERIFIER_C_CASES } from '../vm/verifier/verifierCCases';
import { CLANG, compileCase, verifyObjectFile } from '../vm/verifier/verifierCHarness';
import { kernelLog, logLoader, maskMapAddresses } from './logOracle';

/** The first differing line of two logs, or undefined when they are equal. */
function firstDifference(kernel: string[], ours: string[]): string | undefined {
  for (let k = 0; k < Math.max(kernel.length, ours.length); k++) {
    if (kernel[k] !== ours[k]) return `line ${k + 1}: kernel ${JSON.stringify(kernel[k])}, ours ${JSON.stringify(ours[k])}`;
  }
  return undefined;
}

/** Programs whose level-1 log still differs, and how. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  for_each_value_past_end: "the callback frame dump at the call (`9: frame1: … cb`)",
  loop_cb_ret2: "the callback frame dump at the call (`frame1: … cb`)",
  loop_index_unchecked: "the callback frame dump at the call (`frame1: … cb`)",
  loop_index_in_bounds: 'max_states_per_insn and total_states of a program looping through bpf_loop callbacks',
  rodata_index_over: 'a register the lddw of a .rodata value does not touch is printed after it',
  tail_call_deep_stack: 'max_states_per_insn: the kernel compares the path returning after a tail call in a subprogram with a state stored at the return site',
  tail_call_stack_under_256: 'max_states_per_insn: the kernel compares the path returning after a tail call in a subprogram with a state stored at the return site',
};

const level = 1;
{
  test(`verifier log at level ${level} equals the kernel's for the C differential programs`, (t) => {
    const why = kernelUnavailable() ?? (CLANG ? undefined : 'clang-19 not found');
    if (why) return t.skip(why);
    const loader = logLoader();
    if (typeof loader === 'string') return t.skip(loader);
    const { dir, cleanup } = scratchDir();
    const diffs: string[] = [];
    let lines = 0;
    try {
      for (const c of VERIFIER_C_CASES) {
        const obj = compileCase(c, dir);
        const kernel = kernelLog(loader.path, obj, level).lines.map(maskMapAddresses);
        // `stack depth` is part of the statistics (log level 4), which level 1 and 2 alone do not print.
        const ours = verifyObjectFile(obj, c.name, level).log.filter((l) => !l.startsWith('stack depth ')).map(maskMapAddresses);
        lines += kernel.length;
        const d = firstDifference(kernel, ours);
        if (d) diffs.push(c.name);
        if (d && !(c.name in KNOWN_DIFFERENCES)) t.diagnostic(`${c.name}: ${d}`);
      }
    } finally {
      cleanup();
    }
    t.diagnostic(`level ${level}: ${VERIFIER_C_CASES.length - diffs.length}/${VERIFIER_C_CASES.length} logs equal (${lines} kernel lines)`);
    assert.deepEqual(diffs.sort(), Object.keys(KNOWN_DIFFERENCES).sort());
  });
}
