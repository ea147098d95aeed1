// What the ELF reader may spend on a hostile file, and what it reports.
// Diagnostics are capped per code, with one summary line for the rest, so a
// file of 100,000 broken symbols gives a readable list; the budget keeps the
// entries and names read proportional to the file's size even when tables
// overlap. Pure; imports only the Diagnostic type.

import type { Diagnostic, Severity } from '../diagnostics';

/** Diagnostics listed per code before the rest are only counted. */
export const DIAGNOSTICS_PER_CODE = 16;

/** What each code is about, for the summary of the diagnostics not listed. */
const CODE_SUBJECTS: Readonly<Record<string, string>> = {
  'elf/bad-section-name': 'section headers with a bad name',
  'elf/section-out-of-range': 'sections past the end of the file',
  'elf/section-overlap': 'overlapping sections',
  'elf/bad-symbol-name': 'symbols with a bad name',
  'elf/bad-symbol-section': 'symbols with a bad section index',
  'elf/symbol-out-of-section': 'symbols extending past their section',
  'elf/bad-reloc-symbol': 'relocations with a bad symbol index',
  'elf/unknown-reloc-type': 'relocations of unknown type',
  'elf/reloc-out-of-range': 'relocations past the end of their section',
  'elf/reloc-misaligned': 'relocations off an instruction boundary',
};

interface Tally {
  severity: Severity;
  shown: number;
  hidden: number;
}

export class ElfReport {
  private readonly list: Diagnostic[] = [];
  private readonly tallies = new Map<string, Tally>();

  error(code: string, message: string): void {
    this.add('error', code, message);
  }

  warning(code: string, message: string): void {
    this.add('warning', code, message);
  }

  private add(severity: Severity, code: string, message: string): void {
    let t = this.tallies.get(code);
    if (!t) {
      t = { severity, shown: 0, hidden: 0 };
      this.tallies.set(code, t);
    }
    if (severity === 'error') t.severity = 'error';
    if (t.shown < DIAGNOSTICS_PER_CODE) {
      t.shown++;
      this.list.push({ severity, code, message });
    } else {
      t.hidden++;
    }
  }

  /** All diagnostics, then one summary per code that had more than DIAGNOSTICS_PER_CODE. */
  finish(): Diagnostic[] {
    const summaries: Diagnostic[] = [];
    for (const [code, t] of this.tallies) {
      if (t.hidden === 0) continue;
      const subject = CODE_SUBJECTS[code] ?? `problems of kind ${code}`;
      summaries.push({ severity: t.severity, code, message: `${t.hidden} more ${subject} not listed individually` });
    }
    return [...this.list, ...summaries];
  }
}

/** Names decoded, in bytes, allowed per byte of file (plus a floor): far above any real object. */
const NAME_BYTES_PER_FILE_BYTE = 8;
const NAME_BYTES_FLOOR = 1 << 20;

/**
 * Limits on what the tables of one file may make the reader allocate. Real
 * objects never overlap their tables, so the entries of all symbol and
 * relocation tables fit in the file once; hostile ones pointing every table
 * at the same bytes run out of budget instead of memory.
 */
export class ReadBudget {
  private tableBytes: number;
  private nameBytes: number;

  constructor(fileSize: number) {
    this.tableBytes = fileSize;
    this.nameBytes = NAME_BYTES_FLOOR + NAME_BYTES_PER_FILE_BYTE * fileSize;
  }

  /** Takes `size` bytes of table entries; false (nothing taken) if the tables already add up to the file. */
  takeTable(size: number): boolean {
    if (size > this.tableBytes) return false;
    this.tableBytes -= size;
    return true;
  }

  /** Bytes of names the reader may still scan. */
  get nameBytesLeft(): number {
    return this.nameBytes;
  }

  /** Charges `length` scanned name bytes (never below zero). */
  takeName(length: number): void {
    this.nameBytes = Math.max(0, this.nameBytes - length);
  }
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
