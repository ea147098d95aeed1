// Test support: replays one program's kernel verifier log (level 2) with the
// mini interpreter of scalarExec.ts, following the kernel's own exploration
// order (fall-through first, pushed branches popped last-in first-out, pruned
// paths dropped), and compares every register the kernel prints with ours:
// the exact value (scalarEquals) and the exact text (formatScalar). After each
// comparison the kernel's value is taken over, so every instruction is judged
// on its own. Tallies agreement per instruction category.

import { scalarClone, scalarEquals } from '../../src-vm/verifier/bounds';
import { parseVerifierLog, type LogLine, type StateItem } from '../../src-vm/verifier/logParse';
import { formatScalar } from '../../src-vm/verifier/scalarPrint';
import type { Insn } from '../../src-vm/isa/insn';
import { computeLiveness, initialState, MiniState, type Pushed, type Reg, step } from './scalarExec';

export interface Tally { checked: number; agreed: number }

export class ReplayStats {
  readonly byCategory = new Map<string, Tally>();
  readonly failures: string[] = [];
  programs = 0;
  programsAborted = 0;
  registersCompared = 0;
  registersAgreed = 0;

  count(category: string, ok: boolean): void {
    const t = this.byCategory.get(category) ?? { checked: 0, agreed: 0 };
    t.checked++;
    if (ok) t.agreed++;
    this.byCategory.set(category, t);
  }

  fail(message: string): void {
    if (this.failures.length < 200) this.failures.push(message);
  }
}

/** The log of one program out of bpftool's output for a whole object. */
export function programLog(output: string, name: string): string | undefined {
  const begin = output.indexOf(`prog '${name}': -- BEGIN PROG LOAD LOG --`);
  if (begin < 0) return undefined;
  const start = output.indexOf('\n', begin) + 1;
  const end = output.indexOf('-- END PROG LOAD LOG --', start);
  return output.slice(start, end < 0 ? undefined : end);
}

/** The kernel's "Live regs before insn" table: one r0..r9 mask per instruction. */
function kernelLiveness(log: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of log.matchAll(/^\s+(\d+): ([0-9.]{10}) \(/gm)) {
    let mask = 0;
    for (let r = 0; r < 10; r++) if (m[2][r] !== '.') mask |= 1 << r;
    out.set(Number(m[1]), mask);
  }
  return out;
}

function regText(r: Reg): string {
  if (r.t === 'none') return 'not_init';
  if (r.t === 'ptr') return r.what;
  return formatScalar(r.s, { id: r.id, linkedDelta: r.delta });
}

interface Ctx { name: string; stats: ReplayStats }

/** Compares the printed items with our registers; takes the kernel's values over. Returns agreement. */
function compareItems(ctx: Ctx, items: StateItem[], st: MiniState, where: string, full: boolean): boolean {
  let ok = true;
  const printed = new Set<number>();
  for (const item of items) {
    if (item.regno < 0 || item.regno > 10) continue;
    printed.add(item.regno);
    const ours = st.regs[item.regno];
    let same: boolean;
    if (item.value.kind === 'scalar') {
      // A constant prints as its number only: compare what is printed.
      const constant = !item.text.includes('scalar(');
      same = ours.t === 'scalar' && regText(ours) === item.text.replace(/^P/, '') &&
        (constant || scalarEquals(ours.s, item.value.scalar));
      if (!same) {
        const link32 = ours.t === 'scalar' ? ours.link32 : undefined;
        st.regs[item.regno] = { t: 'scalar', s: scalarClone(item.value.scalar), id: item.value.id, delta: item.value.linkedDelta, link32 };
      }
    } else {
      same = ours.t === 'ptr';
    }
    ctx.stats.registersCompared++;
    if (same) ctx.stats.registersAgreed++;
    else {
      ok = false;
      ctx.stats.fail(`${ctx.name} ${where}: R${item.regno} kernel ${item.text} ours ${regText(ours)}`);
    }
  }
  if (full) {
    for (let r = 0; r <= 10; r++) {
      if (st.regs[r].t !== 'none' && !printed.has(r)) {
        ok = false;
        ctx.stats.fail(`${ctx.name} ${where}: R${r} is ${regText(st.regs[r])} for us, not initialised for the kernel`);
        st.regs[r] = { t: 'none' };
      }
    }
  }
  return ok;
}

