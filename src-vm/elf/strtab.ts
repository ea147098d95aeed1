// ELF string tables: reading a NUL-terminated name at an offset with every
// bound checked (cached, and within the reader's budget), and building a
// table for the writer (deduplicated, in insertion order, so output is
// deterministic). Pure; imports only the read budget.

import type { ReadBudget } from './elfReport';

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

/**
 * Reads names for the ELF reader: each (table, offset) is decoded once, and
 * the bytes decoded in all count against the file's budget, so symbols all
 * pointing into one long unterminated string cannot take quadratic memory.
 */
export class NameReader {
  private readonly cache = new Map<number, Map<number, CStringResult>>();

  constructor(private readonly budget: ReadBudget) {}

  /** The name at `offset` of string table section `tableIndex`, whose bytes are `table`. */
  read(tableIndex: number, table: Uint8Array, offset: number): CStringResult {
    let names = this.cache.get(tableIndex);
    if (!names) {
      names = new Map();
      this.cache.set(tableIndex, names);
    }
    let result = names.get(offset);
    if (!result) {
      result = this.decode(table, offset);
      names.set(offset, result);
    }
    return result;
  }

  /** Decodes like `readCString`, but scans no further than the budget left, and charges what it scans. */
  private decode(table: Uint8Array, offset: number): CStringResult {
    if (offset < 0 || offset >= table.byteLength) return readCString(table, offset);
    const limit = Math.min(table.byteLength, offset + this.budget.nameBytesLeft);
    const end = table.subarray(offset, limit).indexOf(0);
    this.budget.takeName(end >= 0 ? end + 1 : limit - offset);
    if (end < 0 && limit < table.byteLength) {
      return { ok: false, reason: 'names in this file add up to far more than its size (hostile string offsets); name not read' };
    }
    return readCString(table.subarray(0, end >= 0 ? offset + end + 1 : limit), offset);
  }
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
