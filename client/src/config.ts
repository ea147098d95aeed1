// Typed getters for the `ebpf.*` settings the client reads, and which of them
// only take effect after a server restart. Parsing and defaults live in
// server/src/settings.ts so the client and server agree. Imports vscode.

import * as vscode from 'vscode';
import { parseSettings, type ServerSettings } from '../../server/src/settings';
import type { VerifierLogLevel } from '../../server/src/protocol';

export const CONFIG_SECTION = 'ebpf';

/**
 * Settings that need a server restart. Everything the server reads
 * (`ebpf.asm.*`, `ebpf.c.*`, `ebpf.verifier.*`) it pulls again on change, and `ebpf.trace.server` is applied
 * by the language client itself, so none do yet.
 */
export const RESTART_REQUIRED: readonly string[] = [];

export type TraceSetting = 'off' | 'messages' | 'verbose';

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(CONFIG_SECTION);
}

/** The `ebpf` settings as the language server reads them (sent as initializationOptions). */
export function serverSettings(): ServerSettings {
  return parseSettings({ asm: section().get<unknown>('asm'), c: section().get<unknown>('c'), verifier: section().get<unknown>('verifier'), inlayHints: section().get<unknown>('inlayHints') });
}

export function traceServer(): TraceSetting {
  const value = section().get<string>('trace.server');
  return value === 'messages' || value === 'verbose' ? value : 'off';
}

/** `ebpf.verifierLog.level`: 2 prints every instruction of every path (`bpftool -d`), 1 only the failing or last path. */
export function verifierLogLevel(): VerifierLogLevel {
  return section().get<number>('verifierLog.level') === 1 ? 1 : 2;
}

/** Whether a configuration change touches a setting that needs a restart. */
export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return RESTART_REQUIRED.some((key) => event.affectsConfiguration(key));
}
