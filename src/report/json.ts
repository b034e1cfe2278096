// JSON for programs: the run's own result types, as they are (JSON escapes any text).
import type { Graded, Reporter } from './reporter.js';

function value(graded: Graded): unknown {
  switch (graded.kind) {
    case 'report':
      return graded.report;
    case 'student':
      return graded.result;
    case 'class':
      return graded.class.summary;
  }
}

export function jsonReporter(path: string): Reporter {
  return { path, render: (graded) => `${JSON.stringify(value(graded), null, 2)}\n` };
}
