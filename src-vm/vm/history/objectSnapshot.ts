// Snapshots of a live object graph, restored in place: every object reachable
// from the roots (plain and class objects, arrays, Maps, Sets, typed arrays,
// ArrayBuffers) has its own fields, elements, entries or bytes recorded, and
// restore writes them back into the same objects, so every reference held
// anywhere sees the old state again. Objects created after the snapshot simply
// stop being reachable. Opaque objects (functions, WeakMaps, code, anything
// the caller names) are kept as references and never descended into. Bytes
// (a typed array's or DataView's own window, an ArrayBuffer's whole) equal to
// the previous snapshot's are shared, not copied again; large ones page by
// page, so a big map costs a copy of the pages a run changed. Pure.

type Entries = [PropertyKey, unknown][];

/** What one object looked like. */
type Saved =
  | { kind: 'object'; fields: Entries }
  | { kind: 'array'; items: unknown[] }
  | { kind: 'map'; entries: [unknown, unknown][] }
  | { kind: 'set'; values: unknown[] }
  | { kind: 'bytes'; copy: Uint8Array }
  | { kind: 'pages'; pages: readonly Uint8Array[]; length: number };

export interface ObjectSnapshot {
  /** The objects recorded, in visiting order (shared with the previous snapshot when the same). */
  readonly objects: readonly object[];
  /** What each looked like (records equal to the previous snapshot's are the same record). */
  readonly records: readonly Saved[];
  /** Approximate bytes this snapshot holds that the previous one did not share. */
  readonly ownBytes: number;
}

/** Objects a snapshot keeps as plain references (immutable, or not part of the state). */
export type OpaqueTest = (value: object) => boolean;

const SLOT_BYTES = 8;
/** Bytes past this size are recorded in pages, each shared with the previous snapshot while unchanged. */
const PAGE = 4096;

