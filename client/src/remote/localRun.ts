// Our interpreter on the bytes the kernel test-ran, for the side-by-side view
// of `remote run`. Its contract is the conformance one (r1 = a copy of the
// packet, r2 = its length), not a full XDP/TC context: programs that read
// their context through the kernel's field rewriting differ, and the
// comparison says so through their difference list.

import { codeSectionsOfElf, createVm } from '../../../src-vm/index';
import { hex, type RemoteRunJson } from '../../../src-vm/cli/remoteCompare';

/** Runs `program` of the object on `packet`; null when the object has no such program. */
export function runLocally(objectBytes: Uint8Array, objectName: string, program: string, packet: Uint8Array): RemoteRunJson['ours'] {
  const sections = codeSectionsOfElf(objectBytes, { name: objectName }).value;
  const section = sections.find((s) => s.name === program);
  if (!section) return null;
  const { vm, invalid } = createVm(section.insns, { mem: packet });
  if (!vm) return { r0: '0x0', retval: 0, dataOut: '', steps: 0, fault: invalid.map((d) => d.message).join('; ') };
  vm.run();
  const r0 = vm.status === 'exited' ? vm.getReg(0) : 0n;
  return {
    r0: '0x' + r0.toString(16), retval: Number(r0 & 0xffffffffn), dataOut: hex(vm.packet?.bytes ?? packet), steps: vm.steps,
    fault: vm.status === 'exited' ? null : vm.fault?.message ?? `the run ended as ${vm.status}`,
  };
}
