// Bundles every entry point into out/: the VS Code client, the language
// server, the debug adapter, the CLI, the benchmark and the in-host e2e test module. `vscode` stays external.
// `--minify` (used by `npm run package`) makes smaller bundles that load faster; source maps stay.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'client/src/extension.ts', out: 'extension' },
  { in: 'server/src/server.ts', out: 'server' },
  { in: 'server/src/verifyWorker.ts', out: 'verifyWorker' },
  { in: 'client/src/debug/adapterMain.ts', out: 'debugAdapter' },
  { in: 'src-vm/cli.ts', out: 'cli' },
  { in: 'bench/bench.ts', out: 'bench' },
  { in: 'test/e2e/host/index.ts', out: 'test/e2e/index' },
].filter((e) => existsSync(e.in));

const watch = process.argv.includes('--watch');
const options = {
  entryPoints: entries,
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  keepNames: true,
  external: ['vscode'],
  logLevel: 'warning',
};

if (watch) {
  const { context } = await import('esbuild');
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
