// parseSettings: the `ebpf` settings object from the client, defaults for
// anything missing or mistyped, and clamping of the debounce delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEBOUNCE_RANGE_MS, DEFAULT_SETTINGS, parseSettings } from '../../server/src/settings';

type AsmExpect = { debounceMs: number; dialect: string };
const CASES: [string, unknown, AsmExpect][] = [
  ['undefined', undefined, { debounceMs: 200, dialect: 'auto' }],
  ['null', null, { debounceMs: 200, dialect: 'auto' }],
  ['empty object', {}, { debounceMs: 200, dialect: 'auto' }],
  ['asm not an object', { asm: 5 }, { debounceMs: 200, dialect: 'auto' }],
  ['both set', { asm: { debounceMs: 50, dialect: 'conformance' } }, { debounceMs: 50, dialect: 'conformance' }],
  ['llvm dialect', { asm: { dialect: 'llvm' } }, { debounceMs: 200, dialect: 'llvm' }],
  ['unknown dialect', { asm: { dialect: 'intel' } }, { debounceMs: 200, dialect: 'auto' }],
  ['debounce as string', { asm: { debounceMs: '300' } }, { debounceMs: 200, dialect: 'auto' }],
  ['debounce NaN', { asm: { debounceMs: Number.NaN } }, { debounceMs: 200, dialect: 'auto' }],
  ['negative debounce clamps to 0', { asm: { debounceMs: -10 } }, { debounceMs: DEBOUNCE_RANGE_MS.min, dialect: 'auto' }],
  ['huge debounce clamps', { asm: { debounceMs: 1e9 } }, { debounceMs: DEBOUNCE_RANGE_MS.max, dialect: 'auto' }],
  ['fractional debounce rounds', { asm: { debounceMs: 12.6 } }, { debounceMs: 13, dialect: 'auto' }],
];

for (const [name, raw, expected] of CASES) {
  test(`parseSettings: ${name}`, () => {
    assert.deepEqual(parseSettings(raw).asm, { ...expected, programType: '' });
  });
}

test('defaults are what parseSettings gives for nothing', () => {
  assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
});

test('C and verifier settings: values kept, wrong types fall back, empty strings dropped from lists', () => {
  const parsed = parseSettings({
    asm: { programType: ' xdp ' },
    c: { clangPath: '/opt/clang', extraArgs: ['-DX=1', 3, ''], includePaths: 'not a list', files: ['**/*.c'], debounceMs: 9000, vmlinuxBtf: ' /tmp/btf ', bpftoolPath: 7 },
    verifier: { enabled: false },
    inlayHints: { registerChanges: true },
  });
  assert.deepEqual(parsed.asm.programType, 'xdp');
  assert.deepEqual(parsed.c, { clangPath: '/opt/clang', extraArgs: ['-DX=1'], includePaths: [], files: ['**/*.c'], debounceMs: DEBOUNCE_RANGE_MS.max,
    vmlinuxBtf: '/tmp/btf', bpftoolPath: '',
  });
  assert.equal(parsed.verifier.enabled, false);
  assert.equal(parsed.inlayHints.registerChanges, true);
  assert.deepEqual(parseSettings({ inlayHints: { registerChanges: 1 } }).inlayHints, { registerChanges: false });
  assert.deepEqual(parseSettings({ verifier: { enabled: 'no' } }).verifier, DEFAULT_SETTINGS.verifier);
});
