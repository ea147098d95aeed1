// The signatures of a program's subprograms as the kernel reads them from BTF
// (btf_prepare_func_args): which functions are global, and for a global one
// the kind of each argument (scalar, the program's ctx, sized memory, arena)
// from its FUNC_PROTO and `arg:` decl tags, or the kernel's message when the
// signature is refused. Bridges elf/ (BTF) and verifier/ (which stays
// BTF-agnostic and only sees SubprogSignature). Pure.

import type { Btf, BtfFunc, BtfRefType, BtfType } from './elf/btf';
import type { SlotFuncInfo } from './elf/loadedObject';
import type { ProgTypeName } from './elf/bpfEnums';
import type { GlobalArg, SubprogSignature } from './verifier/checks/globalFunc';

const MAX_REG_ARGS = 5;
const BTF_FUNC_GLOBAL = 1;
const EINVAL = -22;
const KNOWN_TAGS = new Set(['ctx', 'trusted', 'nonnull', 'nullable', 'arena']);

/** The ctx struct each program type's BTF names (include/linux/bpf_types.h); '' where it has none. */
const CTX_STRUCT: Partial<Record<ProgTypeName, string>> = {
  socket_filter: '__sk_buff', sched_cls: '__sk_buff', sched_act: '__sk_buff', xdp: 'xdp_md', cgroup_skb: '__sk_buff',
  cgroup_sock: 'bpf_sock', cgroup_sock_addr: 'bpf_sock_addr', lwt_in: '__sk_buff', lwt_out: '__sk_buff', lwt_xmit: '__sk_buff',
  lwt_seg6local: '__sk_buff', sock_ops: 'bpf_sock_ops', sk_skb: '__sk_buff', sk_msg: 'sk_msg_md', flow_dissector: '__sk_buff',
  kprobe: 'pt_regs', perf_event: 'bpf_perf_event_data', raw_tracepoint: 'bpf_raw_tracepoint_args',
  raw_tracepoint_writable: 'bpf_raw_tracepoint_args', cgroup_device: 'bpf_cgroup_dev_ctx', cgroup_sysctl: 'bpf_sysctl',
  cgroup_sockopt: 'bpf_sockopt', sk_reuseport: 'sk_reuseport_md', sk_lookup: 'bpf_sk_lookup', netfilter: 'bpf_nf_ctx',
};

/** btf_is_projection_of: the kernel's own struct stands for the uapi one. */
const PROJECTION: Readonly<Record<string, string>> = { __sk_buff: 'sk_buff', xdp_md: 'xdp_buff' };

/** btf_type_str's kind names. */
function kindName(t: BtfType | undefined): string {
  return !t || t.kind === 'VOID' ? 'UNKNOWN' : t.kind;
}

function skipModifiers(btf: Btf, id: number): BtfType | undefined {
  return btf.resolveModifiers(id);
}

/** Pointer arguments that are the program's ctx: a pointer to its ctx struct (btf_is_prog_ctx_type). */
function isCtxPointer(btf: Btf, ptr: BtfRefType, progType: ProgTypeName): boolean {
  const typedefName = firstTypedefName(btf, ptr.type);
  if (progType === 'kprobe' && typedefName === 'bpf_user_pt_regs_t') return true;
  const t = skipModifiers(btf, ptr.type);
  if (!t || (t.kind !== 'STRUCT' && t.kind !== 'UNION') || !t.name) return false;
  const ctx = CTX_STRUCT[progType];
  return !!ctx && (t.name === ctx || PROJECTION[ctx] === t.name);
}

function firstTypedefName(btf: Btf, id: number): string | undefined {
  let t = btf.typeById(id);
  for (let depth = 0; t && depth < 32; depth++) {
    if (t.kind === 'TYPEDEF') return t.name;
    if (t.kind !== 'VOLATILE' && t.kind !== 'CONST' && t.kind !== 'RESTRICT' && t.kind !== 'TYPE_TAG') return undefined;
    t = btf.typeById(t.type);
  }
  return undefined;
}

/** btf_validate_prog_ctx_type for `__arg_ctx`: undefined when the pointee fits the program type. */
function ctxTagProblem(btf: Btf, ptr: BtfRefType, i: number, progType: ProgTypeName): string | undefined {
  if ((progType === 'kprobe' || progType === 'perf_event') && firstTypedefName(btf, ptr.type) === 'bpf_user_pt_regs_t') return undefined;
  const t = skipModifiers(btf, ptr.type);
  if (!t || t.kind === 'VOID') return undefined;
  if (!t.name) return `arg#${i} type doesn't have a name`;
  if (['tracepoint', 'syscall', 'ext', 'tracing', 'lsm', 'struct_ops'].includes(progType)) return undefined;
  if ((progType === 'kprobe' || progType === 'perf_event') && t.kind === 'STRUCT' && t.name === 'pt_regs') return undefined;
  if (progType.startsWith('raw_tracepoint') && t.kind === 'INT' && t.size === 8) return undefined;
  const ctx = CTX_STRUCT[progType] ?? '';
  if (!ctx) return `arg#${i} should be void pointer`;
  if (t.kind === 'STRUCT' && (t.name === ctx || PROJECTION[ctx] === t.name)) return undefined;
  return `arg#${i} should be \`struct ${ctx} *\``;
}

