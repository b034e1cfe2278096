// The one interface every report format implements, and the one input they all read.
import type { ClassResults, GradingReport, StudentResult } from '../engine/results.js';

/**
 * What a run gives its reporters: one engine's report (check, watch), one student's result
 * (a submission, a student of a class run), or a whole class at the end of its run.
 * `unredacted` is the report before forStudents, for a format that withholds hidden checks'
 * details by means of its own (Gradescope's per-test visibility).
 */
export type Graded =
  | { kind: 'report'; report: GradingReport; unredacted?: GradingReport }
  | { kind: 'student'; result: StudentResult; unredacted?: GradingReport }
  | { kind: 'class'; class: ClassResults };

export interface Reporter {
  /** the file it writes; the terminal when absent */
  readonly path?: string;
  /** the file is added to, not replaced (a CI job's summary that earlier steps also write) */
  readonly append?: boolean;
  /** the report's text; a format asked for a kind of run it has no view of throws (a wiring mistake) */
  render(graded: Graded): string;
}

/** The error of a format handed a kind of run it cannot show. */
export function noView(format: string, graded: Graded): Error {
  return new Error(`docknet has no ${format} report of a ${graded.kind}`);
}
