import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../src/reporters/progress.js';

/** A terminal that keeps what is written, and what the screen's last line shows after carriage returns and erases. */
function terminal(columns = 80) {
  const writes: string[] = [];
  return {
    columns,
    writes,
    write: (text: string) => void writes.push(text),
    lastLine: () => writes.join('').split('\r\x1b[2K').at(-1) ?? '',
  };
}

describe('the progress line', () => {
  it('says files and tests done, failures so far and the time since the run started, from the injected clock', () => {
    let now = 1_000;
    const screen = terminal();
    const progress = new ProgressLine(screen, () => now);
    progress.start(3);
    progress.testDone('passed');
    progress.testDone('failed');
    progress.testDone('errored');
    progress.fileDone();
    now = 13_340;
    progress.refresh();
    expect(screen.lastLine()).toBe('files 1/3 · tests 3 · 1 failed · 1 errored · 12.3 s');
  });

  it('draws nothing before vitest starts, and prints a line above itself, then draws again under it', () => {
    const screen = terminal();
    const printed: string[] = [];
    const progress = new ProgressLine(screen, () => 0);
    progress.testDone('passed');
    expect(screen.writes).toEqual([]);
    progress.start(undefined);
    progress.print('  ok   [ALG-010] a test', (line) => {
      // The progress line is erased before the test line is written.
      expect(screen.writes.at(-1)).toBe('\r\x1b[2K');
      printed.push(line);
    });
    expect(printed).toEqual(['  ok   [ALG-010] a test']);
    expect(screen.lastLine()).toBe('files 0 · tests 1 · 0 failed · 0.0 s');
  });

  it('fits the terminal and leaves nothing behind when stopped', () => {
    const screen = terminal(24);
    const progress = new ProgressLine(screen, () => 0);
    progress.start(40);
    expect(screen.lastLine().length).toBeLessThanOrEqual(23);
    progress.stop();
    expect(screen.writes.at(-1)).toBe('\r\x1b[2K');
    progress.testDone('passed');
    expect(screen.writes.at(-1)).toBe('\r\x1b[2K');
  });
});
