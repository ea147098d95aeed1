// `npm run demo`: the main job on the bundled examples, with the built CLI
// exactly as a user would run it, on a machine that has only Node (the C
// examples come prebuilt in examples/prebuilt/; `npm run examples` remakes
// them with clang-19):
//   1. verify the XDP firewall with our verifier (the kernel's rules, no root);
//   2. run it on a capture of seven frames, with a blocked prefix in its LPM
//      map, and print each verdict and the maps after;
//   3. verify the other examples, then a broken one: the kernel's message on
//      the C line that causes it;
//   4. assemble, disassemble and run the assembly example on two packets.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('out/examples', { recursive: true });

/** [arguments, the exit code that step is meant to end with] */
const steps = [
  [['verify', 'examples/prebuilt/xdp_firewall.bpf.o', '--log-level', '0'], 0],
  [['run', 'examples/prebuilt/xdp_firewall.bpf.o', '--pcap', 'examples/packets/firewall.pcap', '--ctx', 'examples/xdp_firewall.ctx.json'], 0],
  [['verify', 'examples/prebuilt/tc_counter.bpf.o', '--log-level', '0'], 0],
  [['verify', 'examples/prebuilt/socket_filter.bpf.o', '--log-level', '0'], 0],
  [['verify', 'examples/prebuilt/exec_tracer.bpf.o', '--log-level', '0'], 0],
  [['verify', 'examples/prebuilt/xdp_unchecked.bpf.o', '--log-level', '1'], 1],
  [['asm', 'examples/packet_filter.s', '-o', 'out/examples/packet_filter.o', '--section', 'xdp'], 0],
  [['disasm', 'out/examples/packet_filter.o'], 0],
  [['run', 'examples/packet_filter.s', '--mem-file', 'examples/packets/ssh_syn.hex'], 0],
  [['run', 'examples/packet_filter.s', '--mem-file', 'examples/packets/http_syn.hex', '--json'], 0],
];

for (const [args, expected] of steps) {
  console.log(`\n$ ebpf-workbench ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['out/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== expected) {
    console.error(`demo: step ended with exit code ${r.status}, expected ${expected}`);
    process.exit(r.status || 1);
  }
  if (expected !== 0) console.log(`(exit code ${r.status}: rejected, as this example is meant to be)`);
}
