// Logpoint messages: text with `{expression}` parts to interpolate (`{{` and
// `}}` stand for literal braces), parsed once when the breakpoint is set so a
// mistake is reported then, with its column in the whole message. Pure.

import type { Expr } from './ast';
import { parseExpression } from './parser';

export type TemplatePart = string | { expr: Expr; text: string };

export type TemplateResult = { parts: TemplatePart[] } | { error: string };

/** Moves an error's leading `column N` by `by` columns. */
function shifted(error: string, by: number): string {
  return error.replace(/^column (\d+)/, (_, n: string) => `column ${Number(n) + by}`);
}

export function parseTemplate(message: string): TemplateResult {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if ((c === '{' || c === '}') && message[i + 1] === c) { literal += c; i++; continue; }
    if (c === '}') return { error: `column ${i + 1}: '}' closes no '{' (write }} for a brace)` };
    if (c !== '{') { literal += c; continue; }
    const close = message.indexOf('}', i + 1);
    if (close < 0) return { error: `column ${i + 1}: this '{' is not closed (write {{ for a brace)` };
    const text = message.slice(i + 1, close);
    const parsed = parseExpression(text);
    if ('error' in parsed) return { error: shifted(parsed.error, i + 1) };
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ expr: parsed.expr, text });
    i = close;
  }
  if (literal) parts.push(literal);
  return { parts };
}

/** The message with each expression replaced by `show(expr)`. */
export function renderTemplate(parts: readonly TemplatePart[], show: (expr: Expr) => string): string {
  return parts.map((p) => (typeof p === 'string' ? p : show(p.expr))).join('');
}
