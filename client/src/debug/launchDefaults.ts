// What the editor adds to an `ebpf` launch configuration before the adapter
// sees it (the DebugConfigurationProvider in activateDebug.ts): a
// configuration for the active file when there is no launch.json, and the
// language server's clang settings (`ebpf.c.*`) as the defaults of the C
// attributes, so a launch compiles as the editor's squiggles do. Pure: the
// settings and the active file come in as plain data; must not import vscode.

import type { ServerSettings } from '../../../server/src/settings';

/** A launch configuration as VS Code hands it over (any attributes). */
export type LaunchConfiguration = Record<string, unknown> & { type?: string; request?: string; name?: string };

/** Languages whose files F5 debugs without a launch.json. */
const DEBUGGABLE_LANGUAGES: readonly string[] = ['ebpf-asm', 'c'];

/** The configuration F5 starts when there is none (VS Code passes `{}`); undefined when the active file is not a program. */
export function defaultLaunchConfiguration(active: { languageId: string } | undefined): LaunchConfiguration | undefined {
  if (!active || !DEBUGGABLE_LANGUAGES.includes(active.languageId)) return undefined;
  return { type: 'ebpf', request: 'launch', name: 'Debug eBPF program', program: '${file}', stopOnEntry: true };
}

/** `config` with each C attribute it leaves out taken from the settings (when the setting is not empty). */
export function withCompileDefaults(config: LaunchConfiguration, c: Pick<ServerSettings['c'], 'clangPath' | 'includePaths' | 'extraArgs'>): LaunchConfiguration {
  const out: LaunchConfiguration = { ...config };
  if (out.clang === undefined && c.clangPath !== '') out.clang = c.clangPath;
  if (out.includePaths === undefined && c.includePaths.length > 0) out.includePaths = [...c.includePaths];
  if (out.cflags === undefined && c.extraArgs.length > 0) out.cflags = [...c.extraArgs];
  return out;
}

/** Whether VS Code handed over no configuration at all (F5 without a launch.json). */
export function isEmptyConfiguration(config: LaunchConfiguration): boolean {
  return config.type === undefined && config.request === undefined && config.name === undefined;
}