/** The `arg:` decl tags of parameter i, in BTF order; a string is the kernel's refusal. */
function argTags(btf: Btf, fn: BtfFunc, i: number): Set<string> | string {
  const tags = new Set<string>();
  for (const t of btf.types) {
    if (t.kind !== 'DECL_TAG' || t.type !== fn.id || t.componentIdx !== i || !t.name.startsWith('arg:')) continue;
    const tag = t.name.slice(4);
    if (!KNOWN_TAGS.has(tag)) return `arg#${i} has unsupported set of tags`;
    tags.add(tag);
  }
  return tags;
}

/** One argument's kind, or the kernel's message refusing it. */
function argKind(btf: Btf, fn: BtfFunc, i: number, typeId: number, progType: ProgTypeName): GlobalArg | string {
  const tags = argTags(btf, fn, i);
  if (typeof tags === 'string') return tags;
  const t = skipModifiers(btf, typeId);
  if (t?.kind === 'PTR') {
    const only = (name: string) => tags.size === 1 && tags.has(name);
    if (tags.has('ctx') || isCtxPointer(btf, t, progType)) {
      if (tags.size > 0 && !only('ctx')) return `arg#${i} has invalid combination of tags`;
      return (tags.has('ctx') && ctxTagProblem(btf, t, i, progType)) || { kind: 'ctx' };
    }
    const pointee = skipModifiers(btf, t.type);
    if (pointee?.kind === 'STRUCT' && pointee.name === 'bpf_dynptr') {
      return tags.size > 0 ? `arg#${i} has invalid combination of tags` : { kind: 'unsupported', what: 'a dynptr argument' };
    }
    if (tags.has('trusted')) {
      return tags.has('nonnull') ? `arg#${i} has invalid combination of tags` : { kind: 'unsupported', what: 'a trusted kernel pointer argument' };
    }
    if (tags.has('arena')) return only('arena') ? { kind: 'arena' } : `arg#${i} arena cannot be combined with any other tags`;
    if (tags.has('nullable')) return `arg#${i} has invalid combination of tags`;
    const size = pointee && pointee.kind !== 'VOID' ? btf.sizeOf(pointee.id) : undefined;
    if (size === undefined) {
      return `arg#${i} reference type('${kindName(pointee)} ${pointee?.name ?? ''}') size cannot be determined: ${EINVAL}`;
    }
    return { kind: 'mem', size, nullable: !tags.has('nonnull') };
  }
  if (tags.size > 0) return `arg#${i} has pointer tag, but is not a pointer type`;
  if (t && (t.kind === 'INT' || t.kind === 'ENUM' || t.kind === 'ENUM64')) return { kind: 'scalar' };
  return `Arg#${i} type ${kindName(t)} in ${fn.name}() is not supported yet.`;
}

/** btf_prepare_func_args for a global function: its argument kinds, or the message refusing it. */
function globalArgs(btf: Btf, fn: BtfFunc, progType: ProgTypeName): GlobalArg[] | string {
  const proto = btf.typeOfKind(fn.type, 'FUNC_PROTO');
  if (!proto) return `Invalid type of function ${fn.name}()`;
  if (proto.params.length > MAX_REG_ARGS) {
    return `Global function ${fn.name}() with ${proto.params.length} > ${MAX_REG_ARGS} args. Buggy compiler.`;
  }
  const ret = skipModifiers(btf, proto.returnType);
  if (!ret || (ret.kind !== 'INT' && ret.kind !== 'ENUM' && ret.kind !== 'ENUM64')) {
    return `Global function ${fn.name}() doesn't return scalar. Only those are supported.`;
  }
  const args: GlobalArg[] = [];
  for (let i = 0; i < proto.params.length; i++) {
    const kind = argKind(btf, fn, i, proto.params[i].type, progType);
    if (typeof kind === 'string') return kind;
    args.push(kind);
  }
  return args;
}

/** check_btf_func's scalar_return: the return type, past modifiers, is an int of at most 8 bytes or an enum. */
function returnsScalar(btf: Btf, fn: BtfFunc): boolean {
  const proto = btf.typeOfKind(fn.type, 'FUNC_PROTO');
  const ret = proto ? skipModifiers(btf, proto.returnType) : undefined;
  if (!ret) return false;
  return (ret.kind === 'INT' && ret.size <= 8) || ret.kind === 'ENUM' || ret.kind === 'ENUM64';
}

/**
 * Every function of a linked program that has a func_info record (entry first),
 * with its linkage and, for global ones, the signature the kernel derives (the
 * kernel reads the entry program's too, and only logs what it refuses).
 */
export function subprogSignatures(btf: Btf | undefined, funcInfo: readonly SlotFuncInfo[], progType: ProgTypeName): SubprogSignature[] {
  if (!btf) return [];
  return funcInfo.map((rec): SubprogSignature => {
    const fn = btf.typeOfKind(rec.typeId, 'FUNC');
    const name = fn?.name ?? rec.name;
    const scalarReturn = fn ? returnsScalar(btf, fn) : undefined;
    if (!fn || fn.linkage !== BTF_FUNC_GLOBAL) return { start: rec.insnIdx, name, global: false, scalarReturn };
    const args = globalArgs(btf, fn, progType);
    return typeof args === 'string' ? { start: rec.insnIdx, name, global: true, refused: args, scalarReturn } : { start: rec.insnIdx, name, global: true, args, scalarReturn };
  });
}
