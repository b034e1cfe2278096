import { closest } from 'fastest-levenshtein';
import { graders } from '../../graders/index.js';
import type { Grader } from '../engine/check.js';
import type { GradingContext } from '../engine/context.js';
import { UsageError } from '../errors.js';

/** The graders named on the command line (all of them when none is named); a typo gets a suggestion. */
export function selectGraders(names: string[]): Grader<GradingContext>[] {
  if (names.length === 0) return graders;
  const known = graders.map((g) => g.id);
  return names.map((name) => {
    const grader = graders.find((g) => g.id === name);
    if (!grader) throw new UsageError(`unknown exercise "${name}": did you mean "${closest(name, known)}"? (docknet list shows them all)`);
    return grader;
  });
}
