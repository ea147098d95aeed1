// Test support: tokenizes lines with our TextMate grammars through
// vscode-textmate and vscode-oniguruma, the engine VS Code itself uses. For
// the C injection grammar a small stand-in `source.c` grammar (comments,
// strings, keywords, numbers) plays VS Code's C grammar.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';

const SYNTAXES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'syntaxes');

const STAND_IN_C = JSON.stringify({
  scopeName: 'source.c',
  patterns: [
    { name: 'comment.line.double-slash.c', match: '//.*$' },
    { name: 'comment.block.c', begin: '/\\*', end: '\\*/' },
    { name: 'string.quoted.double.c', begin: '"', end: '"', patterns: [{ name: 'constant.character.escape.c', match: '\\\\.' }] },
    { name: 'keyword.control.c', match: '\\b(if|else|return|for|while|struct|static|int|void|char)\\b' },
    { name: 'constant.numeric.c', match: '\\b\\d+\\b' },
  ],
});

const GRAMMAR_FILES: Record<string, string> = {
  'source.ebpf-asm': 'ebpf-asm.tmLanguage.json',
  'source.c.ebpf-injection': 'ebpf-c.injection.tmLanguage.json',
  'source.ebpf-verifier-log': 'ebpf-verifier-log.tmLanguage.json',
};

let registry: Registry | undefined;

async function theRegistry(): Promise<Registry> {
  if (registry) return registry;
  const wasm = readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm'));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new OnigScanner(p), createOnigString: (s: string) => new OnigString(s) }),
    loadGrammar: async (scope: string) => {
      if (scope === 'source.c') return parseRawGrammar(STAND_IN_C, 'c.json');
      const file = GRAMMAR_FILES[scope];
      return file ? parseRawGrammar(readFileSync(join(SYNTAXES, file), 'utf8'), join(SYNTAXES, file)) : null;
    },
    getInjections: (scope: string) => (scope === 'source.c' ? ['source.c.ebpf-injection'] : undefined),
  });
  return registry;
}

export async function grammarFor(scope: 'source.ebpf-asm' | 'source.c' | 'source.ebpf-verifier-log'): Promise<IGrammar> {
  const g = await (await theRegistry()).loadGrammar(scope);
  if (!g) throw new Error(`grammar ${scope} did not load`);
  return g;
}

export interface Token { text: string; scopes: string[] }

/** Tokens of each line, carrying the rule stack across lines as the editor does. */
export function tokenizeLines(grammar: IGrammar, lines: readonly string[]): Token[][] {
  let stack: StateStack = INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of the token whose text is exactly `text` on a line, or undefined. */
export function scopeOf(tokens: readonly Token[], text: string): string | undefined {
  const t = tokens.find((k) => k.text === text);
  return t?.scopes[t.scopes.length - 1];
}
