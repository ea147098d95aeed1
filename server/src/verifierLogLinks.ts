// Links from a verifier log back to the source: the instruction number of
// each instruction line (`12: (61) r1 = *(u32 *)(r1 +26)`), state line
// (`12: R1=…`) and pruned point (`12: safe`) leads to the instruction's place
// in the document, and the `file:LINE` of each source line
// (`; return data[8]; @ prog.bpf.c:24`) to its file and line. Only those
// parts are links, so a long log is not underlined throughout. A C
// buffer compiled from stdin has line info naming `<stdin>` with no line text:
// those lines are rewritten as the kernel prints them for the file on disk
// (the document's name, the line's text). Pure: the caller resolves file names.

import type { Span } from '../../src-vm/index';
import type { LogLink, SourceTarget } from './protocol';

export interface LogSource {
  docUri: string;
  /** The document's base name (`prog.bpf.c`), printed instead of `mainFile`. */
  docName: string;
  /** How the line info names the document (`<stdin>`); undefined for assembly, whose log has no source lines. */
  mainFile?: string;
  /** The document's text by line, to fill source lines whose text the line info lacks. */
  docLines: readonly string[];
  /** Where instruction `insnIdx` is in the document. */
  spanOf: (insnIdx: number) => Span | undefined;
  /** A URI for a file the line info names by base name (a header), when it can be found. */
  fileUri: (baseName: string) => string | undefined;
}

export interface LinkedLog {
  lines: string[];
  links: LogLink[];
}

const SOURCE_LINE = /^; (.*) @ (.+):(\d+)$/;
/** Instruction lines, state lines (`12: R1=…`, `12: frame1: R1=…`) and pruned points (`12: safe`). */
const NUMBERED_LINE = /^(\d+):(?: \([0-9a-f]{2}\) | safe$| (?:frame\d+: )?(?:R\d+|fp-?\d+)\S*=)/;

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** `; text @ file:LINE`: the document's own lines renamed and filled in; a link on `file:LINE`. */
function sourceLine(line: string, m: RegExpExecArray, src: LogSource): { text: string; target?: SourceTarget; at: number } {
  const [, text, file, num] = m;
  const lineNo = Number(num);
  const docText = src.docLines[lineNo - 1];
  if (src.mainFile !== undefined && (file === src.mainFile || file === src.docName)) {
    const shown = text !== '' ? text : (docText ?? '').trim();
    const rewritten = `; ${shown} @ ${src.docName}:${lineNo}`;
    const target = lineNo > 0 ? { uri: src.docUri, line: lineNo - 1, character: indentOf(docText ?? '') } : undefined;
    return { text: rewritten, target, at: rewritten.length - `${src.docName}:${lineNo}`.length };
  }
  const uri = src.fileUri(file);
  const target = uri && lineNo > 0 ? { uri, line: lineNo - 1, character: 0 } : undefined;
  return { text: line, target, at: line.length - `${file}:${num}`.length };
}

function insnTarget(idx: number, src: LogSource): SourceTarget | undefined {
  const span = src.spanOf(idx);
  return span ? { uri: src.docUri, line: span.line, character: span.col } : undefined;
}

export function linkVerifierLog(log: readonly string[], src: LogSource): LinkedLog {
  const lines: string[] = [];
  const links: LogLink[] = [];
  log.forEach((raw, n) => {
    const source = SOURCE_LINE.exec(raw);
    if (source) {
      const s = sourceLine(raw, source, src);
      lines.push(s.text);
      if (s.target) links.push({ line: n, start: s.at, end: s.text.length, target: s.target });
      return;
    }
    lines.push(raw);
    const numbered = NUMBERED_LINE.exec(raw);
    if (numbered) {
      const target = insnTarget(Number(numbered[1]), src);
      if (target) links.push({ line: n, start: 0, end: numbered[1].length, target });
    }
  });
  return { lines, links };
}
