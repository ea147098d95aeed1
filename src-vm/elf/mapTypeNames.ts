// How the loader names a map type: the kernel's name from the maps' own type
// table, or `unknown(N)` for a value the kernel does not define. Pure.

import { mapTypeById } from '../vm/maps/mapTypes';

export function mapTypeName(id: number): string {
  return mapTypeById(id)?.name ?? `unknown(${id})`;
}
