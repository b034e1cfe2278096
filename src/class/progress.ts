import picocolors from 'picocolors';
import type { StudentResult } from '../engine/results.js';
import { visible } from '../report/text.js';
import type { Student } from './roster.js';

const REDRAW_MS = 200;

/**
 * A line per finished student, as it finishes. On a terminal a status line below
 * them says how far the run is and who is being graded; elsewhere (CI logs, files)
 * only the plain lines are written.
 */
export class Progress {
  private readonly running = new Map<string, number>();
  private done = 0;
  private readonly started = Date.now();
  private timer?: NodeJS.Timeout;
  private readonly pc: ReturnType<typeof picocolors.createColors>;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly live = out.isTTY === true,
  ) {
    this.pc = picocolors.createColors(live && picocolors.isColorSupported);
    if (live) this.timer = setInterval(() => this.redraw(), REDRAW_MS).unref();
  }

  begin(student: Student): void {
    this.running.set(student.id, Date.now());
    this.redraw();
  }

  finish(result: StudentResult): void {
    this.running.delete(result.student.id);
    this.done++;
    this.print(this.describe(result));
  }

  /** A line that is not about one student (e.g. an interruption). */
  note(line: string): void {
    this.print(line);
  }

  end(): void {
    clearInterval(this.timer);
    if (this.live) this.out.write('\r\x1b[2K');
  }

  private describe(result: StudentResult): string {
    const { pc } = this;
    const who = visible(`${result.student.id}${result.student.name ? ` (${result.student.name})` : ''}`);
    const seconds = pc.dim(`${(result.durationMs / 1000).toFixed(1)} s`);
    const count = pc.dim(`[${this.done}/${this.total}]`);
    if (!result.report)
      return `${count} ${pc.magenta('!')} ${who}: ${pc.magenta(`not graded: ${visible(result.error ?? '')}`)} ${seconds}`;
    const { score, maxScore } = result.report;
    const mark =
      result.status === 'graded-with-errors' ? pc.magenta('!') : score === maxScore ? pc.green('✓') : pc.yellow('✗');
    const errors = result.status === 'graded-with-errors' ? pc.magenta(' (some checks could not be decided)') : '';
    return `${count} ${mark} ${who}: ${score}/${maxScore}${errors} ${seconds}`;
  }

  private print(line: string): void {
    this.out.write(this.live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    this.redraw();
  }

  private redraw(): void {
    if (!this.live) return;
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(0);
    const names = [...this.running.keys()];
    const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? ` +${names.length - 6}` : '');
    const status = `${this.done}/${this.total} done · ${elapsed} s${names.length ? ` · grading ${shown}` : ''}`;
    const width = this.out.columns ?? 80;
    this.out.write(`\r\x1b[2K${this.pc.dim(status.length > width - 1 ? `${status.slice(0, width - 2)}…` : status)}`);
  }
}
