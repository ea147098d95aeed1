// Collects the ELF reader's diagnostics. Problems that repeat per entry (one
// per bad symbol or relocation) are capped per group, with one summary line
// for the rest, so a hostile file cannot flood the output yet nothing goes
// unreported. Pure; imports only the Diagnostic type.

import type { Diagnostic, Severity } from '../diagnostics';

/** Detailed diagnostics kept per group before the rest are only counted. */
export const DIAGNOSTICS_PER_GROUP = 16;

interface Group {
  shown: number;
  hidden: number;
  severity: Severity;
  what: string;
}

export class ElfReport {
  private readonly list: Diagnostic[] = [];
  private readonly groups = new Map<string, Group>();

  error(code: string, message: string): void {
    this.list.push({ severity: 'error', code, message });
  }

  warning(code: string, message: string): void {
    this.list.push({ severity: 'warning', code, message });
  }

  /**
   * A per-entry problem: reported in full for the first DIAGNOSTICS_PER_GROUP
   * of its group, then counted. `what` names the group in the summary, e.g.
   * "symbols in section 13 (.symtab) with a bad name".
   */
  entry(severity: Severity, code: string, message: string, group: string, what: string): void {
    let g = this.groups.get(group);
    if (!g) {
      g = { shown: 0, hidden: 0, severity, what };
      this.groups.set(group, g);
    }
    if (g.shown < DIAGNOSTICS_PER_GROUP) {
      g.shown++;
      this.list.push({ severity, code, message });
    } else {
      g.hidden++;
    }
  }

  /** All diagnostics, with one summary per capped group. */
  finish(): Diagnostic[] {
    const summaries: Diagnostic[] = [];
    for (const g of this.groups.values()) {
      if (g.hidden === 0) continue;
      summaries.push({
        severity: g.severity,
        code: 'elf/more-problems',
        message: `${g.hidden} more ${g.what} not listed individually`,
      });
    }
    return [...this.list, ...summaries];
  }
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
