// Test support: hand-written assembly programs for the control-flow pass
// (src-vm/verifier/cfg.ts), each rule both accepted and rejected, with what
// the live kernel prints. `main` is the xdp section; `sub` (optional) is a
// .text function main calls or refers to (`r2 = sub ll`), which libbpf
// appends after main. `expect` is
// 'accept', the kernel's first error line, or 'later' (the control-flow pass
// passes; the kernel rejects in a later stage).

export interface CfgCase { name: string; main: string; sub?: string; expect: string }

const P = (name: string, body: string[], expect: string, sub?: string[]): CfgCase =>
  ({ name, main: body.join('\n'), sub: sub?.join('\n'), expect });

/** Main program passing `sub` to bpf_loop (helper #181) through `r2 = sub ll` (a function reference). */
const LOOP_MAIN = ['r1 = 4', 'r2 = sub ll', 'r3 = 0', 'r4 = 0', 'call 181', 'r0 = 0', 'exit'];

export const CFG_CASES: CfgCase[] = [
  P('exit only', ['r0 = 0', 'exit'], 'accept'),
  P('jump forward past the end', ['r0 = 0', 'goto +5', 'exit'], 'jump out of range from insn 1 to 7'),
  P('jump backward before the start', ['r0 = 0', 'goto -3', 'exit'], 'jump out of range from insn 1 to -1'),
  P('jump to one past the end', ['r0 = 0', 'goto +1', 'exit'], 'jump out of range from insn 1 to 3'),
  P('conditional jump out of range', ['r0 = 0', 'if r0 > 1 goto +9', 'exit'], 'jump out of range from insn 1 to 11'),
  P('jmp32 conditional out of range', ['r0 = 0', 'if w0 > 1 goto -7', 'exit'], 'jump out of range from insn 1 to -5'),
  P('gotol out of range', ['r0 = 0', 'gotol +100', 'exit'], 'jump out of range from insn 1 to 102'),
  P('gotol in range', ['r0 = 0', 'gotol +0', 'exit'], 'accept'),
  P('jump over an lddw out of range', ['r1 = 1 ll', 'r0 = 0', 'goto -5', 'exit'], 'jump out of range from insn 3 to -1'),
  P('conditional jump in range', ['r0 = 0', 'if r0 > 1 goto +1', 'r0 = 1', 'exit'], 'accept'),
  P('last insn is an alu op', ['r0 = 0', 'exit', 'r0 = 1'], 'last insn is not an exit or jmp'),
  P('last insn is a conditional jump', ['r0 = 0', 'if r0 > 0 goto -2'], 'last insn is not an exit or jmp'),
  P('last insn is a goto', ['r0 = 0', 'goto +1', 'exit', 'goto -2'], 'accept'),
  P('last insn is a gotol', ['r0 = 0', 'gotol +1', 'exit', 'gotol -2'], 'accept'),
  P('last slots are an lddw', ['r0 = 0', 'r1 = 5 ll'], 'last insn is not an exit or jmp'),
  P('code after exit', ['r0 = 0', 'exit', 'r0 = 1', 'exit'], 'unreachable insn 2'),
  P('code jumped over', ['r0 = 0', 'goto +1', 'r0 = 1', 'exit'], 'unreachable insn 2'),
  P('two unreachable pieces', ['r0 = 0', 'goto +3', 'r0 = 1', 'exit', 'r0 = 2', 'exit', 'r0 = 3', 'exit'], 'unreachable insn 2'),
  P('unreachable lddw', ['r0 = 0', 'exit', 'r1 = 5 ll', 'exit'], 'unreachable insn 2'),
  P('lddw reached normally', ['r1 = 5 ll', 'r0 = 0', 'exit'], 'accept'),
  P('jump into the middle of an lddw', ['r0 = 0', 'if r0 > 1 goto +1', 'r1 = 5 ll', 'exit'], 'jump into the middle of ldimm64 insn 2'),
  P('jump over an lddw', ['r0 = 0', 'if r0 > 1 goto +2', 'r1 = 5 ll', 'exit'], 'accept'),
  P('goto into the middle of an lddw', ['r0 = 0', 'if r0 > 1 goto +1', 'goto +1', 'r1 = 5 ll', 'exit'], 'jump into the middle of ldimm64 insn 3'),
  P('bounded loop (back-edge)', ['r0 = 0', 'r0 += 1', 'if r0 < 10 goto -2', 'exit'], 'accept'),
  P('jump to itself never taken', ['r0 = 0', 'if r0 > 1 goto -1', 'exit'], 'accept'),
  P('infinite loop passes the cfg', ['r0 = 0', 'if r0 == 0 goto +1', 'exit', 'goto -1'], 'later'),
  P('loop closed by a final goto', ['r0 = 0', 'r0 += 1', 'if r0 < 3 goto +1', 'exit', 'goto -4'], 'accept'),
  P('may_goto out of range', ['r0 = 0', 'may_goto +4', 'exit'], 'jump out of range from insn 1 to 6'),
  P('may_goto in range', ['r0 = 0', 'may_goto +1', 'r0 = 1', 'exit'], 'accept'),
  P('may_goto loop', ['r0 = 0', 'may_goto +1', 'goto -2', 'exit'], 'accept'),
  P('call a subprogram', ['r0 = 0', 'call sub', 'exit'], 'accept', ['r0 = 1', 'exit']),
  P('subprogram jumps past the end', ['r0 = 0', 'call sub', 'exit'], 'jump out of range from insn 4 to 7', ['r0 = 1', 'if r0 > 1 goto +2', 'exit']),
  P('main jumps into the subprogram', ['r0 = 0', 'call sub', 'goto +1', 'exit'], 'jump out of range from insn 2 to 4', ['r0 = 1', 'exit']),
  P('subprogram jumps back into main', ['r0 = 0', 'call sub', 'exit'], 'jump out of range from insn 4 to 2', ['r0 = 1', 'if r0 > 1 goto -3', 'exit']),
  P('main falls into the subprogram', ['r0 = 0', 'call sub', 'r0 = 0'], 'last insn is not an exit or jmp', ['r0 = 1', 'exit']),
  P('subprogram ends in a conditional jump', ['r0 = 0', 'call sub', 'exit'], 'last insn is not an exit or jmp', ['r0 = 1', 'if r0 > 1 goto -2']),
  P('subprogram ends in a goto', ['r0 = 0', 'call sub', 'exit'], 'accept', ['r0 = 1', 'goto +1', 'exit', 'goto -2']),
  P('unreachable code in a subprogram', ['r0 = 0', 'call sub', 'exit'], 'unreachable insn 5', ['r0 = 1', 'exit', 'r0 = 2', 'exit']),
  P('bounded loop in a subprogram', ['r0 = 0', 'call sub', 'exit'], 'accept', ['r0 = 0', 'r0 += 1', 'if r0 < 4 goto -2', 'exit']),
  P('lddw middle in a subprogram', ['r0 = 0', 'call sub', 'exit'], 'jump into the middle of ldimm64 insn 5', ['r0 = 1', 'if r0 > 1 goto +1', 'r1 = 5 ll', 'exit']),
  P('bpf_loop callback by function reference (needs BTF later)', LOOP_MAIN, 'later', ['r0 = 0', 'exit']),
  P('bpf_loop callback with unreachable code', LOOP_MAIN, 'unreachable insn 10', ['r0 = 0', 'exit', 'r0 = 1', 'exit']),
  P('bpf_loop callback jumps into main', LOOP_MAIN, 'jump out of range from insn 9 to 7', ['r0 = 0', 'goto -3', 'exit']),
  P('bpf_loop callback falls off its end', LOOP_MAIN, 'last insn is not an exit or jmp', ['r0 = 0', 'exit', 'r0 = 1']),
  P('subprogram reached twice', ['r0 = 0', 'call sub', 'call sub', 'exit'], 'accept', ['r0 = 1', 'exit']),
];
