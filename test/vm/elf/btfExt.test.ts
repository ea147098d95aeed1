// parseBtfExt and the CO-RE local spec: the committed core fixture's
// func_info, line_info and relocation records; libbpf's own description of
// every relocation (from `bpftool -d prog loadall` on the live kernel) against
// describeCoreRelo; access strings; and hand-built damage with the
// diagnostics it must give.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBtf } from '../../../src-vm/elf/btf';
import { extRecords, parseBtfExt } from '../../../src-vm/elf/btfExt';
import { coreSpec, describeCoreRelo, parseAccessString } from '../../../src-vm/elf/btfCoreSpec';
import type { Diagnostic } from '../../../src-vm/diagnostics';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../../support/kernel';
import { BtfBuilder, buildBtfExt, type ExtSpec } from './btfBuild';
import { CLANG, committedObject, compileFixture, objectBtf } from './btfFixtures';

/** What libbpf 1.1 printed for the committed core fixture (prog 'core_prog' relo #N: ...), in record order. */
const CORE_RELOS: [string, number, string][] = [
  ['kprobe/do_nanosleep', 2, '<byte_off> [18] struct task_struct___local.pid (0:0 @ offset 0)'],
  ['kprobe/do_nanosleep', 9, '<byte_off> [18] struct task_struct___local.real_parent (0:3 @ offset 16)'],
  ['kprobe/do_nanosleep', 17, '<byte_off> [18] struct task_struct___local.tgid (0:1 @ offset 4)'],
  ['kprobe/do_nanosleep', 24, '<byte_off> [18] struct task_struct___local.mm (0:2 @ offset 8)'],
  ['kprobe/do_nanosleep', 32, '<byte_off> [23] struct mm_struct___local.task_size (0:0 @ offset 0)'],
  ['kprobe/do_nanosleep', 77, '<field_exists> [18] struct task_struct___local.comm (0:4 @ offset 24)'],
  ['kprobe/do_nanosleep', 78, '<byte_sz> [18] struct task_struct___local.comm (0:4 @ offset 24)'],
  ['kprobe/do_nanosleep', 93, '<type_exists> [25] typedef task_t'],
  ['kprobe/do_nanosleep', 94, '<type_size> [18] struct task_struct___local'],
  ['kprobe/do_nanosleep', 109, '<enumval_exists> [26] enum bpf_func_id___local::BPF_FUNC_loop___local = 181'],
  ['kprobe/do_nanosleep', 111, '<enumval_value> [26] enum bpf_func_id___local::BPF_FUNC_loop___local = 181'],
  ['kprobe/do_nanosleep', 125, '<type_matches> [18] struct task_struct___local'],
  ['kprobe/do_nanosleep', 126, '<local_type_id> [18] struct task_struct___local'],
  ['kprobe/do_nanosleep', 128, '<type_exists> [27] enum made_up___local'],
  ['kprobe/do_nanosleep', 144, '<byte_off> [18] struct task_struct___local.comm[1] (0:4:1 @ offset 25)'],
  ['kprobe/do_nanosleep', 151, '<byte_off> [18] struct task_struct___local[1].pid (1:0 @ offset 40)'],
  ['kprobe/do_nanosleep', 158, '<byte_off> [28] struct task_struct___anon.pid (0:0:0 @ offset 0)'],
  ['kprobe/kfree_skb_reason', 3, '<byte_off> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 7, '<byte_sz> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 11, '<lshift_u64> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 12, '<signed> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 14, '<rshift_u64> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 16, '<rshift_u64> [32] struct sk_buff___local.pkt_type (0:1 @ offset 4)'],
  ['kprobe/kfree_skb_reason', 17, '<byte_off> [32] struct sk_buff___local.len (0:0 @ offset 0)'],
];

describe('parseBtfExt on the committed core fixture', () => {
  const { btf, ext, extDiagnostics } = committedObject('core.bpf.o');

  test('reads without a diagnostic; record sizes as clang writes them', () => {
    assert.deepEqual(extDiagnostics, []);
    assert.deepEqual([ext.funcInfoRecSize, ext.lineInfoRecSize, ext.coreReloRecSize], [8, 16, 16]);
    assert.equal(ext.header?.hdrLen, 32);
  });

  test('func_info names each program at its first instruction', () => {
    assert.deepEqual(ext.funcInfo.map((s) => [s.section, s.records.map((r) => [r.insnIdx, r.name])]), [
      ['kprobe/do_nanosleep', [[0, 'core_prog']]],
      ['kprobe/kfree_skb_reason', [[0, 'core_bitfield']]],
    ]);
  });

  test('line_info gives file, line, column and the source text', () => {
    const lines = extRecords(ext.lineInfo, 'kprobe/do_nanosleep');
    assert.equal(lines.length, 37);
    assert.deepEqual(lines[0], {
      insnOff: 0, insnIdx: 0, fileName: './core.bpf.c', line: 58, column: 45,
      lineText: '\tstruct task_struct___local *task = (void *)bpf_get_current_task();',
    });
    assert.ok(lines.every((r, i) => i === 0 || r.insnIdx >= lines[i - 1].insnIdx));
    assert.deepEqual(extRecords(ext.lineInfo, 'no such section'), []);
  });

  test('every CO-RE relocation is described as libbpf describes it', () => {
    const ours = ext.coreRelos.flatMap((s) => s.records.map((r): [string, number, string] => [s.section, r.insnIdx, describeCoreRelo(btf, r)]));
    assert.deepEqual(ours, CORE_RELOS);
  });

  test('the spec of a bitfield read and of an array element', () => {
    const relos = extRecords(ext.coreRelos, 'kprobe/do_nanosleep');
    const comm1 = coreSpec(btf, relos[14]);
    assert.ok(comm1.ok);
    assert.deepEqual(comm1.spec.raw, [0, 4, 1]);
    assert.equal(comm1.spec.bitOffset, 25 * 8);
    assert.deepEqual(comm1.spec.accessors.map((a) => a.name ?? `[${a.idx}]`), ['[0]', 'comm', '[1]']);
    const anon = coreSpec(btf, relos[16]);
    assert.ok(anon.ok);
    assert.deepEqual(anon.spec.accessors.map((a) => a.name ?? `[${a.idx}]`), ['[0]', 'pid'], 'the anonymous union is stepped through, not listed');
  });
});

describe('describeCoreRelo against libbpf on the live kernel', () => {
  test('core.bpf.c compiled now: libbpf prints the same local spec for every relocation', (t) => {
    if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
    const why = kernelUnavailable();
    if (why) return t.skip(why);
    const { dir, cleanup } = scratchDir();
    try {
      const path = compileFixture('core.bpf.c', dir);
      const { btf, ext, extDiagnostics } = objectBtf(path);
      assert.deepEqual(extDiagnostics, []);
      const load = loadAll(path);
      unpin(load.pinDir);
      assert.ok(load.ok, load.log);
      const programOf = new Map(ext.funcInfo.map((s) => [s.section, s.records[0].name]));
      const expected = ext.coreRelos.flatMap((s) => s.records.map((r, i) => `prog '${programOf.get(s.section)}': relo #${i}: ${describeCoreRelo(btf, r)}`));
      const theirs = load.log.split('\n').filter((l) => /^libbpf: prog '[^']+': relo #\d+: </.test(l)).map((l) => l.slice('libbpf: '.length));
      assert.deepEqual(theirs, expected);
    } finally {
      cleanup();
    }
  });
});

describe('access strings', () => {
  const cases: [string, number[] | RegExp][] = [
    ['0', [0]], ['0:1:2', [0, 1, 2]], ['12:0:345', [12, 0, 345]],
    ['', /not a ':'-separated list/], [':1', /not a ':'-separated list/], ['0:', /not a ':'-separated list/],
    ['0::1', /not a ':'-separated list/], ['-1', /not a ':'-separated list/], ['0:x', /not a ':'-separated list/],
    [Array.from({ length: 65 }, () => '0').join(':'), /65 steps; libbpf allows at most 64/],
    ['99999999999', /past 2\^31/],
  ];
  for (const [text, want] of cases) {
    test(`'${text.length > 20 ? `${text.slice(0, 20)}…` : text}'`, () => {
      const got = parseAccessString(text);
      if (Array.isArray(want)) assert.deepEqual(got, want);
      else assert.match(String(got), want);
    });
  }

  test('a flexible array member may be indexed past its zero length; a fixed array may not', () => {
    const { btf } = committedObject('types.bpf.o');
    const record = btf.findByName('STRUCT', 'record')!;
    assert.equal(describeCoreRelo(btf, { typeId: record.id, accessString: '0:15:7', kind: 0 }), `<byte_off> [${record.id}] struct record.trailing[7] (0:15:7 @ offset 160)`);
    assert.match(describeCoreRelo(btf, { typeId: record.id, accessString: '0:6:16', kind: 0 }), /element 16 of array \[\d+\], which has 16/);
    assert.equal(describeCoreRelo(btf, { typeId: record.id, accessString: '0:4:1', kind: 3 }), `<signed> [${record.id}] struct record.flags.mode (0:4:1 @ offset 24.1)`);
  });
});

/** A BTF with a struct (int a; int b;) and an enum, for hand-built .BTF.ext. */
function extBase(): { b: BtfBuilder; fn: number; s: number; e: number } {
  const b = new BtfBuilder();
  const int = b.int('int');
  const s = b.struct('pair', 8, [['a', int, 0], ['b', int, 32]]);
  const e = b.raw('ENUM', 'mode', 1, false, 4, [b.strings.add('ON'), 1]);
  const fn = b.func('prog', b.funcProto(int, []));
  return { b, fn, s, e };
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((d) => d.code))].sort();
}

