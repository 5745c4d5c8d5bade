// The progress line of a run on a terminal: one line, redrawn in place below the test lines, saying how far the run
// is (files and tests done, failures so far, time since it started). Off when the output is not a terminal (CI logs
// and pipes get the test lines only).

/** Where the progress line is drawn: a terminal's stream. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number | undefined;
}

export class ProgressLine {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #started: number;
  #files = { done: 0, total: undefined as number | undefined };
  #running = false;
  #tests = { done: 0, failed: 0, errored: 0 };
  #shown = false;

  constructor(stream: ProgressStream, now: () => number = Date.now) {
    this.#stream = stream;
    this.#now = now;
    this.#started = now();
  }

  /** vitest started, with this many files to run (undefined: not known, e.g. with a shard). */
  start(files: number | undefined): void {
    this.#files.total = files;
    this.#running = true;
    this.#draw();
  }

  fileDone(): void {
    this.#files.done += 1;
    this.#draw();
  }

  testDone(state: 'passed' | 'failed' | 'errored' | 'skipped'): void {
    this.#tests.done += 1;
    if (state === 'failed') this.#tests.failed += 1;
    if (state === 'errored') this.#tests.errored += 1;
    this.#draw();
  }

  /** Draws the line again, so the time moves on during a long test. */
  refresh(): void {
    this.#draw();
  }

  /** Prints a line above the progress line (which is drawn again under it). */
  print(line: string, write: (line: string) => void): void {
    this.#clear();
    write(line);
    this.#draw();
  }

  /** Removes the progress line, for good: the run's report follows. */
  stop(): void {
    this.#clear();
    this.#running = false;
  }

  /** The line's text, e.g. `files 3/38 · tests 120 · 1 failed · 12.3 s`. */
  text(): string {
    const files = this.#files.total === undefined ? `${this.#files.done}` : `${this.#files.done}/${this.#files.total}`;
    const errored = this.#tests.errored > 0 ? ` · ${this.#tests.errored} errored` : '';
    const seconds = ((this.#now() - this.#started) / 1000).toFixed(1);
    return `files ${files} · tests ${this.#tests.done} · ${this.#tests.failed} failed${errored} · ${seconds} s`;
  }

  #draw(): void {
    if (!this.#running) return;
    // A terminal that reports no size (0 columns) is taken to be 80 wide.
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    this.#stream.write(`\r\x1b[2K${this.text().slice(0, width)}`);
    this.#shown = true;
  }

  #clear(): void {
    if (!this.#shown) return;
    this.#stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}
