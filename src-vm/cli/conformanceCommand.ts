// `conformance DIR|FILE…`: runs bpf_conformance `.data` vectors on the
// interpreter, prints each failure, and ends with `N passed, M failed`.

import { parseVectorFile } from '../conformance/vectorFile';
import { runVector } from '../conformance/runVector';
import { CliError, EXIT, readText, type CliIo, type ExitCode } from './io';

/** The `.data` files named: directories expand to their `.data` entries, sorted. */
export function vectorFiles(io: CliIo, paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const entries = io.listDir(path);
    if (entries === undefined) files.push(path);
    else files.push(...entries.filter((e) => e.endsWith('.data')).sort().map((e) => `${path.replace(/\/$/, '')}/${e}`));
  }
  return files;
}

export function conformanceCommand(io: CliIo, paths: readonly string[]): ExitCode {
  if (paths.length === 0) throw new CliError(EXIT.USAGE, 'conformance: name a directory or .data files');
  const files = vectorFiles(io, paths);
  if (files.length === 0) throw new CliError(EXIT.USAGE, `conformance: no .data files in ${paths.join(' ')}`);
  let passed = 0, failed = 0, skipped = 0;
  for (const file of files) {
    const parsed = parseVectorFile(readText(io, file));
    const outcome = runVector(parsed.value);
    if (outcome.status === 'pass') passed++;
    else if (outcome.status === 'skip') { skipped++; io.out(`SKIP ${file}: ${outcome.message}`); }
    else { failed++; io.out(`FAIL ${file}: ${outcome.message}`); }
  }
  io.out(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed > 0 ? EXIT.REJECTED : EXIT.OK;
}
