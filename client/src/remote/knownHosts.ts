// Host-key checking against an OpenSSH known_hosts file: plain and hashed
// (`|1|salt|hmac`) host names, `[host]:port` entries, patterns and negations,
// `@revoked` and `@cert-authority` markers. A key is `known`, `unknown` (no key
// of its type recorded: ask, record only on consent), `changed` (another key of
// its type is recorded: refuse) or `revoked`. Fingerprints are printed as
// OpenSSH does: `SHA256:` and unpadded base64. Pure apart from node:crypto.

import { createHash, createHmac } from 'node:crypto';
import { hostMatches } from './hostSpec';

export interface KnownHostEntry {
  /** 1-based line in the file, for messages. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  hostField: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyStatus =
  | { status: 'known'; line: number }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; line: number; recordedFingerprint: string }
  | { status: 'revoked'; line: number };

/** The entries of a known_hosts text; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift()!.slice(1) as KnownHostEntry['marker'];
    if (fields.length < 3) return;
    const key = Buffer.from(fields[2], 'base64');
    if (key.length === 0) return;
    out.push({ line: i + 1, marker, hostField: fields[0], keyType: fields[1], key });
  });
  return out;
}

/** Whether an entry's host field names `name` (the `host` or `[host]:port` form). */
export function entryNames(hostField: string, name: string): boolean {
  if (hostField.startsWith('|1|')) {
    const [, , salt, hash] = hostField.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return hostMatches(hostField.split(','), name);
}

/** The key type an SSH public key blob declares (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return len <= blob.length - 4 ? blob.subarray(4, 4 + len).toString('latin1') : '';
}

/** `SHA256:…` as `ssh-keygen -lf` and ssh's prompts print it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Checks the key a server presented against the entries for `name`. */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyStatus {
  const type = keyTypeOf(blob);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryNames(e.hostField, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const plain = mine.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.keyType === type && e.key.equals(blob));
  if (match) return { status: 'known', line: match.line };
  const sameType = plain.find((e) => e.keyType === type);
  if (sameType) return { status: 'changed', line: sameType.line, recordedFingerprint: fingerprint(sameType.key) };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types already recorded for `name`, to ask the server for those first (as ssh does). */
export function recordedKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryNames(e.hostField, name)).map((e) => e.keyType))];
}

/** The known_hosts line that records `blob` for `name`. */
export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
}
