// Where a run's time goes, for `npm run bench:run` (scripts/bench-run.ts). With SCALEKIT_CONFORMANCE_PHASES set to a
// file path, the CLI notes when each step of a run ends (milliseconds since the process started) and what each suite
// file spent importing and testing, and writes them there as it exits. Without it nothing is kept.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface PhaseRecord {
  /** Each step as it ended, in order, in milliseconds since the process started. */
  marks: { phase: string; atMs: number }[];
  /** Per suite file: importing it (transforms, its modules, its set-up) and running its tests, in milliseconds. */
  files: { file: string; importMs: number; testsMs: number }[];
}

const path = process.env.SCALEKIT_CONFORMANCE_PHASES;
const record: PhaseRecord = { marks: [], files: [] };
if (path) {
  process.once('exit', () => {
    record.marks.push({ phase: 'exit', atMs: Math.round(performance.now()) });
    try {
      writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`SCALEKIT_CONFORMANCE_PHASES: cannot write ${path}: ${(error as Error).message}\n`);
    }
  });
}

/** Whether phases are being noted (SCALEKIT_CONFORMANCE_PHASES is set). */
export const notingPhases = path !== undefined;

export function markPhase(phase: string): void {
  if (path) record.marks.push({ phase, atMs: Math.round(performance.now()) });
}

export function noteFile(file: string, importMs: number, testsMs: number): void {
  if (path) record.files.push({ file, importMs: Math.round(importMs), testsMs: Math.round(testsMs) });
}
