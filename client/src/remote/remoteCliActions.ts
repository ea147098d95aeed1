// One handler per `remote` action, printing through CliIo: text for people,
// `--json` in the shapes of src-vm/cli/remoteCompare.ts for scripts. Each
// returns the exit code (0 ok, 1 rejected or different); failures throw
// RemoteError and are printed by remoteCli.ts.

import { CliError, EXIT, readInput, type CliIo } from '../../../src-vm/cli/io';
import type { RemoteAction } from '../../../src-vm/cli/remoteArgs';
import { pairPrograms, type RemoteLoadJson, type RemoteLoadProgram, type RemoteRunJson } from '../../../src-vm/cli/remoteCompare';
import type { VerifyJsonProgram } from '../../../src-vm/cli/verifyCommand';
import { attach, detach, describeAttachment } from './attach';
import { buildObject, ourVerdicts, type BuiltObject } from './build';
import { deploy, type DeployResult } from './deploy';
import { RemoteError } from './errors';
import { dumpMap, listDeployments, unload } from './inventory';
import { compareRun } from './runCompare';
import { formatPreflight } from './preflight';
import type { RemoteSession } from './session';
import { streamTrace } from './trace';

type Handler<K extends RemoteAction['kind']> = (io: CliIo, s: RemoteSession, a: Extract<RemoteAction, { kind: K }>) => Promise<number>;

/** 64 zero bytes: long enough for an Ethernet header, what `run` sends without --packet. */
const DEFAULT_PACKET = new Uint8Array(64);

function build(io: CliIo, file: string): BuiltObject {
  return buildObject(file, readInput(io, file), io.compileC);
}

function loadJson(s: RemoteSession, r: DeployResult, ours: VerifyJsonProgram[], program?: string): RemoteLoadJson {
  const programs = pairPrograms(r.kernel.programs, ours).filter((p) => program === undefined || p.name === program);
  if (program !== undefined && programs.length === 0) throw new CliError(EXIT.USAGE, `no program ${program} in the object`);
  return { host: s.label, release: r.release, name: r.name, loaded: r.loaded, programs, objectErrors: r.kernel.objectErrors };
}

function printProgram(io: CliIo, file: string, origin: string, p: RemoteLoadProgram): void {
  const k = p.kernel;
  if (!k) io.out(`${origin}: ${p.name}: not loaded (an earlier program in the object was rejected)`);
  else if (!k.error) io.out(`${origin}: ${p.name}: accepted, ${k.processedInsns} insns processed`);
  else {
    const where = k.error.line !== undefined ? `${file}:${k.error.line}` : `${file}: insn ${k.error.insn}`;
    io.out(`${where}: error: ${origin}: ${p.name}: ${k.error.message}`);
    for (const d of k.error.detail) io.out(`  ${d}`);
  }
  const o = p.ours;
  io.out(o ? `ours: ${p.name}: ${o.error ? `rejected at insn ${o.error.insn}${o.error.line ? ` (line ${o.error.line})` : ''}: ${o.error.message}` : 'accepted'}`
    : `ours: ${p.name}: program type not modelled by our verifier`);
  for (const d of p.differences) io.out(`warning: kernel and our verifier disagree: ${d}`);
}

const load: Handler<'load'> = async (io, s, a) => {
  const obj = build(io, a.file);
  const ours = ourVerdicts(obj);
  const r = await deploy(s, { bytes: obj.bytes, fileName: obj.fileName, name: a.name ?? obj.objectName });
  const json = loadJson(s, r, ours, a.program);
  if (a.json) io.out(JSON.stringify(json));
  else {
    const origin = `kernel (${s.conn.target.host}, ${r.release})`;
    for (const p of json.programs) printProgram(io, a.file, origin, p);
    for (const e of json.objectErrors) io.err(e);
    io.out(r.loaded ? `loaded as ${r.name}` : 'not loaded: nothing was pinned');
  }
  return r.loaded ? EXIT.OK : EXIT.REJECTED;
};

function pickProgram(obj: BuiltObject, wanted: string | undefined): string {
  const names = ourVerdicts(obj).map((p) => p.name);
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw new CliError(EXIT.USAGE, `no program ${wanted} in the object (programs: ${names.join(', ')})`);
    return wanted;
  }
  if (names.length !== 1) throw new CliError(EXIT.USAGE, `the object has ${names.length} programs (${names.join(', ')}): choose one with --program`);
  return names[0];
}

