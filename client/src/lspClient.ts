// Creates the LanguageClient for eBPF assembly and C: the bundled server module
// (out/server.js) over Node IPC, documents of language `ebpf-asm` and C files
// (the server picks the eBPF ones: *.bpf.c, bpf_helpers.h, SEC(…)), settings
// sent as initializationOptions and pulled by the server afterwards; the
// server's own commands run from the palette get the active editor's URI.
// Knows nothing of the extension's commands or lifecycle (ctx.ts).

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { ServerSettings } from '../../server/src/settings';

/** Client id: the language client reads `ebpf.trace.server` from it. */
export const CLIENT_ID = 'ebpf';
export const CLIENT_NAME = 'eBPF Language Server';
export const ASM_LANGUAGE_ID = 'ebpf-asm';
export const C_LANGUAGE_ID = 'c';

/** Where the bundle puts the server, relative to the extension root. */
export const SERVER_MODULE = 'out/server.js';

/** Port of the Node inspector when the extension itself is being debugged. */
const SERVER_INSPECT_PORT = 6009;

export function createLanguageClient(serverModule: string, outputChannel: vscode.LogOutputChannel, settings: ServerSettings): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${SERVER_INSPECT_PORT}`] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and unsaved buffers only: the disassembly view (an `ebpf-disasm:` document) and diff views are not analysed.
    documentSelector: [
      { language: ASM_LANGUAGE_ID, scheme: 'file' },
      { language: ASM_LANGUAGE_ID, scheme: 'untitled' },
      { language: C_LANGUAGE_ID, scheme: 'file' },
      { language: C_LANGUAGE_ID, scheme: 'untitled' },
    ],
    outputChannel,
    initializationOptions: { ebpf: settings },
    middleware: {
      // The server's commands (ebpf.generateVmlinuxH) take the document's URI; from the palette they get none: use the active editor's.
      executeCommand: (command, args, next) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        return next(command, args.length === 0 && active !== undefined ? [active] : args);
      },
    },
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
