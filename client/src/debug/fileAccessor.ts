// How the debug session reads the program it is asked to launch. Injected, as
// in vscode-mock-debug, so the stand-alone adapter reads through node's fs and
// an inline adapter can read through the editor's file system instead.

import { readFile } from 'node:fs/promises';

export type ReadResult = { text: string } | { missing: true } | { error: string };

export interface FileAccessor {
  /** The file's text; `missing` when there is no such file, `error` for any other failure. */
  readText(path: string): Promise<ReadResult>;
}

/** Reads with node's fs; the text is decoded as UTF-8. */
export const nodeFileAccessor: FileAccessor = {
  async readText(path: string): Promise<ReadResult> {
    try {
      return { text: await readFile(path, 'utf8') };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { missing: true };
      if (err.code === 'EISDIR') return { error: 'it is a directory' };
      return { error: err.message };
    }
  },
};
