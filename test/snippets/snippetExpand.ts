// Expands a VS Code snippet body the way the editor does when the user
// accepts every default: `${1:text}` gives its text (nested placeholders
// expanded), `${1|a,b|}` its first choice, `$1`/`${1}` the text the same
// tabstop has elsewhere, `$0` nothing. Test support for snippets.test.ts.

const PLACEHOLDER = /\$\{(\d+):((?:[^${}]|\$\{\d+(?::[^{}]*)?\}|\$\d+)*)\}/g;
const CHOICE = /\$\{(\d+)\|([^|]*)\|\}/g;
const BARE = /\$\{(\d+)\}|\$(\d+)/g;

/** Tabstop number -> the default text it first shows. */
function tabstopDefaults(text: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const m of text.matchAll(CHOICE)) if (!defaults.has(m[1])) defaults.set(m[1], m[2].split(',')[0]);
  for (const m of text.matchAll(PLACEHOLDER)) if (!defaults.has(m[1])) defaults.set(m[1], expandSnippetText(m[2]));
  return defaults;
}

export function expandSnippetText(text: string): string {
  const defaults = tabstopDefaults(text);
  let out = text.replace(CHOICE, (_all, _n: string, choices: string) => choices.split(',')[0]);
  // Inner placeholders first: repeat until no `${N:…}` is left.
  for (let guard = 0; guard < 8 && /\$\{\d+:/.test(out); guard++) {
    out = out.replace(PLACEHOLDER, (_all, _n: string, inner: string) => inner);
  }
  return out.replace(BARE, (_all, a: string | undefined, b: string | undefined) => defaults.get(a ?? b ?? '') ?? '');
}

export function expandSnippet(body: string | readonly string[]): string {
  return expandSnippetText(typeof body === 'string' ? body : body.join('\n'));
}