/** The bytes a typed array, a DataView (its own window, not its whole buffer) or an ArrayBuffer holds. */
function bytesOf(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Whether an object still has exactly the recorded keys, in order (the common case: nothing to delete). */
function sameKeys(keys: readonly string[], fields: Entries): boolean {
  if (keys.length !== fields.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== fields[i][0]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >> 2 : 0;
  if (words > 0) {
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) if (wa[i] !== wb[i]) return false;
  }
  for (let i = words * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Large bytes page by page: a page equal to the previous snapshot's is that page, not a copy. */
function pagedRecord(now: Uint8Array, before: Saved | undefined): Saved {
  const old = before?.kind === 'pages' && before.length === now.byteLength ? before.pages : undefined;
  const pages: Uint8Array[] = [];
  let changed = old === undefined;
  for (let at = 0, i = 0; at < now.byteLength; at += PAGE, i++) {
    const page = now.subarray(at, at + PAGE);
    if (old && sameBytes(old[i], page)) pages.push(old[i]);
    else { pages.push(page.slice()); changed = true; }
  }
  return changed || !before ? { kind: 'pages', pages, length: now.byteLength } : before;
}

/** The previous snapshot's record of an object: first where it was in that walk, else by lookup. */
function previousRecords(previous: ObjectSnapshot | undefined): (obj: object, at: number) => Saved | undefined {
  if (!previous) return () => undefined;
  let byObject: Map<object, Saved> | undefined;
  return (obj, at) => {
    if (previous.objects[at] === obj) return previous.records[at];
    byObject ??= new Map(previous.objects.map((o, i) => [o, previous.records[i]]));
    return byObject.get(obj);
  };
}

/** Records the graph under `roots`; `previous` lets unchanged records and bytes be shared. */
export function takeSnapshot(roots: readonly object[], opaque: OpaqueTest, previous?: ObjectSnapshot): ObjectSnapshot {
  const seen = new Set<object>();
  const objects: object[] = [];
  const records: Saved[] = [];
  const before = previousRecords(previous);
  const pending: object[] = [...roots];
  let ownBytes = 0;
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    if (!opaque(value) && !Object.isFrozen(value)) pending.push(value);
  };
  for (let obj = pending.pop(); obj !== undefined; obj = pending.pop()) {
    if (seen.has(obj)) continue;
    seen.add(obj);
    const old = before(obj, objects.length);
    const record = recordOf(obj, old);
    objects.push(obj);
    records.push(record);
    ownBytes += costOf(record, old);
    if (record.kind === 'object') for (const [, v] of record.fields) visit(v);
    else if (record.kind === 'array') record.items.forEach(visit);
    else if (record.kind === 'map') for (const [k, v] of record.entries) { visit(k); visit(v); }
    else if (record.kind === 'set') record.values.forEach(visit);
  }
  const sameObjects = previous !== undefined && sameItems(previous.objects, objects);
  ownBytes += SLOT_BYTES * records.length + (sameObjects ? 0 : SLOT_BYTES * objects.length);
  return { objects: sameObjects ? previous.objects : objects, records, ownBytes };
}

function recordOf(obj: object, before: Saved | undefined): Saved {
  if (Array.isArray(obj)) return before?.kind === 'array' && sameItems(before.items, obj) ? before : { kind: 'array', items: obj.slice() };
  if (obj instanceof Map) {
    const entries = [...obj.entries()];
    return before?.kind === 'map' && sameFields(before.entries as Entries, entries as Entries) ? before : { kind: 'map', entries };
  }
  if (obj instanceof Set) return { kind: 'set', values: [...obj.values()] };
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
    const now = bytesOf(obj);
    if (now.byteLength > PAGE) return pagedRecord(now, before);
    if (before?.kind === 'bytes' && sameBytes(before.copy, now)) return before;
    return { kind: 'bytes', copy: now.slice() };
  }
  const fields = Object.entries(obj);
  return before?.kind === 'object' && sameFields(before.fields, fields) ? before : { kind: 'object', fields };
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFields(a: Entries, b: Entries): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  return true;
}

function costOf(record: Saved, before: Saved | undefined): number {
  if (record === before) return 0;
  switch (record.kind) {
    case 'object': return SLOT_BYTES * (1 + record.fields.length);
    case 'array': return SLOT_BYTES * (1 + record.items.length);
    case 'map': return SLOT_BYTES * (1 + 2 * record.entries.length);
    case 'set': return SLOT_BYTES * (1 + record.values.length);
    case 'bytes': return SLOT_BYTES + record.copy.byteLength;
    case 'pages': {
      const old = before?.kind === 'pages' ? new Set(before.pages) : undefined;
      return SLOT_BYTES * (1 + record.pages.length) + record.pages.reduce((n, p) => n + (old?.has(p) ? 0 : p.byteLength), 0);
    }
  }
}

/** Puts every recorded object back as it was when the snapshot was taken. */
export function restoreSnapshot(snapshot: ObjectSnapshot): void {
  const { objects, records } = snapshot;
  for (let i = 0; i < objects.length; i++) restoreOne(objects[i], records[i]);
}

function restoreOne(obj: object, record: Saved): void {
  switch (record.kind) {
    case 'object': {
      const target = obj as Record<PropertyKey, unknown>;
      if (!sameKeys(Object.keys(target), record.fields)) {
        const keep = new Set(record.fields.map(([k]) => k));
        for (const key of Object.keys(target)) if (!keep.has(key)) delete target[key];
      }
      for (const [k, v] of record.fields) if (target[k as string] !== v) target[k as string] = v;
      return;
    }
    case 'array': {
      const target = obj as unknown[];
      target.length = record.items.length;
      for (let i = 0; i < record.items.length; i++) target[i] = record.items[i];
      return;
    }
    case 'map': {
      const target = obj as Map<unknown, unknown>;
      target.clear();
      for (const [k, v] of record.entries) target.set(k, v);
      return;
    }
    case 'set': {
      const target = obj as Set<unknown>;
      target.clear();
      for (const v of record.values) target.add(v);
      return;
    }
    case 'bytes':
      bytesOf(obj as ArrayBufferView | ArrayBuffer).set(record.copy);
      return;
    case 'pages': {
      const target = bytesOf(obj as ArrayBufferView | ArrayBuffer);
      record.pages.forEach((page, i) => target.set(page, i * PAGE));
    }
  }
}
