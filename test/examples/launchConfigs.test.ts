// The examples' launch configurations (examples/.vscode/launch.json) as a
// user opening examples/ in VS Code gets them: every configuration passes
// the adapter's attribute checks, names files that exist, and runs to its
// end in the built debug adapter (stopping on entry where it asks to) with
// the return value by name and no fault.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launchArgumentProblems, type ILaunchRequestArguments } from '../../client/src/debug/launchArguments';
import { CLANG } from '../support/bpfC';
import { ensureAdapterBuilt, launch, ROOT, startAdapter } from '../debug/adapterSupport';

before(ensureAdapterBuilt);

const EXAMPLES = join(ROOT, 'examples');
type Config = ILaunchRequestArguments & { name: string; type: string; request: string };
const raw = JSON.parse(readFileSync(join(EXAMPLES, '.vscode', 'launch.json'), 'utf8')) as { configurations: Config[] };
/** What a run's debug console must show beyond the return value, by program. */
const EXPECTED_OUTPUT: Record<string, RegExp> = {
  // pid 4242 (0x1092), uid 1000, comm "bash", then the path read from user memory.
  'exec_tracer.bpf.c': /ringbuf events: 92100000e803000062617368[0-9a-f]*2f7573722f62696e2f6261736800/,
};
const CONFIGS = raw.configurations.map((c) => JSON.parse(JSON.stringify(c).replaceAll('${workspaceFolder}', EXAMPLES)) as Config);

test('every example has a launch configuration, and each names files that exist and passes the attribute checks', () => {
  const programs = new Set(CONFIGS.map((c) => c.program.slice(EXAMPLES.length + 1)));
  for (const source of ['xdp_firewall.bpf.c', 'tc_counter.bpf.c', 'socket_filter.bpf.c', 'exec_tracer.bpf.c', 'packet_filter.s']) {
    assert.ok(programs.has(source), `a configuration for ${source}`);
  }
  for (const c of CONFIGS) {
    assert.equal(c.type, 'ebpf');
    assert.deepEqual(launchArgumentProblems(c), [], c.name);
    for (const file of [c.program, c.pcap, c.ctx].filter((f): f is string => typeof f === 'string')) assert.ok(existsSync(file), `${c.name}: ${file}`);
  }
});

for (const config of CONFIGS) {
  test(`the example configuration runs to its end: ${config.name}`, async (t) => {
    if (config.program.endsWith('.c') && !CLANG) return t.skip('clang-19 not found (apt-get install clang-19)');
    const dap = await startAdapter();
    try {
      const { name: _name, type: _type, request: _request, ...args } = config;
      const stopped = config.stopOnEntry ? dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped') : undefined;
      const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
      const response = await launch(dap, args);
      assert.equal(response.success, true, response.message);
      if (stopped) {
        assert.equal((await stopped).body.reason, 'entry');
        await dap.request('continue', { threadId: 1 });
      }
      await exited;
      assert.match(dap.output(), /program exited with r0 = 0x[0-9a-f]+ \(\d+\)/);
      assert.doesNotMatch(dap.output(), /faulted|fault:/);
      const expected = EXPECTED_OUTPUT[config.program.slice(EXAMPLES.length + 1)];
      if (expected) assert.match(dap.output(), expected);
    } finally {
      dap.kill();
    }
  });
}
