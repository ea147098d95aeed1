// Test support for the verifier suites: assembles a case of verifierCases.ts
// into instructions and an object file, runs our verifier on it, and reads the
// kernel's verdict and first error line out of a `bpftool -d` load log.

import { assemble } from '../../../src-vm/asm/assembler';
import type { AsmObject } from '../../../src-vm/asm/object';
import { writeElf } from '../../../src-vm/elf/elfWriter';
import type { Insn } from '../../../src-vm/isa/insn';
import type { AttachTypeName } from '../../../src-vm/elf/bpfEnums';
import { matchSection } from '../../../src-vm/elf/sectionRules';
import type { ProgType } from '../../../src-vm/verifier/env';
import { verifyProgram, type VerifierProgram, type VerifierReport } from '../../../src-vm/verifier/verify';
import type { VerifierCase } from './verifierCases';

/** The section a case's program goes in: its own, or libbpf's plainest name for its type. */
const DEFAULT_SECTION: Partial<Record<ProgType, string>> = {
  xdp: 'xdp', socket_filter: 'socket', sched_cls: 'tc', sched_act: 'action', kprobe: 'kprobe/ebpf_wb_probe',
  tracepoint: 'tracepoint/syscalls/sys_enter_getpid', raw_tracepoint: 'raw_tp/sys_enter', perf_event: 'perf_event',
  cgroup_skb: 'cgroup_skb/ingress', cgroup_sock: 'cgroup/sock_create', cgroup_sock_addr: 'cgroup/connect4',
  sock_ops: 'sockops', sk_msg: 'sk_msg', sk_skb: 'sk_skb', flow_dissector: 'flow_dissector', lwt_in: 'lwt_in',
  lwt_out: 'lwt_out', lwt_xmit: 'lwt_xmit', cgroup_sysctl: 'cgroup/sysctl', cgroup_sockopt: 'cgroup/getsockopt',
  sk_reuseport: 'sk_reuseport', syscall: 'syscall', netfilter: 'netfilter',
};

export function caseSection(c: VerifierCase): string {
  const section = c.section ?? DEFAULT_SECTION[c.type];
  if (!section) throw new Error(`${c.name}: give the case a section for program type ${c.type}`);
  return section;
}

/** The expected attach type libbpf gives the case's section. */
export function caseAttach(c: VerifierCase): AttachTypeName | undefined {
  return matchSection(caseSection(c)).rule?.expectedAttachType;
}

export function caseInsns(c: VerifierCase): Insn[] {
  const r = assemble(`.section ${caseSection(c)}, "ax"\n${c.asm.join('\n')}\n`);
  if (r.diagnostics.length > 0) throw new Error(`${c.name}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  const sec = r.value.sections.find((s) => s.kind === 'code');
  if (!sec) throw new Error(`${c.name}: no code`);
  return sec.insns;
}

export function caseObject(c: VerifierCase): Uint8Array {
  const insns = caseInsns(c);
  const name = caseSection(c);
  const obj: AsmObject = {
    sections: [{ name, kind: 'code', insns, spans: [], bytes: new Uint8Array() }],
    symbols: [{ name: c.name, section: name, offset: 0, global: true, kind: 'func', size: insns.length * 8 }],
    relocs: [],
  };
  return writeElf(obj, { license: c.license ?? 'GPL' });
}

/** The case as the verifier gets it: its instructions, type, and what its section name says (attach type, sleepable). */
export function caseProgram(c: VerifierCase): VerifierProgram {
  const sleepable = matchSection(caseSection(c)).rule?.flags.sleepable;
  return { insns: caseInsns(c), type: c.type, attach: caseAttach(c), sleepable, license: c.license ?? 'GPL' };
}

export function verifyCase(c: VerifierCase): VerifierReport {
  return verifyProgram(caseProgram(c), { logLevel: 2 });
}

export type Outcome = 'accept' | { insn: number; message: string };

export function ourOutcome(r: VerifierReport): Outcome {
  return r.error ? { insn: r.error.insnIdx, message: r.error.message } : 'accept';
}

/** The kernel's outcome from bpftool's output for a one-program object. */
export function kernelOutcome(ok: boolean, output: string): Outcome {
  if (ok) return 'accept';
  const begin = output.indexOf('-- BEGIN PROG LOAD LOG --');
  const end = output.indexOf('-- END PROG LOAD LOG --');
  const lines = (begin >= 0 ? output.slice(begin, end >= 0 ? end : undefined) : output).split('\n').slice(1);
  const stats = lines.findIndex((l) => /^(verification time|processed \d+ insns)/.test(l));
  // Precision backtracking, the subprogram list and the liveness table are not the error.
  const body = lines.slice(0, stats >= 0 ? stats : lines.length)
    .filter((l) => !l.startsWith('mark_precise:') && !/^func#\d+ @\d+$/.test(l) && !/^\s/.test(l) && l !== 'Live regs before insn:')
    .filter((l) => !/^\d+: (R\d|fp-|safe$)/.test(l)) // state lines of the path being printed
    .filter((l) => !/^\(\d+\) /.test(l)); // stack liveness lines
  let last = -1;
  body.forEach((l, k) => { if (/^\d+: \([0-9a-f]{2}\)/.test(l)) last = k; });
  if (last < 0) return { insn: -1, message: body.find((l) => l.trim() !== '') ?? output.trim().split('\n').pop() ?? '' };
  const insn = Number(/^(\d+):/.exec(body[last])![1]);
  const message = body.slice(last + 1).find((l) => l.trim() !== '' && !l.startsWith(';')) ?? '';
  return { insn, message };
}

/** Same verdict, message and instruction; -1 (errors found before any instruction is printed, like check_cfg's) matches any instruction. */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a === 'accept' || b === 'accept') return a === b;
  return (a.insn === b.insn || a.insn === -1 || b.insn === -1) && a.message === b.message;
}

export function showOutcome(o: Outcome): string {
  return o === 'accept' ? 'accept' : `reject at ${o.insn}: ${o.message}`;
}
