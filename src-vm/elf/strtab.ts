// ELF string tables: reading a NUL-terminated name at an offset with every
// bound checked, and building a table for the writer (deduplicated, in
// insertion order, so output is deterministic). Pure; imports nothing.

const decoder = new TextDecoder('utf-8', { fatal: false });

export type CStringResult =
  | { ok: true; value: string }
  | { ok: false; reason: string };

/**
 * The string at `nameOffset` inside the table `table` (the table's own bytes,
 * already clipped to the file). Fails if the offset is outside the table or no
 * NUL ends the string before the table does.
 */
export function readCString(table: Uint8Array, nameOffset: number): CStringResult {
  if (nameOffset < 0 || nameOffset >= table.byteLength) {
    return { ok: false, reason: `name offset 0x${nameOffset.toString(16)} is outside the string table (size 0x${table.byteLength.toString(16)})` };
  }
  const end = table.indexOf(0, nameOffset);
  if (end < 0) {
    return { ok: false, reason: `name at offset 0x${nameOffset.toString(16)} runs to the end of the string table without a NUL` };
  }
  return { ok: true, value: decoder.decode(table.subarray(nameOffset, end)) };
}

const encoder = new TextEncoder();

/** Builds a string table: offset 0 is the empty string; each distinct name is stored once. */
export class StrtabBuilder {
  private readonly offsets = new Map<string, number>([['', 0]]);
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private length = 1;

  /** The offset of `name`, adding it if new. */
  add(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const encoded = encoder.encode(name);
    const offset = this.length;
    this.chunks.push(encoded, new Uint8Array(1));
    this.length += encoded.byteLength + 1;
    this.offsets.set(name, offset);
    return offset;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
}
