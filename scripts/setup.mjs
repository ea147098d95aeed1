// `npm run setup`: installs what the tests need on a fresh machine — the npm
// dependencies (npm ci) and, when running as root on Debian/Ubuntu, the system
// packages (clang-19/llvm-19 for C fixtures and llvm-mc comparisons, bpftool
// for loading into the live kernel, libbpf headers, openssh-server for the
// remote test box tests' loopback sshd, chromium and libkrb5-dev for the
// end-to-end tests), then Node 24 + code-server for those tests into
// ~/.cache/ebpf-workbench-e2e (scripts/e2e-setup.mjs). Idempotent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { APT_PACKAGES as E2E_APT_PACKAGES, CHROMIUM as E2E_CHROMIUM, installE2eTools } from './e2e-setup.mjs';

const APT_PACKAGES = ['clang-19', 'llvm-19', 'bpftool', 'libbpf-dev', 'linux-libc-dev', 'openssh-server', ...E2E_APT_PACKAGES];

function run(cmd, args, env = process.env) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`setup: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function missingPackages() {
  return APT_PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
}

function installSystemPackages() {
  if (!existsSync('/usr/bin/apt-get')) {
    console.log(`setup: not a Debian/Ubuntu machine; install these yourself if tests skip: ${APT_PACKAGES.join(' ')}`);
    return;
  }
  const missing = missingPackages();
  if (missing.length === 0) {
    console.log('setup: system packages already installed');
    return;
  }
  if (process.getuid?.() !== 0) {
    console.log(`setup: not root; to run every test, install: sudo apt-get install -y ${missing.join(' ')}`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], env);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], env);
}

installSystemPackages();
run('npm', ['ci', '--no-audit', '--no-fund']);
installEndToEndTools();

/** Node 24 + code-server for the e2e suite; fatal only where setup could install everything (root on Debian). */
function installEndToEndTools() {
  const couldInstallAll = existsSync('/usr/bin/apt-get') && process.getuid?.() === 0;
  try {
    if (!existsSync(E2E_CHROMIUM)) throw new Error(`${E2E_CHROMIUM} is missing`);
    installE2eTools();
  } catch (err) {
    const why = `the end-to-end test tools did not install: ${err instanceof Error ? err.message : String(err)}`;
    if (couldInstallAll) {
      console.error(`setup: ${why}`);
      process.exit(1);
    }
    console.log(`setup: ${why}; npm run test:e2e will skip its scenarios`);
  }
}
