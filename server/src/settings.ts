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
  };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  asm: { debounceMs: 200, dialect: 'auto' },
};

/** Edits faster than this are not worth waiting for; longer than this feels broken. */
export const DEBOUNCE_RANGE_MS = { min: 0, max: 5000 } as const;

const DIALECTS: readonly AsmDialectSetting[] = ['auto', 'llvm', 'conformance'];

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function debounceMs(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return DEFAULT_SETTINGS.asm.debounceMs;
  return Math.min(DEBOUNCE_RANGE_MS.max, Math.max(DEBOUNCE_RANGE_MS.min, Math.round(raw)));
}

function dialect(raw: unknown): AsmDialectSetting {
  return DIALECTS.find((d) => d === raw) ?? DEFAULT_SETTINGS.asm.dialect;
}

/**
 * Reads the `ebpf` settings object (`{asm: {debounceMs, dialect}}`), as VS Code
 * sends it; anything missing or of the wrong type falls back to its default.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const asm = field(raw, 'asm');
  return {
    asm: {
      debounceMs: debounceMs(field(asm, 'debounceMs')),
      dialect: dialect(field(asm, 'dialect')),
    },
  };
}
