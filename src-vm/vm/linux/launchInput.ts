// The input of a debugger launch of a Linux program, from its launch
// attributes: the packet (`packet` hex, `packetFile` bytes, or packet
// `packetIndex` of a `pcap`), the run configuration (the `ctx` JSON, `maps`
// contents, and `pid`/`tgid`/`uid`/`gid`/`comm`/`ktimeNs` for the simulated
// task and clock) and the `programType` override. The JSON shapes are read by
// runConfig.ts, as `run --ctx` reads them; this module only says which
// attribute each problem belongs to. Pure: bytes and text in, diagnostics out.

import { hasErrors, type Diagnostic, type WithDiagnostics } from '../../diagnostics';
import { PROG_TYPE_NAMES, type ProgTypeName } from '../../elf/bpfEnums';
import { parseHexBytes } from '../../hexBytes';
import { readPcap } from './pcap';
import { parseRunConfig, type MapContents, type RunConfig } from './runConfig';
import { DEFAULT_PROCESS } from './runState';

/** The simulated task's launch attributes (bpf_get_current_pid_tgid, _uid_gid, _comm). */
export interface LaunchProcess {
  pid?: number;
  tgid?: number;
  uid?: number;
  gid?: number;
  comm?: string;
}

export interface LaunchInput {
  /** The packet as hex bytes. */
  packet?: string;
  /** The packet as the raw bytes of a file. */
  packetFile?: Uint8Array;
  /** A pcap file's bytes, and which packet of it to run on (0-based, default 0). */
  pcap?: Uint8Array;
  packetIndex?: number;
  /** The text of a run configuration (context fields, maps, process, time), as `run --ctx` reads it. */
  ctx?: string;
  /** The text of a JSON object of initial map contents, shaped as the run configuration's `maps`. */
  maps?: string;
  process?: LaunchProcess;
  /** bpf_ktime_get_ns at its first call (a number, or a decimal or 0x-hex string for large values). */
  ktimeNs?: number | string;
}

/** Program types a launch may name (every kernel program type but `unspec`). */
export const LAUNCH_PROGRAM_TYPES: readonly ProgTypeName[] = PROG_TYPE_NAMES.filter((t) => t !== 'unspec');

/** Map contents to write before the run, with the attribute they came from. */
export interface LaunchMaps {
  attribute: 'ctx' | 'maps';
  contents: MapContents[];
}

export interface LaunchConfig {
  run: RunConfig;
  maps: LaunchMaps[];
}

const problem = (attribute: string, message: string): Diagnostic => ({ severity: 'error', code: `launch/${attribute}`, message: `${attribute}: ${message}` });
const prefixed = (attribute: string, ds: readonly Diagnostic[]): Diagnostic[] => ds.map((d) => ({ ...d, message: `${attribute}: ${d.message}` }));

/** `programType` checked against the kernel's program types; undefined when not given. */
export function launchProgramType(name: string | undefined): WithDiagnostics<ProgTypeName | undefined> {
  if (name === undefined) return { value: undefined, diagnostics: [] };
  const type = LAUNCH_PROGRAM_TYPES.find((t) => t === name);
  if (type) return { value: type, diagnostics: [] };
  return { value: undefined, diagnostics: [problem('programType', `unknown program type '${name}' (known: ${LAUNCH_PROGRAM_TYPES.join(', ')})`)] };
}

/** The packet from `packet`, `packetFile` or `pcap` + `packetIndex`; diagnostics name the attribute. */
export function launchPacket(input: LaunchInput): WithDiagnostics<Uint8Array | undefined> {
  const given = (['packet', 'packetFile', 'pcap'] as const).filter((k) => input[k] !== undefined);
  if (given.length > 1) return { value: undefined, diagnostics: [problem(given[0], `give one of packet, packetFile and pcap, not ${given.join(' and ')}`)] };
  if (input.pcap === undefined && input.packetIndex !== undefined) {
    return { value: undefined, diagnostics: [problem('packetIndex', 'needs a pcap to pick the packet from')] };
  }
  if (input.packet !== undefined) {
    const parsed = parseHexBytes(input.packet);
    return 'error' in parsed ? { value: undefined, diagnostics: [problem('packet', parsed.error)] } : { value: parsed.bytes, diagnostics: [] };
  }
  if (input.packetFile !== undefined) return { value: input.packetFile, diagnostics: [] };
  if (input.pcap === undefined) return { value: undefined, diagnostics: [] };
  const read = readPcap(input.pcap);
  const diagnostics = prefixed('pcap', read.diagnostics);
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const index = input.packetIndex ?? 0;
  const packet = read.value[index];
  if (!Number.isSafeInteger(index) || index < 0 || !packet) {
    return { value: undefined, diagnostics: [...diagnostics, problem('packetIndex', `${index} is not a packet of the capture (it has ${read.value.length}, numbered from 0)`)] };
  }
  return { value: packet, diagnostics };
}

/** The `maps` attribute's text as run-configuration JSON (`{"maps": …}`), or the problem with it. */
function mapsConfigText(text: string): string | Diagnostic {
  try {
    return JSON.stringify({ maps: JSON.parse(text) as unknown });
  } catch (e) {
    return problem('maps', `not JSON: ${(e as Error).message}`);
  }
}

/** The task and clock attributes as run-configuration JSON, with the attribute each JSON path stands for. */
function envConfig(input: LaunchInput): { text: string; attributeOf: (message: string) => string } | undefined {
  const process = Object.fromEntries(Object.entries(input.process ?? {}).filter(([, v]) => v !== undefined));
  const root: Record<string, unknown> = {};
  if (Object.keys(process).length > 0) root.process = process;
  if (input.ktimeNs !== undefined) root.time = { monotonicNs: input.ktimeNs };
  if (Object.keys(root).length === 0) return undefined;
  // `process.pid: expected …` is about `pid`; `time.monotonicNs: …` about `ktimeNs`.
  const attributeOf = (message: string): string => message.replace(/^process\./, '').replace(/^time\.monotonicNs/, 'ktimeNs');
  return { text: JSON.stringify(root), attributeOf };
}

/** The run configuration from `ctx`, then `maps` and the task and clock attributes over it. */
export function launchConfig(input: LaunchInput): WithDiagnostics<LaunchConfig> {
  const diagnostics: Diagnostic[] = [];
  const run: RunConfig = { xdp: {}, tracing: {}, env: {}, maps: [] };
  const maps: LaunchMaps[] = [];
  if (input.ctx !== undefined) {
    const parsed = parseRunConfig(input.ctx, DEFAULT_PROCESS);
    diagnostics.push(...prefixed('ctx', parsed.diagnostics));
    Object.assign(run, parsed.value);
    maps.push({ attribute: 'ctx', contents: parsed.value.maps });
  }
  if (input.maps !== undefined) {
    const text = mapsConfigText(input.maps);
    if (typeof text !== 'string') diagnostics.push(text);
    else {
      const parsed = parseRunConfig(text, DEFAULT_PROCESS);
      diagnostics.push(...parsed.diagnostics);
      maps.push({ attribute: 'maps', contents: parsed.value.maps });
    }
  }
  const env = envConfig(input);
  if (env) {
    const parsed = parseRunConfig(env.text, run.env.process ?? DEFAULT_PROCESS);
    diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, message: env.attributeOf(d.message) })));
    run.env = { ...run.env, ...parsed.value.env };
  }
  run.maps = maps.flatMap((m) => m.contents);
  return { value: { run, maps }, diagnostics };
}
