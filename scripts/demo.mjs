// `npm run demo`: the main job on a bundled example. Assembles
// examples/packet_filter.s into an ELF object, disassembles the object, and
// runs the program on two packets (ssh is dropped, http passes). Uses the
// built CLI, exactly as a user would.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('out/examples', { recursive: true });

const steps = [
  ['asm', 'examples/packet_filter.s', '-o', 'out/examples/packet_filter.o', '--section', 'xdp'],
  ['disasm', 'out/examples/packet_filter.o'],
  ['run', 'examples/packet_filter.s', '--mem-file', 'examples/packets/ssh_syn.hex'],
  ['run', 'examples/packet_filter.s', '--mem-file', 'examples/packets/http_syn.hex', '--json'],
];

for (const args of steps) {
  console.log(`\n$ ebpf-workbench ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['out/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`demo: step failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}
