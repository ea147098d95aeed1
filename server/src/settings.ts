// The language server's settings (`ebpf.*` in VS Code), their defaults and
// how a raw JSON value from the client becomes them. Shared by the server and
// the client's config.ts, so both read a setting the same way. Pure; must not
// import vscode or vscode-languageserver.

/** Which assembly dialect to read a document in; `auto` tries the kernel/LLVM one first. */
export type AsmDialectSetting = 'auto' | 'llvm' | 'conformance';

export interface ServerSettings {
  asm: {
    /** Milliseconds to wait after the last edit before re-analysing a document. */
    debounceMs: number;
    dialect: AsmDialectSetting;
    /** Program type for code sections whose name gives none (`.text`); empty: warn instead. */
    programType: string;
  };
  c: {
    /** clang to run; empty: the newest clang on PATH. */
    clangPath: string;
    extraArgs: string[];
    includePaths: string[];
    /** Globs of C files the server compiles and verifies (besides any that include bpf_helpers.h or use SEC(). */
    files: string[];
    /** Milliseconds of quiet typing before the unsaved buffer is compiled. */
    debounceMs: number;
    /** BTF that the vmlinux.h quick fix dumps as C (empty: the running kernel's /sys/kernel/btf/vmlinux). */
    vmlinuxBtf: string;
    /** bpftool to run for it (empty: bpftool on PATH, then /usr/sbin/bpftool). */
    bpftoolPath: string;
  };
  verifier: {
    /** Run our verifier on assembly and C documents. */
    enabled: boolean;
  };
  inlayHints: {
    /** After each instruction or C line: the registers it changed, from the verifier's recorded states. */
    registerChanges: boolean;
  };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  asm: { debounceMs: 200, dialect: 'auto', programType: '' },
  c: { clangPath: '', extraArgs: [], includePaths: [], files: ['**/*.bpf.c'], debounceMs: 500, vmlinuxBtf: '', bpftoolPath: '' },
  verifier: { enabled: true },
  inlayHints: { registerChanges: false },
};

/** Edits faster than this are not worth waiting for; longer than this feels broken. */
export const DEBOUNCE_RANGE_MS = { min: 0, max: 5000 } as const;

const DIALECTS: readonly AsmDialectSetting[] = ['auto', 'llvm', 'conformance'];

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function debounceMs(raw: unknown, fallback: number): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return fallback;
  return Math.min(DEBOUNCE_RANGE_MS.max, Math.max(DEBOUNCE_RANGE_MS.min, Math.round(raw)));
}

function dialect(raw: unknown): AsmDialectSetting {
  return DIALECTS.find((d) => d === raw) ?? DEFAULT_SETTINGS.asm.dialect;
}

function flag(raw: unknown, fallback: boolean): boolean {
  return typeof raw === 'boolean' ? raw : fallback;
}

function text(raw: unknown, fallback: string): string {
  return typeof raw === 'string' ? raw.trim() : fallback;
}

function strings(raw: unknown, fallback: string[]): string[] {
  return Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string' && s.length > 0) : fallback;
}

/**
 * Reads the `ebpf` settings object (`{asm: {…}, c: {…}, verifier: {…}, inlayHints: {…}}`), as
 * VS Code sends it; anything missing or of the wrong type falls back to its default.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const asm = field(raw, 'asm');
  const c = field(raw, 'c');
  const verifier = field(raw, 'verifier');
  const defaults = DEFAULT_SETTINGS;
  return {
    asm: {
      debounceMs: debounceMs(field(asm, 'debounceMs'), defaults.asm.debounceMs),
      dialect: dialect(field(asm, 'dialect')),
      programType: text(field(asm, 'programType'), defaults.asm.programType),
    },
    c: {
      clangPath: text(field(c, 'clangPath'), defaults.c.clangPath),
      extraArgs: strings(field(c, 'extraArgs'), defaults.c.extraArgs),
      includePaths: strings(field(c, 'includePaths'), defaults.c.includePaths),
      files: strings(field(c, 'files'), defaults.c.files),
      debounceMs: debounceMs(field(c, 'debounceMs'), defaults.c.debounceMs),
      vmlinuxBtf: text(field(c, 'vmlinuxBtf'), defaults.c.vmlinuxBtf),
      bpftoolPath: text(field(c, 'bpftoolPath'), defaults.c.bpftoolPath),
    },
    verifier: { enabled: flag(field(verifier, 'enabled'), defaults.verifier.enabled) },
    inlayHints: { registerChanges: flag(field(field(raw, 'inlayHints'), 'registerChanges'), defaults.inlayHints.registerChanges) },
  };
}
