// The CodeLens Run: every program the verifier accepted is run once in our
// interpreter (LinuxMachine: the program type's context, the object's maps,
// the Linux helpers) on a default packet, in the verify worker; the return
// value, steps and trace output go to the lens, and a fault the verifier
// should have prevented becomes a diagnostic (one of the two is wrong).
// Faults that only mean "not emulated here" (unknown helper, kfunc, an lddw
// needing a kernel, the step budget) are shown, not reported. Pure.

import { LinuxMachine, type LoadedObject, type LoadedProgram, type ProgRunResult } from '../../src-vm/index';
import { defaultPacket } from '../../src-vm/vm/linux/defaultPacket';

export { defaultPacket };

export interface RunSummary {
  retval: number;
  retName?: string;
  steps: number;
  /** trace_printk lines of the run, in order. */
  trace: string[];
  fault?: { pc: number; code: string; message: string };
  /** Why the program did not run (test_run would refuse the input). */
  refused?: string;
}

/** Steps one run may take: far beyond any verified straight-line program, short enough for a keystroke. */
export const RUN_BUDGET = 1_000_000;

/** Fault codes that say the emulation lacks something, not that the program misbehaved. */
const NOT_EMULATED = new Set(['vm/budget', 'vm/helper', 'vm/kfunc', 'vm/lddw']);

export function isDisagreement(run: RunSummary): boolean {
  return run.fault !== undefined && !NOT_EMULATED.has(run.fault.code);
}


function summary(r: ProgRunResult): RunSummary {
  const trace = r.records.flatMap((rec) => (rec.kind === 'trace' ? [rec.text] : []));
  return {
    retval: r.retval,
    ...(r.retName !== undefined ? { retName: r.retName } : {}),
    steps: r.steps,
    trace,
    ...(r.fault ? { fault: { pc: r.fault.pc, code: r.fault.code, message: r.fault.message } } : {}),
    ...(r.refused ? { refused: `${r.refused.errno}: ${r.refused.message}` } : {}),
  };
}

/** Runs each named program of `object` once (types overridden where given); programs that cannot be set up are left out. */
export function runPrograms(object: LoadedObject, names: readonly string[], typeOf: (name: string) => string | undefined): Map<string, RunSummary> {
  const out = new Map<string, RunSummary>();
  if (names.length === 0) return out;
  const { value: machine } = LinuxMachine.create(object);
  for (const name of names) {
    const program = object.programs.find((p) => p.name === name);
    if (!program) continue;
    const type = typeOf(name) ?? program.type;
    const typed = type === program.type ? program : { ...program, type: type as LoadedProgram['type'] };
    out.set(name, summary(machine.run(typed, { packet: defaultPacket(), budget: RUN_BUDGET })));
  }
  return out;
}
