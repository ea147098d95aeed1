// Runs ours.ts on one object in a child process with a per-program time
// limit: each program must finish within `limitMs` of the previous one, else
// the child is killed, that program is recorded as a timeout and a new child
// resumes after it. A child that dies otherwise records an internal error
// for the programs it did not reach.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OursHeader, OursLine, OursResult } from './ours';

const OURS = join(dirname(fileURLToPath(import.meta.url)), 'ours.ts');

interface ChildRun { header?: OursHeader; lines: OursLine[]; failure?: string }

function runChild(objPath: string, from: number, limitMs: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', OURS, objPath, String(from)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { lines: [] };
    let pending = '', stderr = '';
    const arm = (): NodeJS.Timeout => setTimeout(() => { run.failure = 'timeout'; child.kill('SIGKILL'); }, limitMs);
    let timer = arm();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts.filter((x) => x.trim())) {
        const parsed = JSON.parse(p) as OursHeader | OursLine;
        if ('programs' in parsed) run.header = parsed;
        else run.lines.push(parsed);
        clearTimeout(timer);
        timer = arm();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!run.failure && code !== 0) run.failure = `exit ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`;
      resolve(run);
    });
  });
}

export interface OursFileRun { header: OursHeader; results: OursResult[]; crash?: string }

/** Our result for every program of `objPath`; a program past `limitMs` is a timeout and the rest still run. */
export async function runOurs(objPath: string, limitMs: number): Promise<OursFileRun> {
  let header: OursHeader | undefined;
  const results: OursResult[] = [];
  let from = 0;
  for (;;) {
    const run = await runChild(objPath, from, limitMs);
    header ??= run.header;
    if (!header) return { header: { programs: [], loaderErrors: [] }, results, crash: run.failure ?? 'no output' };
    for (const l of run.lines) results[l.index] = l.result;
    const next = run.lines.length ? run.lines[run.lines.length - 1].index + 1 : from;
    if (!run.failure || next >= header.programs.length) return { header, results };
    if (run.failure !== 'timeout') {
      for (let i = next; i < header.programs.length; i++) results[i] = { kind: 'internal', error: `our verifier's process died: ${run.failure}` };
      return { header, results, crash: run.failure };
    }
    results[next] = { kind: 'timeout' };
    from = next + 1;
  }
}
