// The stand-alone debug adapter: VS Code starts `node out/debugAdapter.js` and
// speaks DAP with it over stdin/stdout. Nothing else may write to stdout.
// Like vscode-mock-debug's debugAdapter.ts, it builds the session itself so
// the file accessor is explicit (DebugSession.run would construct it with
// `false`). Must not import vscode.

import { EbpfDebugSession } from './ebpfDebugSession';
import { nodeFileAccessor } from './fileAccessor';

const session = new EbpfDebugSession(nodeFileAccessor);
process.on('SIGTERM', () => session.shutdown());
session.start(process.stdin, process.stdout);
