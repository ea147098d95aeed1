// What a Linux debug target shows the Variables pane beyond its Vm: the
// program and the object it came from (BTF, map definitions, the verifier's
// input), the run's context and the machine's maps. Filled by runtimeLinux's
// linuxTarget; read by the inspector. Types only.

import type { LoadedObject, LoadedProgram } from '../../elf/loadedObject';
import type { RunMaps } from '../linux/runMaps';
import type { ProgramContext } from '../linux/runState';

export interface LinuxView {
  readonly program: LoadedProgram;
  /** The object the program came from, loaded on first use. */
  object(): LoadedObject;
  /** The run's context (xdp_md, __sk_buff with its packet, tracing bytes). */
  readonly context: ProgramContext;
  /** The machine's maps, by the loader's map index. */
  readonly maps: RunMaps;
}
