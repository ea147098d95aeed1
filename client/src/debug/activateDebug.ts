// Registers the `ebpf` debugger with VS Code: the configuration provider
// (launch.json defaults from launchDefaults.ts, filled with the `ebpf.c.*`
// settings) and the inline adapter, an EbpfDebugSession in the extension host.
// The stand-alone adapter (`node out/debugAdapter.js`, adapterMain.ts) is what
// package.json declares for other DAP clients; the launch attributes are the
// same in both. Imports vscode.

import * as vscode from 'vscode';
import { serverSettings } from '../config';
import { EbpfDebugSession } from './ebpfDebugSession';
import { nodeFileAccessor } from './fileAccessor';
import { defaultLaunchConfiguration, isEmptyConfiguration, withCompileDefaults, type LaunchConfiguration } from './launchDefaults';

export const DEBUG_TYPE = 'ebpf';

class EbpfConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    let resolved: LaunchConfiguration = config;
    if (isEmptyConfiguration(config)) {
      const editor = vscode.window.activeTextEditor;
      const fallback = defaultLaunchConfiguration(editor?.document);
      if (!fallback) {
        void vscode.window.showInformationMessage('Open an eBPF assembly or C file to debug it, or add an "ebpf" configuration to launch.json.');
        return undefined;
      }
      resolved = fallback;
    }
    return withCompileDefaults(resolved, serverSettings().c) as vscode.DebugConfiguration;
  }
}

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    return new vscode.DebugAdapterInlineImplementation(new EbpfDebugSession(nodeFileAccessor));
  }
}

/** The registrations, for the extension's cleanups. */
export function activateDebug(): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new EbpfConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new InlineAdapterFactory()),
  ];
}