/** Replays `log` (one program's verifier log) over `insns`, tallying into `stats`. */
export function replayProgram(name: string, insns: readonly Insn[], log: string, stats: ReplayStats): void {
  stats.programs++;
  const ctx: Ctx = { name, stats };
  const live = computeLiveness(insns);
  const kernelLive = kernelLiveness(log);
  for (const [idx, mask] of kernelLive) {
    stats.count('liveness', live[idx] === mask);
    if (live[idx] !== mask) stats.fail(`${name}: registers live before ${idx}: kernel ${mask.toString(2)}, ours ${live[idx].toString(2)}`);
  }
  const aborted = walk(ctx, insns, live, parseVerifierLog(log));
  if (aborted) {
    stats.programsAborted++;
    stats.fail(`${name}: ${aborted}`);
  }
}

function walk(ctx: Ctx, insns: readonly Insn[], live: number[], lines: LogLine[]): string | undefined {
  const env = { idGen: 0, live };
  const pending: Pushed[] = [];
  let cur: MiniState | undefined;
  let expectViolation: string | undefined;
  // `N: R...` lines show the scratched registers only, except right at the start
  // and right after `from A to B:`, when every register is scratched.
  let fullState = true;
  for (const line of lines) {
    const full = fullState;
    fullState = line.kind === 'branch' && !line.safe;
    if (expectViolation !== undefined) {
      const text = line.kind === 'other' ? line.text.trim() : '';
      ctx.stats.count('invariant violation', text === expectViolation);
      if (text !== expectViolation) ctx.stats.fail(`${ctx.name}: kernel says "${text}", we say "${expectViolation}"`);
      return text.startsWith('verifier bug:') ? undefined : `we expected: ${expectViolation}`;
    }
    if (line.kind === 'state') {
      cur ??= line.idx === 0 ? initialState() : undefined;
      if (!cur) return `state line at ${line.idx} without a current path`;
      compareItems(ctx, line.state, cur, `state at ${line.idx}`, full);
    } else if (line.kind === 'insn') {
      if (!cur) return `instruction ${line.idx} without a current path`;
      if (line.idx !== cur.pc) return `kernel processes ${line.idx} where we expected ${cur.pc}`;
      const before = `${line.asm} [${describeOperands(insns[cur.pc], cur)}]`;
      const res = step(env, insns, cur);
      const ok = compareItems(ctx, line.state, cur, `insn ${line.idx} ${before}`, false);
      ctx.stats.count(res.category, ok);
      pending.push(...res.pushed);
      expectViolation = res.violation;
      if (res.next === undefined) cur = undefined;
      else cur.pc = res.next;
    } else if (line.kind === 'branch') {
      const top = pending.pop();
      if (!top || top.from !== line.from || top.to !== line.to) {
        return `kernel explores ${line.from} -> ${line.to}, we expected ${top ? `${top.from} -> ${top.to}` : 'nothing'}`;
      }
      cur = line.safe ? undefined : top.state;
      if (cur) ctx.stats.count(top.category, compareItems(ctx, line.state, cur, `from ${line.from} to ${line.to}`, true));
    } else if (line.kind === 'safe') {
      cur = undefined;
    } else if (line.text.startsWith('verifier bug:')) {
      return `the kernel reports ${line.text.trim()}`;
    }
  }
  if (pending.length > 0) return `kernel never explored ${pending.map((p) => `${p.from} -> ${p.to}`).join(', ')}`;
  return undefined;
}

function describeOperands(i: Insn, st: MiniState): string {
  const dst = `r${i.dst}=${regText(st.regs[i.dst])}`;
  return (i.code & 0x08) !== 0 && i.src !== i.dst ? `${dst} r${i.src}=${regText(st.regs[i.src])}` : dst;
}
