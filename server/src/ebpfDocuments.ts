// Which documents are eBPF: C files matching the configured globs, or whose
// text includes bpf_helpers.h or uses SEC(…). Shared by the server (which C
// files it compiles) and the extension (whether an opened document needs the
// language server started). Pure; imports nothing.

/** `**` any path, `*` within a segment, `?` one character; matched against the whole path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const BPF_CONTENT = /#\s*include\s*[<"](?:bpf\/)?bpf_helpers\.h[>"]|\bSEC\s*\(/;

/** Whether a C document at `path` with `text` is eBPF C the server should compile. */
export function isBpfC(path: string, text: string, globs: readonly string[]): boolean {
  const normalised = path.replace(/\\/g, '/');
  if (globs.some((g) => globToRegExp(g).test(normalised) || globToRegExp(g).test(normalised.replace(/^\//, '')))) return true;
  return BPF_CONTENT.test(text);
}

/** What the decision reads of an open document. */
export interface OpenDocument {
  languageId: string;
  /** URI scheme: only files and unsaved buffers are analysed. */
  scheme: string;
  path: string;
  text: () => string;
}

/** Whether the language server analyses `doc`: eBPF assembly, or eBPF C as isBpfC says. */
export function isEbpfDocument(doc: OpenDocument, cGlobs: readonly string[]): boolean {
  if (doc.scheme !== 'file' && doc.scheme !== 'untitled') return false;
  if (doc.languageId === 'ebpf-asm') return true;
  return doc.languageId === 'c' && isBpfC(doc.path, doc.text(), cGlobs);
}
