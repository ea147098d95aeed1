// Input memory files for `run --mem-file`: hex text (see src-vm/hexBytes.ts)
// when the file reads as such, else its raw bytes. Pure.

import { parseHexBytes } from '../hexBytes';

export function memoryFromFile(data: Uint8Array): Uint8Array {
  const parsed = parseHexBytes(new TextDecoder('latin1').decode(data));
  return 'bytes' in parsed ? parsed.bytes : data;
}
