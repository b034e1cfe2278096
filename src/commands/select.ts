import { closest } from 'fastest-levenshtein';
import { loadGraders } from '../../graders/index.js';
import type { Grader } from '../engine/grader.js';
import type { GradingContext } from '../engine/context.js';
import { extraExerciseRoots, loadExercise, type Lang } from '../engine/exercise.js';
import type { VariantKey } from '../engine/params.js';
import type { Exercise } from '../engine/runner.js';
import { UsageError } from '../errors.js';

/**
 * The graders named on the command line (all of them when none is named), from the
 * package's exercise folders and an instructor's (`--exercises`, DOCKNET_EXERCISES); a typo gets a suggestion.
 */
/** The exercises named (all when none is), in `lang`, for one student's variant (the canonical one without a student). */
export function selectExercises(
  names: string[],
  lang: Lang,
  key: VariantKey = {},
  extraDirs: string[] = [],
): Exercise<GradingContext>[] {
  return selectGraders(names, extraDirs).map((g) => loadExercise(g, lang, key));
}

export function selectGraders(names: string[], extraDirs: string[] = []): Grader<GradingContext>[] {
  const graders = loadGraders(extraExerciseRoots(extraDirs));
  if (names.length === 0) return graders;
  const known = graders.map((g) => g.id);
  return names.map((name) => {
    const grader = graders.find((g) => g.id === name);
    if (!grader)
      throw new UsageError(
        `unknown exercise "${name}": did you mean "${closest(name, known)}"? (docknet list shows them all)`,
      );
    return grader;
  });
}
