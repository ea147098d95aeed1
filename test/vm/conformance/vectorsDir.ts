// Test helper: finds the bpf_conformance vectors (`shared/conformance/` beside
// the repository: CI clones `shared/` next to it) and reads them as latin-1.
// Never skips: a missing directory is an error naming every place looked.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the vectors may be: first `../shared/conformance` from the working directory, then upward from this file. */
export function conformanceCandidates(): string[] {
  const candidates = [resolve(process.cwd(), '../shared/conformance')];
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'shared', 'conformance'));
    if (dirname(dir) === dir) break;
  }
  return [...new Set(candidates)];
}

/** `<root>/tests` or `<root>/negative` of the conformance vectors; throws, saying where it looked, if absent. */
export function conformanceDir(sub: 'tests' | 'negative'): string {
  const candidates = conformanceCandidates();
  const found = candidates.map((c) => join(c, sub)).find((dir) => existsSync(dir));
  if (!found) {
    throw new Error(`bpf_conformance vectors not found: no ${sub}/ directory in any of\n  ${candidates.join('\n  ')}\n` +
      'Clone the shared/ directory beside the repository (shared/conformance/tests/*.data).');
  }
  return found;
}

/** The `.data` files of a vectors directory, sorted by name. */
export function vectorFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.data') && f.startsWith(prefix)).sort();
}

/** A vector's text, read as latin-1 (13 files carry a stray 0x7f byte in a comment). */
export function readVector(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'latin1');
}
