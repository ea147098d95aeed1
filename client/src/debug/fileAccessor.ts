// How the debug session reads the program it is asked to launch. Injected, as
// in vscode-mock-debug, so the stand-alone adapter reads through node's fs and
// an inline adapter can read through the editor's file system instead.
// Object files and pcaps are read as bytes, programs and JSON as text.

import { readFile } from 'node:fs/promises';

export type ReadResult = { text: string } | { missing: true } | { error: string };
export type ReadBytesResult = { bytes: Uint8Array } | { missing: true } | { error: string };

export interface FileAccessor {
  /** The file's text; `missing` when there is no such file, `error` for any other failure. */
  readText(path: string): Promise<ReadResult>;
  /** The file's bytes (an object file, a pcap), with the same failures. */
  readBytes(path: string): Promise<ReadBytesResult>;
}

function failure(e: unknown): { missing: true } | { error: string } {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return { missing: true };
  if (err.code === 'EISDIR') return { error: 'it is a directory' };
  return { error: err.message };
}

/** Reads with node's fs; the text is decoded as UTF-8. */
export const nodeFileAccessor: FileAccessor = {
  async readText(path: string): Promise<ReadResult> {
    try {
      return { text: await readFile(path, 'utf8') };
    } catch (e) {
      return failure(e);
    }
  },
  async readBytes(path: string): Promise<ReadBytesResult> {
    try {
      return { bytes: new Uint8Array(await readFile(path)) };
    } catch (e) {
      return failure(e);
    }
  },
};
