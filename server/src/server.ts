// The eBPF language server's entry point: connection and document wiring
// only. Documents are analysed by documentAnalyzer.ts (assembly assembled,
// C compiled with clang, both verified on worker threads), diagnostics built
// by toDiagnostics.ts / verifierDiagnostics.ts / cDocument.ts, hovers by
// hover.ts and verifierHover.ts, CodeLens and symbols by programFeatures.ts,
// completions by completion.ts, the custom requests of protocol.ts by
// programVerdicts.ts and verifierLogRequest.ts. Runs as `node out/server.js --stdio` (or --node-ipc).

import { join } from 'node:path';
import {
  CodeActionKind, createConnection, DidChangeConfigurationNotification, MarkupKind, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type Hover, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { insnAtLine } from './analyze';
import { codeActions } from './codeActions';
import { asmDefinition, asmFoldingRanges } from './asmNavigation';
import { registerChangeHints } from './inlayHints';
import { asmCompletions, cCompletions } from './completion';
import { DocumentAnalyzer } from './documentAnalyzer';
import { asmHover } from './hover';
import { asmSymbols, cSymbols, programLenses } from './programFeatures';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './settings';
import { VerifierPool } from './verifierPool';
import { asmStateMarkdown, cHover } from './verifierHover';
import { generateVmlinuxH, GENERATE_VMLINUX_COMMAND } from './vmlinuxH';
import { pathOf } from './documentAnalyzer';
import {
  PROGRAMS_REQUEST, VERIFIED_NOTIFICATION, VERIFIER_LOG_REQUEST, VERIFY_REQUEST,
  type ProgramsParams, type ProgramsResult, type VerifiedParams, type VerifierLogParams, type VerifierLogResult, type VerifyParams, type VerifyResult,
} from './protocol';
import { programVerdicts, PublishedCounts } from './programVerdicts';
import { verifierLogRequest } from './verifierLogRequest';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const logError = (message: string): void => connection.console.error(message);

/** Documents verified at once; more wait their turn (each on its own thread, so a 1M-insn run holds up no other). */
const VERIFIER_THREADS = 2;
const pool = new VerifierPool(join(__dirname, 'verifyWorker.js'), VERIFIER_THREADS, logError);

let settings: ServerSettings = DEFAULT_SETTINGS;
/** Errors and warnings published last per document, for the status bar's `ebpf/programs`. */
const published = new PublishedCounts();
let canPullConfiguration = false;
let canRefreshInlayHints = false;
let canRefreshCodeLens = false;

const analyzer = new DocumentAnalyzer({
  pool,
  log: logError,
  settings: () => settings,
  publish: (uri, version, diagnostics) => {
    if (documents.get(uri)?.version !== version) return;
    void connection.sendDiagnostics({ uri, version, diagnostics });
    published.record(uri, version, diagnostics);
    void connection.sendNotification(VERIFIED_NOTIFICATION, { uri, version } satisfies VerifiedParams);
    if (settings.inlayHints.registerChanges && canRefreshInlayHints) void connection.languages.inlayHint.refresh();
    // New verifier results change each program's verdict lens: ask the client to pull them again.
    if (canRefreshCodeLens) void connection.sendRequest('workspace/codeLens/refresh');
  },
});

/** Runs a handler; a throw is logged and answered with `fallback`, so one bad request never kills the server. */
function guarded<T>(what: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (err) {
    logError(`internal error in ${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return fallback;
  }
}

async function refreshSettings(pushed?: unknown): Promise<void> {
  if (canPullConfiguration) {
    settings = parseSettings(await connection.workspace.getConfiguration('ebpf'));
  } else if (pushed !== undefined) {
    settings = parseSettings(pushed);
  }
  for (const doc of documents.all()) analyzer.analyzeNow(doc, true);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  canPullConfiguration = caps.workspace?.configuration === true && caps.workspace.didChangeConfiguration?.dynamicRegistration === true;
  canRefreshInlayHints = caps.workspace?.inlayHint?.refreshSupport === true;
  canRefreshCodeLens = caps.workspace?.codeLens?.refreshSupport === true;
  settings = parseSettings((params.initializationOptions as { ebpf?: unknown } | undefined)?.ebpf);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['%'] },
      codeLensProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      executeCommandProvider: { commands: [GENERATE_VMLINUX_COMMAND] },
      definitionProvider: true,
      foldingRangeProvider: true,
      inlayHintProvider: true,
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

documents.onDidOpen((e) => guarded('open', undefined, () => analyzer.analyzeNow(e.document, true)));
documents.onDidChangeContent((e) => guarded('change', undefined, () => analyzer.changed(e.document, () => documents.get(e.document.uri))));
documents.onDidSave((e) => guarded('save', undefined, () => analyzer.analyzeNow(e.document)));

documents.onDidClose((e) => {
  const uri = e.document.uri;
  const hadResults = analyzer.resultsOf(uri) !== undefined;
  analyzer.closed(uri);
  published.forget(uri);
  if (hadResults) void connection.sendDiagnostics({ uri, diagnostics: [] });
});

function hoverAt(doc: TextDocument, position: { line: number; character: number }): Hover | null {
  const kind = analyzer.kindOf(doc);
  const verified = analyzer.resultsOf(doc.uri)?.verify;
  if (kind === 'c') return cHover(verified, doc.getText(), position) ?? null;
  if (kind !== 'asm') return null;
  const analysis = analyzer.asmAnalysis(doc);
  const hover = asmHover(analysis, doc.getText(), position);
  const ref = insnAtLine(analysis, position.line);
  const states = ref && asmStateMarkdown(verified, ref.section.name, ref.slot);
  if (!hover || !states || hover.contents === null || typeof hover.contents !== 'object' || !('kind' in hover.contents)) return hover ?? null;
  return { ...hover, contents: { kind: MarkupKind.Markdown, value: `${hover.contents.value}\n\n${states}` } };
}

connection.onHover((params) => guarded('hover', null, () => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? hoverAt(doc, params.position) : null;
}));

connection.onCompletion((params) => guarded('completion', [], () => {
  const doc = documents.get(params.textDocument.uri);
  const kind = doc && analyzer.kindOf(doc);
  if (!doc || kind === 'none') return [];
  if (kind === 'c') return cCompletions(doc.getText(), params.position);
  return asmCompletions(doc.getText(), params.position, analyzer.asmAnalysis(doc).dialect);
}));

connection.onCodeLens((params) => guarded('codeLens', [], () => {
  const doc = documents.get(params.textDocument.uri);
  const kind = doc && analyzer.kindOf(doc);
  if (!doc || kind === 'none' || kind === undefined) return [];
  return programLenses(analyzer.resultsOf(doc.uri)?.verify, doc.uri);
}));

connection.onDocumentSymbol((params) => guarded('documentSymbol', [], () => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const kind = analyzer.kindOf(doc);
  if (kind === 'asm') return asmSymbols(analyzer.asmAnalysis(doc), doc.getText());
  return kind === 'c' ? cSymbols(doc.getText()) : [];
}));

connection.onCodeAction((params) => guarded('codeAction', [], () => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const kind = analyzer.kindOf(doc);
  const results = analyzer.resultsOf(doc.uri);
  const verified = results?.verifiedVersion === doc.version ? results.verify : undefined;
  const dialect = kind === 'asm' ? analyzer.asmAnalysis(doc).dialect : undefined;
  return codeActions({ uri: doc.uri, kind, text: doc.getText(), verified, dialect, diagnostics: params.context.diagnostics });
}));

/** ebpf.generateVmlinuxH [uri]: writes vmlinux.h next to the document, then verifies every open C document again. */
async function generateVmlinux(uri: unknown): Promise<{ path: string } | { error: string }> {
  if (typeof uri !== 'string') return { error: `${GENERATE_VMLINUX_COMMAND} needs the document's URI as its argument` };
  const outcome = await generateVmlinuxH(pathOf(uri), settings.c);
  if ('error' in outcome) {
    logError(outcome.error);
    void connection.window.showErrorMessage(outcome.error);
    return outcome;
  }
  connection.console.info(`wrote ${outcome.path} (${outcome.bytes} bytes)`);
  for (const doc of documents.all()) if (analyzer.kindOf(doc) === 'c') analyzer.analyzeNow(doc, true);
  return { path: outcome.path };
}

connection.onExecuteCommand(async (params) => {
  if (params.command !== GENERATE_VMLINUX_COMMAND) return { error: `unknown command ${params.command}` };
  try {
    return await generateVmlinux(params.arguments?.[0]);
  } catch (err) {
    logError(`internal error in ${params.command}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return { error: String(err) };
  }
});

connection.onDefinition((params) => guarded('definition', null, () => {
  const doc = documents.get(params.textDocument.uri);
  return doc && analyzer.kindOf(doc) === 'asm' ? asmDefinition(doc.uri, doc.getText(), params.position) : null;
}));

connection.onRequest(PROGRAMS_REQUEST, (params: ProgramsParams): ProgramsResult => guarded('programs', programVerdicts(params.uri, undefined, undefined), () =>
  programVerdicts(params.uri, analyzer.resultsOf(params.uri), published.of(params.uri))));

connection.onRequest(VERIFY_REQUEST, (params: VerifyParams): VerifyResult => guarded('verify', { started: false }, () => {
  const doc = documents.get(params.uri);
  if (!doc || analyzer.kindOf(doc) === 'none') return { started: false };
  analyzer.analyzeNow(doc, true);
  return { started: true };
}));

connection.onRequest(VERIFIER_LOG_REQUEST, async (params: VerifierLogParams): Promise<VerifierLogResult> => {
  try {
    return await verifierLogRequest({ pool, results: (uri) => analyzer.resultsOf(uri), text: (uri) => documents.get(uri)?.getText() }, params);
  } catch (err) {
    logError(`internal error in ${VERIFIER_LOG_REQUEST}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return { error: String(err) };
  }
});

connection.onFoldingRanges((params) => guarded('foldingRange', [], () => {
  const doc = documents.get(params.textDocument.uri);
  return doc && analyzer.kindOf(doc) === 'asm' ? asmFoldingRanges(analyzer.asmAnalysis(doc), doc.getText()) : [];
}));

connection.languages.inlayHint.on((params) => guarded('inlayHint', [], () => {
  const doc = documents.get(params.textDocument.uri);
  const results = doc && analyzer.resultsOf(doc.uri);
  if (!doc || !settings.inlayHints.registerChanges || !results?.verify || results.verifiedVersion !== doc.version) return [];
  return registerChangeHints(results.verify, doc.getText(), { start: params.range.start.line, end: params.range.end.line });
}));

connection.onShutdown(() => {
  analyzer.dispose();
  pool.dispose();
});

process.on('uncaughtException', (err) => logError(`uncaught exception: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => logError(`unhandled rejection: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));

documents.listen(connection);
connection.listen();
