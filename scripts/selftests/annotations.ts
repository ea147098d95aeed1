// A selftest program's expectations as bpf_misc.h writes them: BTF
// declaration tags `comment:test_…` on the program's FUNC (__success,
// __failure, __msg, __flag, __log_level, __auxiliary, __description, …),
// read from the object's own BTF. Pure: takes a parsed Btf.

import type { Btf } from '../../src-vm/elf/btf';

export interface TestAnnotations {
  expect?: 'success' | 'failure';
  messages: string[];
  flags: string[];
  logLevel?: number;
  auxiliary: boolean;
  description?: string;
  retval?: string;
  btfPath?: string;
  /** Every other `comment:test_` tag, as written (unpriv expectations, arch, caps). */
  other: string[];
}

const PREFIX = 'comment:test_';

function emptyAnnotations(): TestAnnotations {
  return { messages: [], flags: [], auxiliary: false, other: [] };
}

/** Applies one tag (without the `comment:test_` prefix) to `a`. */
function applyTag(a: TestAnnotations, tag: string): void {
  const eq = tag.indexOf('=');
  const key = eq < 0 ? tag : tag.slice(0, eq);
  const value = eq < 0 ? '' : tag.slice(eq + 1);
  switch (key) {
    case 'expect_success': a.expect = 'success'; break;
    case 'expect_failure': a.expect = 'failure'; break;
    // __msg's value is "COUNTER=text"; the counter orders the messages.
    case 'expect_msg': a.messages.push(value); break;
    case 'prog_flags': a.flags.push(value); break;
    case 'log_level': a.logLevel = Number(value); break;
    case 'auxiliary': a.auxiliary = true; break;
    case 'description': a.description = value; break;
    case 'retval': a.retval = value; break;
    case 'btf_path': a.btfPath = value; break;
    default: a.other.push(tag);
  }
}

function orderedMessages(raw: string[]): string[] {
  const parsed = raw.map((m) => {
    const eq = m.indexOf('=');
    return { n: Number(m.slice(0, eq)), text: m.slice(eq + 1) };
  });
  return parsed.sort((x, y) => x.n - y.n).map((m) => m.text);
}

/** The annotations of every FUNC with test tags, by function name. */
export function readAnnotations(btf: Btf): Map<string, TestAnnotations> {
  const byFunc = new Map<string, TestAnnotations>();
  for (const t of btf.types) {
    if (t.kind !== 'DECL_TAG' || t.componentIdx !== -1 || !t.name.startsWith(PREFIX)) continue;
    const fn = btf.typeById(t.type);
    if (fn?.kind !== 'FUNC') continue;
    const a = byFunc.get(fn.name) ?? emptyAnnotations();
    applyTag(a, t.name.slice(PREFIX.length));
    byFunc.set(fn.name, a);
  }
  for (const a of byFunc.values()) a.messages = orderedMessages(a.messages);
  return byFunc;
}
