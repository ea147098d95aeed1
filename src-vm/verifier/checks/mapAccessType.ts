// check_map_access_type: what a program may do with a map's values, from its
// flags — BPF_F_RDONLY_PROG maps (and the frozen .rodata) refuse stores and
// helper writes, BPF_F_WRONLY_PROG maps refuse loads and helper reads — with
// the kernel's messages. Used by direct loads/stores and by helper memory
// arguments alike.

import { reject, type CheckResult } from '../errors';
import type { MapRef } from '../regState';

export function checkMapAccessType(pc: number, map: MapRef | undefined, off: number, size: number, write: boolean): CheckResult {
  if (!map) return undefined;
  if (write && map.readOnly) {
    return reject(pc, 'map-rdonly', `write into map forbidden, value_size=${map.valueSize} off=${off} size=${size}`);
  }
  if (!write && map.writeOnly) {
    return reject(pc, 'map-wronly', `read from map forbidden, value_size=${map.valueSize} off=${off} size=${size}`);
  }
  return undefined;
}
