// The eBPF language server's entry point: connection and document wiring
// only. Documents are assembled through analyze.ts (debounced on change),
// diagnostics converted by toDiagnostics.ts, hovers by hover.ts, completions
// by completion.ts. Runs as `node out/server.js --stdio` (or --node-ipc).

import {
  createConnection, DidChangeConfigurationNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type Diagnostic as LspDiagnostic, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, internalErrorDiagnostic, soleSectionLocator } from './analyze';
import { asmCompletions } from './completion';
import { nodeDebouncer } from './debounce';
import { asmHover } from './hover';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './settings';
import { toLspDiagnostics } from './toDiagnostics';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const logError = (message: string): void => connection.console.error(message);
const cache = new AnalysisCache(logError);
const debouncer = nodeDebouncer();
/** Version of each document whose diagnostics were last sent, so an open is not published twice. */
const publishedVersion = new Map<string, number>();

let settings: ServerSettings = DEFAULT_SETTINGS;
let canPullConfiguration = false;

/** Runs a handler; a throw is logged and answered with `fallback`, so one bad request never kills the server. */
function guarded<T>(what: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (err) {
    logError(`internal error in ${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return fallback;
  }
}

function diagnosticsOf(doc: TextDocument): LspDiagnostic[] {
  try {
    const analysis = cache.analysisOf(doc, settings.asm.dialect);
    return toLspDiagnostics(analysis.diagnostics, soleSectionLocator(analysis));
  } catch (err) {
    return toLspDiagnostics([internalErrorDiagnostic(err, 'converting diagnostics', logError)]);
  }
}

function publishDiagnostics(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  publishedVersion.set(uri, doc.version);
  void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: diagnosticsOf(doc) });
}

async function refreshSettings(pushed?: unknown): Promise<void> {
  if (canPullConfiguration) {
    settings = parseSettings(await connection.workspace.getConfiguration('ebpf'));
  } else if (pushed !== undefined) {
    settings = parseSettings(pushed);
  }
  for (const doc of documents.all()) publishDiagnostics(doc.uri);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  canPullConfiguration = caps.workspace?.configuration === true && caps.workspace.didChangeConfiguration?.dynamicRegistration === true;
  settings = parseSettings((params.initializationOptions as { ebpf?: unknown } | undefined)?.ebpf);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['%'] },
    },
    serverInfo: { name: 'ebpf-workbench-server' },
  };
});

connection.onInitialized(() => {
  if (!canPullConfiguration) return;
  void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  void refreshSettings().catch((err: unknown) => logError(`could not read settings: ${String(err)}`));
});

connection.onDidChangeConfiguration((change) => {
  const pushed = (change.settings as { ebpf?: unknown } | null | undefined)?.ebpf;
  void refreshSettings(pushed).catch((err: unknown) => logError(`could not read settings: ${String(err)}`));
});

documents.onDidOpen((e) => publishDiagnostics(e.document.uri));

documents.onDidChangeContent((e) => {
  const uri = e.document.uri;
  if (publishedVersion.get(uri) === e.document.version) return;
  debouncer.schedule(uri, settings.asm.debounceMs, () => publishDiagnostics(uri));
});

documents.onDidClose((e) => {
  const uri = e.document.uri;
  debouncer.cancel(uri);
  cache.forget(uri);
  publishedVersion.delete(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
});

connection.onHover((params) => guarded('hover', null, () => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const analysis = cache.analysisOf(doc, settings.asm.dialect);
  return asmHover(analysis, doc.getText(), params.position) ?? null;
}));

connection.onCompletion((params) => guarded('completion', [], () => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  return asmCompletions(doc.getText(), params.position, cache.analysisOf(doc, settings.asm.dialect).dialect);
}));

connection.onShutdown(() => debouncer.cancelAll());

process.on('uncaughtException', (err) => logError(`uncaught exception: ${err.stack ?? err.message}`));

documents.listen(connection);
connection.listen();
