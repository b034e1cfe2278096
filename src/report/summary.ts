// The end of a class run as a person reads it: how many were graded, the scores' spread, what most missed.
import type { ClassSummary } from '../engine/results.js';
import { visible } from './text.js';

/** The summary as a person reads it at the end of a run. */
export function renderSummary(summary: ClassSummary): string {
  const lines = [
    `${summary.graded} of ${summary.students} students graded` +
      (summary.errors ? `, ${summary.errors} could not be graded` : '') +
      (summary.notGraded ? `, ${summary.notGraded} not graded yet` : ''),
  ];
  if (summary.mean !== undefined)
    lines.push(`mean ${summary.mean}/${summary.maxScore}, median ${summary.median}/${summary.maxScore}`);
  const widest = Math.max(1, ...summary.distribution.map((b) => b.students));
  if (summary.graded > 0) {
    lines.push('score distribution:');
    // from the lowest to the highest range anyone is in
    const used = summary.distribution.map((b, i) => (b.students > 0 ? i : -1)).filter((i) => i >= 0);
    for (const b of summary.distribution.slice(used[0], used[used.length - 1] + 1))
      lines.push(
        `  ${b.range.padStart(7)} ${'█'.repeat(Math.ceil((b.students / widest) * 30))} ${b.students || ''}`.trimEnd(),
      );
  }
  if (summary.mostFailed.length > 0) {
    lines.push('checks most students missed:');
    for (const f of summary.mostFailed.slice(0, 5))
      lines.push(`  ${String(f.failed).padStart(3)} × ${f.exercise}: ${visible(f.title)}`);
  }
  for (const shared of summary.sharedEngineIds ?? []) {
    // the ID is the engine's own text: one line, whatever it holds
    const id = visible(shared.engineId).replace(/\r?\n/g, '\\n');
    lines.push(
      visible(
        `warning: ${shared.endpoints.length} endpoints report the same engine ID ${id} (cloned VMs?): ${shared.endpoints.join(', ')}; each was graded on its own (students ${shared.students.join(', ')})`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