interface ExtCase {
  name: string;
  spec?: (ids: ReturnType<typeof extBase>) => ExtSpec;
  bytes?: (ext: Uint8Array) => Uint8Array;
  codes: string[];
  check?: (ext: ReturnType<typeof parseBtfExt>['value']) => void;
}

const good = (ids: ReturnType<typeof extBase>): ExtSpec => {
  const file = ids.b.strings.add('prog.c');
  const text = ids.b.strings.add('  return 0;');
  return {
    funcInfo: { sections: [{ section: 'xdp', records: [[0, ids.fn]]}] },
    lineInfo: { sections: [{ section: 'xdp', records: [[0, file, text, (7 << 10) | 3], [16, file, text, (8 << 10) | 1]] }] },
    coreRelo: { sections: [{ section: 'xdp', records: [[8, ids.s, ids.b.strings.add('0:1'), 0], [24, ids.e, ids.b.strings.add('0'), 11]] }] },
  };
};

const EXT_CASES: ExtCase[] = [
  {
    name: 'a valid .BTF.ext', spec: good, codes: [],
    check: (ext) => {
      assert.deepEqual(extRecords(ext.lineInfo, 'xdp').map((r) => [r.insnIdx, r.fileName, r.line, r.column, r.lineText]), [[0, 'prog.c', 7, 3, '  return 0;'], [2, 'prog.c', 8, 1, '  return 0;']]);
      assert.deepEqual(extRecords(ext.coreRelos, 'xdp').map((r) => [r.insnIdx, r.accessString, r.kindName]), [[1, '0:1', 'byte_off'], [3, '0', 'enumval_value']]);
    },
  },
  { name: 'the same, big-endian', spec: (ids) => ({ ...good(ids), littleEndian: false }), codes: ['btf-ext/byte-order'] },
  { name: 'a 24-byte header (no CO-RE block)', spec: (ids) => ({ ...good(ids), coreRelo: undefined, hdrLen: 24 }), codes: [], check: (ext) => assert.equal(ext.coreRelos.length, 0) },
  {
    name: 'records larger than clang writes (newer fields are skipped)',
    spec: (ids) => ({ ...good(ids), funcInfo: { recSize: 12, sections: [{ section: 'xdp', records: [[0, ids.fn, 0xdead]] }] } }),
    codes: [], check: (ext) => assert.equal(ext.funcInfo[0].records[0].name, 'prog'),
  },
  { name: 'no bytes', bytes: () => new Uint8Array(0), codes: ['btf-ext/truncated'] },
  { name: 'bad magic', bytes: (x) => { x[1] = 0; return x; }, codes: ['btf-ext/bad-magic'] },
  { name: 'version 3 and flags', bytes: (x) => { x[2] = 3; x[3] = 1; return x; }, codes: ['btf-ext/bad-flags', 'btf-ext/bad-version'] },
  { name: 'header length past the end', bytes: (x) => { new DataView(x.buffer).setUint32(4, 0xffff, true); return x; }, codes: ['btf-ext/bad-header-length'] },
  { name: 'a block past the end', bytes: (x) => { new DataView(x.buffer).setUint32(20, 0x10000, true); return x; }, codes: ['btf-ext/block-out-of-range'] },
  { name: 'a misaligned block', bytes: (x) => { new DataView(x.buffer).setUint32(8, 2, true); return x; }, codes: ['btf-ext/bad-section-name', 'btf-ext/empty-section', 'btf-ext/misaligned', 'btf-ext/truncated'] },
  { name: 'a record size too small', spec: (ids) => ({ ...good(ids), lineInfo: { recSize: 8, sections: [{ section: 'xdp', records: [[0, 0]] }] } }), codes: ['btf-ext/bad-record-size'] },
  { name: 'a section with no records', spec: (ids) => ({ ...good(ids), funcInfo: { sections: [{ section: 'xdp', records: [] }] } }), codes: ['btf-ext/empty-section'] },
  {
    name: 'a section claiming more records than there are bytes',
    spec: good,
    bytes: (x) => { new DataView(x.buffer).setUint32(32 + 8, 1_000_000, true); return x; },
    codes: ['btf-ext/truncated'],
  },
  { name: 'a misaligned instruction offset', spec: (ids) => ({ ...good(ids), funcInfo: { sections: [{ section: 'xdp', records: [[4, ids.fn]] }] } }), codes: ['btf-ext/misaligned'] },
  { name: 'func_info naming a non-FUNC', spec: (ids) => ({ ...good(ids), funcInfo: { sections: [{ section: 'xdp', records: [[0, ids.s]] }] } }), codes: ['btf-ext/bad-func-info'] },
  { name: 'a bad section name', spec: (ids) => ({ ...good(ids), funcInfo: { sections: [{ section: '', records: [[0, ids.fn]] }] } }), codes: ['btf-ext/bad-section-name'] },
  { name: 'line_info strings out of range', spec: (ids) => ({ ...good(ids), lineInfo: { sections: [{ section: 'xdp', records: [[0, 0xfffff, 0xffffff, 1 << 10]] }] } }), codes: ['btf-ext/bad-string'] },
  {
    name: 'CO-RE records libbpf cannot parse',
    spec: (ids) => ({
      ...good(ids),
      coreRelo: {
        sections: [{
          section: 'xdp',
          records: [
            [0, ids.s, ids.b.strings.add('0:5'), 0], // no member 5
            [8, ids.s, ids.b.strings.add('0:1'), 99], // unknown kind
            [16, ids.s, ids.b.strings.add('0:0'), 8], // type-based with a path
            [24, ids.s, ids.b.strings.add('0'), 10], // enumval on a struct
            [32, 4242, ids.b.strings.add('0'), 0], // no such root type
            [40, ids.s, ids.b.strings.add('0:0:1'), 0], // through an int
          ],
        }],
      },
    }),
    codes: ['btf-ext/bad-core-relo'],
    check: (ext) => assert.equal(ext.coreRelos[0].records.length, 6, 'kept, though unusable'),
  },
];

describe('parseBtfExt on hand-built damage', () => {
  for (const c of EXT_CASES) {
    test(c.name, () => {
      const ids = extBase();
      const spec = (c.spec ?? good)(ids);
      let bytes = buildBtfExt(ids.b, spec);
      const btf = parseBtf(ids.b.bytes()).value;
      if (c.bytes) bytes = c.bytes(bytes);
      const { value, diagnostics } = parseBtfExt(bytes, btf);
      assert.deepEqual(codes(diagnostics), [...c.codes].sort(), diagnostics.map((d) => d.message).join('\n'));
      c.check?.(value);
    });
  }

  test('messages name the block, the section, the record and the instruction', () => {
    const ids = extBase();
    const spec = good(ids);
    spec.coreRelo = { sections: [{ section: 'xdp', records: [[8, ids.s, ids.b.strings.add('0:5'), 0]] }] };
    const bytes = buildBtfExt(ids.b, spec);
    const { diagnostics } = parseBtfExt(bytes, parseBtf(ids.b.bytes()).value);
    assert.equal(diagnostics[0].message, ".BTF.ext core_relo record 0 of section 'xdp' (insn 1): step 1 asks for member 5 of [2] struct pair, which has 2");
  });
});