const run: Handler<'run'> = async (io, s, a) => {
  const obj = build(io, a.file);
  const program = pickProgram(obj, a.program);
  const r = await compareRun(s, obj, program, a.packet ?? DEFAULT_PACKET, a.repeat);
  if (!r.loaded) {
    for (const p of loadJson(s, r.deploy, ourVerdicts(obj), program).programs) printProgram(io, a.file, `kernel (${s.conn.target.host}, ${r.deploy.release})`, p);
    return EXIT.REJECTED;
  }
  printRun(io, r.report, a.json, a.packet === undefined);
  return r.report.differences.length === 0 ? EXIT.OK : EXIT.REJECTED;
};

function printRun(io: CliIo, r: RemoteRunJson, json: boolean, defaultPacket: boolean): void {
  if (json) return io.out(JSON.stringify(r));
  if (defaultPacket) io.out('packet: 64 zero bytes (give one with --packet HEX)');
  io.out(`kernel (${r.host}, ${r.release}): ${r.program}: retval ${r.kernel.retval}, ${r.kernel.durationNs} ns per run (${r.repeat} run${r.repeat === 1 ? '' : 's'})`);
  io.out(`  data out: ${r.kernel.dataOut}`);
  if (r.ours) io.out(`ours (our interpreter, the same context): ${r.ours.fault ? `fault: ${r.ours.fault}` : `retval ${r.ours.retval} (r0 ${r.ours.r0}), ${r.ours.steps} insns`}`);
  for (const d of r.differences) io.out(`difference: ${d}`);
}

async function onlyProgram(s: RemoteSession, name: string, wanted: string | undefined): Promise<string> {
  if (wanted !== undefined) return wanted;
  const d = (await listDeployments(s)).find((x) => x.name === name);
  if (!d) throw new RemoteError('attach', `nothing named ${JSON.stringify(name)} is loaded on ${s.label}`);
  if (d.programs.length !== 1) throw new CliError(EXIT.USAGE, `${name} has ${d.programs.length} programs (${d.programs.join(', ')}): choose one with --program`);
  return d.programs[0];
}

export const ACTIONS: { [K in RemoteAction['kind']]: Handler<K> } = {
  check: async (io, s) => {
    const report = await s.preflight();
    for (const line of formatPreflight(s.label, report)) io.out(line);
    return report.problems.length === 0 ? EXIT.OK : EXIT.REJECTED;
  },
  load,
  run,
  attach: async (io, s, a) => {
    const program = await onlyProgram(s, a.name, a.program);
    await attach(s, a.name, program, a.point);
    io.out(`attached ${a.name}/${program}`);
    return EXIT.OK;
  },
  detach: async (io, s, a) => {
    const removed = await detach(s, a.name, a.program);
    io.out(removed.length === 0 ? `${a.name}: nothing attached` : removed.map((x) => `detached ${describeAttachment(x)}`).join('\n'));
    return EXIT.OK;
  },
  unload: async (io, s, a) => {
    for (const d of await unload(s, a.name)) io.out(`detached ${d}`);
    io.out(`unloaded ${a.name}`);
    return EXIT.OK;
  },
  ls: async (io, s, a) => {
    const list = await listDeployments(s);
    if (a.json) io.out(JSON.stringify({ host: s.label, deployments: list }));
    else if (list.length === 0) io.out(`${s.label}: nothing loaded`);
    else for (const d of list) io.out(`${JSON.stringify(d.name)}: programs ${d.programs.join(', ') || '-'}; maps ${d.maps.join(', ') || '-'}`);
    return EXIT.OK;
  },
  dump: async (io, s, a) => {
    io.out(JSON.stringify(await dumpMap(s, a.name, a.map)));
    return EXIT.OK;
  },
  trace: async (io, s, a) => {
    let count = 0;
    let stopNow: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => { stopNow = resolve; });
    const stream = await streamTrace(s, (line) => {
      io.out(line);
      if (a.lines !== undefined && ++count >= a.lines) stopNow();
    });
    const timer = a.seconds !== undefined ? setTimeout(stopNow, a.seconds * 1000) : undefined;
    process.once('SIGINT', stopNow);
    await Promise.race([stopped, stream.done]);
    if (timer) clearTimeout(timer);
    process.removeListener('SIGINT', stopNow);
    await stream.stop();
    return EXIT.OK;
  },
};
