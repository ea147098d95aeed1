// Small pieces the hash-table maps share: the hash seed, power-of-2 bucket
// counts, key comparison, and the chunked value buffers element slots live in
// (so the interpreter gets stable views into map-owned memory). Pure.

import { round8 } from './bpfMap';
import { jhash } from './jhash';
import { MAP_F, type MapDef, type MapEnv } from './mapDef';

/** Element slots share value buffers in chunks of this many. */
const SLOT_CHUNK = 256;

/**
 * htab->hashrnd: 0 under BPF_F_ZERO_SEED, otherwise random in the kernel. We
 * take env.random when given, else a value derived from the definition, so a
 * run is reproducible without shared state.
 */
export function hashSeed(def: MapDef, env: MapEnv): number {
  if ((def.flags ?? 0) & MAP_F.ZERO_SEED) return 0;
  if (env.random) return env.random() >>> 0;
  const text = `${def.type}/${def.keySize}/${def.valueSize}/${def.maxEntries}/${def.flags ?? 0}/${def.name ?? ''}`;
  return jhash(new TextEncoder().encode(text), 0x9e3779b9);
}

/** roundup_pow_of_two (for n >= 1). */
export function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hands out value places for new element slots: 8-byte-aligned, `copies` at a time (one per CPU for per-CPU maps). */
export class ValueChunks {
  private chunks: ArrayBuffer[] = [];
  private used = SLOT_CHUNK;

  constructor(private readonly valueSize: number, private readonly copies: number) {}

  /** value_size views, one per copy; the 8-byte padding after each stays in the same buffer. */
  next(): Uint8Array[] {
    const stride = round8(this.valueSize);
    if (this.used === SLOT_CHUNK) {
      this.chunks = Array.from({ length: this.copies }, () => new ArrayBuffer(SLOT_CHUNK * stride));
      this.used = 0;
    }
    const at = this.used++ * stride;
    return this.chunks.map((buffer) => new Uint8Array(buffer, at, this.valueSize));
  }
}
