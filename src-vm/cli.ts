#!/usr/bin/env node
// The `ebpf-workbench` command-line entry: node's fs and stdio wired into the
// pure command layer in src-vm/cli/. With cli/clang.ts (clang, shared with
// the language server), the only src-vm file that touches fs. `remote …`
// goes to client/src/remote (ssh2, async), which src-vm proper must not import.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { compileCFile, type CompileResult } from './cli/clang';
import type { CliIo } from './cli/io';
import { runCli } from './cli/main';
import { runRemoteCli } from '../client/src/remote/remoteCli';

function compileC(path: string): CompileResult {
  return compileCFile(path);
}

const nodeIo: CliIo = {
  compileC,
  readFile: (path) => new Uint8Array(readFileSync(path)),
  writeFile: (path, data) => writeFileSync(path, data),
  listDir: (path) => {
    try {
      return statSync(path).isDirectory() ? readdirSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

const argv = process.argv.slice(2);
if (argv[0] === 'remote') void runRemoteCli(nodeIo, argv.slice(1)).then((code) => { process.exitCode = code; });
else process.exitCode = runCli(nodeIo, argv);
