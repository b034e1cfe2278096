// JSON for programs: the run's own result types, as they are (JSON escapes any text), under a
// schemaVersion that schema/docknet-report.schema.json describes (it ships in the package).
import type { Graded, Reporter } from './reporter.js';

/** Raised when a field changes its meaning or goes away; added fields keep it. */
export const SCHEMA_VERSION = 1;

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
  return {
    path,
    render: (graded) => `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...(value(graded) as object) }, null, 2)}\n`,
  };
}
