// Tests for client/src/debug/launchDefaults.ts: the configuration F5 starts
// without a launch.json, and the C attributes defaulting to the language
// server's `ebpf.c.*` settings without overriding what the user wrote.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLaunchConfiguration, isEmptyConfiguration, withCompileDefaults } from '../../client/src/debug/launchDefaults';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

const SETTINGS = { clangPath: '/usr/bin/clang-19', includePaths: ['/inc'], extraArgs: ['-DDEBUG'] };

const DEFAULTS: { name: string; config: Record<string, unknown>; c: typeof SETTINGS; expected: Record<string, unknown> }[] = [
  { name: 'settings fill what is missing', config: { program: '/p/x.c' }, c: SETTINGS, expected: { program: '/p/x.c', clang: '/usr/bin/clang-19', includePaths: ['/inc'], cflags: ['-DDEBUG'] } },
  { name: 'attributes win', config: { program: '/p/x.c', clang: 'clang', includePaths: [], cflags: ['-O1'] }, c: SETTINGS, expected: { program: '/p/x.c', clang: 'clang', includePaths: [], cflags: ['-O1'] } },
  { name: 'empty settings add nothing', config: { program: '/p/x.c' }, c: DEFAULT_SETTINGS.c, expected: { program: '/p/x.c' } },
];

for (const c of DEFAULTS) {
  test(`withCompileDefaults: ${c.name}`, () => {
    const before = structuredClone(c.config);
    assert.deepEqual(withCompileDefaults(c.config, c.c), c.expected);
    assert.deepEqual(c.config, before, 'the configuration handed in is not changed');
  });
}

test('defaultLaunchConfiguration: the active assembly or C file, else nothing', () => {
  for (const languageId of ['ebpf-asm', 'c']) {
    assert.deepEqual(defaultLaunchConfiguration({ languageId }), { type: 'ebpf', request: 'launch', name: 'Debug eBPF program', program: '${file}', stopOnEntry: true });
  }
  assert.equal(defaultLaunchConfiguration({ languageId: 'python' }), undefined);
  assert.equal(defaultLaunchConfiguration(undefined), undefined);
  assert.equal(isEmptyConfiguration({}), true);
  assert.equal(isEmptyConfiguration({ type: 'ebpf', request: 'launch', name: 'x' }), false);
});
