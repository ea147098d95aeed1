// The custom LSP messages between the eBPF client and server, imported by
// both sides (as rust-analyzer's lsp_ext.ts mirrors lsp_ext.rs): method names
// and plain JSON types. `ebpf/programs` gives each program's verdict for the
// status bar, `ebpf/verifierLog` our verifier's log of one program in the
// kernel's format with links back to the source, `ebpf/verify` analyses a
// document again now (a header it includes may have changed), and the
// `ebpf/verified` notification says a document's results changed. Pure: imports nothing, so
// the client bundle pulls in no server code through it.

/** Which log the kernel prints: 1 the failing (or last) path, 2 every instruction of every path (`bpftool -d`). */
export type VerifierLogLevel = 1 | 2;

export const PROGRAMS_REQUEST = 'ebpf/programs';

export interface ProgramsParams {
  uri: string;
}

export interface ProgramVerdict {
  name: string;
  section: string;
  type?: string;
  outcome: 'accept' | 'reject' | 'unsupported';
  insnCount: number;
  processedInsns: number;
  totalStates: number;
  /** 0-based line the program starts on, when known. */
  line?: number;
  /** A rejected program: the verifier's message (first line); an unsupported one: why it was not verified. */
  message?: string;
  /** 0-based line of the rejected instruction, when known. */
  errorLine?: number;
}

export interface ProgramsResult {
  uri: string;
  /** 'none': a C file that is not eBPF (or a document the server does not know). */
  kind: 'asm' | 'c' | 'none';
  /** The document version analysed last. */
  version?: number;
  /** The version `programs` were verified at (older than `version` while a new verification runs or after a failed compile). */
  verifiedVersion?: number;
  /** The version the server last published diagnostics for: older than `version` while it is analysed. */
  publishedVersion?: number;
  programs: ProgramVerdict[];
  /** Error and warning diagnostics the server published for the document last (clang, assembler, verifier, interpreter). */
  errors: number;
  warnings: number;
}

export const VERIFIER_LOG_REQUEST = 'ebpf/verifierLog';

export interface VerifierLogParams {
  uri: string;
  program: string;
  /** Default 2, as `bpftool -d prog load` prints it. */
  level?: VerifierLogLevel;
}

/** A place in a source file: a URI and a 0-based position. */
export interface SourceTarget {
  uri: string;
  line: number;
  character: number;
}

/** A span of one log line (0-based line, columns end-exclusive) that leads to a source position. */
export interface LogLink {
  line: number;
  start: number;
  end: number;
  target: SourceTarget;
}

export interface VerifierLog {
  uri: string;
  program: string;
  /** The document version the log is of. */
  version: number;
  level: VerifierLogLevel;
  lines: string[];
  links: LogLink[];
  /** Lines dropped from the start because the log was too long (the kernel's rotating log keeps the tail too). */
  droppedLines: number;
}

export type VerifierLogResult = VerifierLog | { error: string };

export const VERIFY_REQUEST = 'ebpf/verify';

export interface VerifyParams {
  uri: string;
}

/** `started`: false when the document is not open or not eBPF; else an `ebpf/verified` notification follows. */
export interface VerifyResult {
  started: boolean;
}

export const VERIFIED_NOTIFICATION = 'ebpf/verified';

export interface VerifiedParams {
  uri: string;
  version: number;
}
