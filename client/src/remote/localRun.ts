// Our interpreter on the input the kernel test-ran, for the side-by-side view
// of `remote run`: the object loaded as libbpf would (maps, relocations), and
// the program run by LinuxMachine as BPF_PROG_TEST_RUN runs it — its real
// context for the program type (xdp_md over the packet for XDP, __sk_buff for
// TC and socket filters), so return value and packet after compare like with
// like. Pure: bytes in, the `remote run --json` shape out.

import { LinuxMachine, loadObject } from '../../../src-vm/index';
import { hex, type RemoteRunJson } from '../../../src-vm/cli/remoteCompare';

export type LocalRun = NonNullable<RemoteRunJson['ours']>;

function failed(fault: string): LocalRun {
  return { r0: '0x0', retval: 0, dataOut: '', steps: 0, fault };
}

/** Runs `program` of the object on `packet` as the kernel's test run would; null when the object has no such program. */
export function runLocally(objectBytes: Uint8Array, objectName: string, program: string, packet: Uint8Array): RemoteRunJson['ours'] {
  const loaded = loadObject(objectBytes, { name: objectName });
  const prog = loaded.value.programs.find((p) => p.name === program);
  if (!prog) return null;
  const made = LinuxMachine.create(loaded.value);
  const errors = made.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return failed(errors.map((d) => d.message).join('; '));
  const r = made.value.run(prog, { packet });
  if (r.refused) return failed(`test_run refuses this input (${r.refused.errno}): ${r.refused.message}`);
  return {
    r0: '0x' + r.retval.toString(16), retval: r.retval, dataOut: hex(r.packetOut ?? packet), steps: r.steps,
    fault: r.fault ? r.fault.message : null,
  };
}
