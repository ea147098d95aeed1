// The packet a "Run on Kernel" sends: the `mem` of the eBPF debug
// configuration that runs the same file (so the kernel sees what the debugger
// steps through), else none (the caller asks, or sends 64 zero bytes). Pure:
// launch configurations come in as plain objects.

import { parseHexBytes } from '../../../src-vm/index';

export interface RunInput {
  packet: Uint8Array;
  /** Where the bytes came from, for the report. */
  from: string;
}

/** 64 zero bytes: long enough for an Ethernet header; what `remote run` sends without --packet. */
export const DEFAULT_PACKET_BYTES = 64;

function expand(path: string, file: string, folder: string | undefined): string {
  return path.replace(/\$\{file\}/g, file).replace(/\$\{workspaceFolder\}/g, folder ?? '${workspaceFolder}');
}

/** The input of the first `ebpf` launch configuration whose `program` is `file`; undefined when there is none. */
export function runInputFromLaunch(configurations: unknown, file: string, folder?: string): RunInput | { error: string } | undefined {
  if (!Array.isArray(configurations)) return undefined;
  for (const c of configurations as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const cfg = c as Record<string, unknown>;
    if (cfg.type !== 'ebpf' || typeof cfg.program !== 'string' || expand(cfg.program, file, folder) !== file) continue;
    if (typeof cfg.mem !== 'string' || cfg.mem.trim() === '') continue;
    const parsed = parseHexBytes(cfg.mem);
    const name = typeof cfg.name === 'string' ? cfg.name : 'an ebpf launch configuration';
    if ('error' in parsed) return { error: `"mem" of "${name}" is not hex bytes: ${parsed.error}` };
    return { packet: parsed.bytes, from: `"mem" of the launch configuration "${name}"` };
  }
  return undefined;
}

/** Hex typed by the user; empty means the default packet. */
export function runInputFromText(text: string): RunInput | { error: string } {
  if (text.trim() === '') return { packet: new Uint8Array(DEFAULT_PACKET_BYTES), from: `${DEFAULT_PACKET_BYTES} zero bytes` };
  const parsed = parseHexBytes(text);
  if ('error' in parsed) return { error: parsed.error };
  return { packet: parsed.bytes, from: 'the bytes given' };
}
