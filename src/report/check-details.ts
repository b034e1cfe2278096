// A check's result as one block of plain text, for formats that hold a single message per test.
import type { CheckResult } from '../engine/results.js';

/** Why it ended as it did, what was expected and found, and a hint when it did not pass; a skip or grader error says which. */
export function checkDetails(check: CheckResult): string {
  const lead =
    check.status === 'skipped'
      ? `skipped: ${check.message}`
      : check.status === 'error'
        ? `could not be checked (grader error): ${check.message}`
        : check.message;
  return [
    lead,
    check.expected !== undefined && `expected: ${check.expected}`,
    check.actual !== undefined && `actual: ${check.actual}`,
    check.status !== 'passed' && check.hint !== undefined && `hint: ${check.hint}`,
  ]
    .filter(Boolean)
    .join('\n');
}
