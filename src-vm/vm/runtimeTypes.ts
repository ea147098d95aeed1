// The plain-data vocabulary of EbpfRuntime: launch options, breakpoints, stack
// frames, register and stack views, and the events a run emits. Shared by the
// runtime and the debug adapter, which only translates these into DAP objects.
// Types only; imports nothing that runs (no vscode, no fs).

import type { Dialect } from '../program';

/** How to load a program. The option names match the debugger's launch attributes. */
export interface RuntimeLoadOptions {
  /** Code section to run (`xdp`, `.text`…); default the first one with instructions. */
  section?: string;
  /** Input memory as hex bytes (`aa bb cc`, `aabbcc`, `0xaa,0xbb`); r1 points at a copy, r2 holds its length. */
  mem?: string;
  /** Most instructions the whole run may execute (default 1,000,000). */
  budget?: number;
  /** Force an assembly dialect; default: LLVM, else conformance when only it reads the text. */
  dialect?: Dialect;
}

/** What `EbpfRuntime.load` learned about the program it loaded. */
export interface LoadedProgramInfo {
  section: string;
  dialect: Dialect;
  /** Instruction slots in the section (an lddw counts two). */
  slots: number;
  /** Bytes of input memory (r2). */
  memBytes: number;
  budget: number;
}

/** Lifecycle: load, then start; stopped and running alternate until the run ends. */
export type RuntimeState = 'empty' | 'loaded' | 'stopped' | 'running' | 'ended';

/** A source breakpoint as the runtime placed it. Lines are 0-based. */
export interface RuntimeBreakpoint {
  id: number;
  /** The line the user asked for. */
  requestedLine: number;
  /** The line the breakpoint really sits on (the next line with an instruction). */
  line: number;
  verified: boolean;
  /** Slot the breakpoint stops before; undefined when unverified. */
  slot?: number;
  /** Why it could not be placed, when unverified. */
  message?: string;
}

/** One frame of the call stack: depth 0 is the program's main frame. */
export interface RuntimeFrame {
  depth: number;
  /** Function name: a function symbol, the label at the callee's entry, or a description. */
  name: string;
  /** Slot the frame is at: the current pc (innermost) or the `call` it waits on. */
  slot: number;
  /** 0-based source line and column of that slot, when the program came from text. */
  line?: number;
  column?: number;
  /** The source file of that line when it is not the program's own (C: a header's inlined function). */
  file?: string;
  /** The instruction at `slot`, disassembled. */
  instruction: string;
}

/** A register as the debugger shows it. */
export interface RegisterView {
  /** `r0`..`r10`. */
  name: string;
  value: bigint;
  /** `0x2a (42)`, `0xffffffffffffffff (-1)`, or for pointers `0x… (stack of frame 0 + 512)`. */
  text: string;
  /** `u64`, or `pointer to <region>` when the value points into a memory region. */
  type: string;
  /** Set when the value points into a memory region. */
  pointsTo?: { region: string; offset: number };
}

/** Eight bytes of a frame's stack: `offset` is relative to its frame pointer (-8 is the top row). */
export interface StackRow {
  offset: number;
  /** Address of the row's first byte. */
  address: bigint;
  bytes: Uint8Array;
}

/** Bytes read for the debugger's memory view: the readable prefix of the request. */
export interface MemoryRead {
  address: bigint;
  bytes: Uint8Array;
  /** Bytes after `bytes` that lie outside every region. */
  unreadable: number;
}

export type EndOutcome = 'exit' | 'fault' | 'budget' | 'stopped';

/** How a run ended. */
export interface RunEnd {
  outcome: EndOutcome;
  /** r0 when the program exited. */
  r0?: bigint;
  /** r0's name for the program type (`XDP_PASS`), when it has one. */
  retName?: string;
  /** Instructions executed. */
  steps: number;
  /** One sentence for the debug console. */
  message: string;
}

export type OutputCategory = 'console' | 'stdout' | 'stderr';

/** Events EbpfRuntime emits; each is sent asynchronously, after the call that caused it returns. */
export interface RuntimeEvents {
  stopOnEntry: [];
  stopOnStep: [];
  stopOnPause: [];
  /** The ids of the breakpoints at the stop. */
  stopOnBreakpoint: [breakpointIds: number[]];
  /** A fault: the interpreter's message (`pc 3: read of 4 bytes at …`) and its code (`vm/memory`). */
  stopOnException: [message: string, code: string];
  output: [text: string, category: OutputCategory];
  end: [end: RunEnd];
}
