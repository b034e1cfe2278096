import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exercisesDir } from '../paths.js';
import type { Check, Grader, Lang, Localized } from './check.js';
import type { Exercise } from './runner.js';

export type { Lang } from './check.js';

/** exercises/<id>/exercise.yaml: what students read and how many points each check is worth. */
interface ExerciseMetadata {
  title: Localized;
  /** hidden: students see whether the check passed, never what it expected (instructors see everything) */
  checks: Record<string, { title: Localized; points: number; hidden?: boolean }>;
}

function readMetadata(id: string): ExerciseMetadata {
  return parse(readFileSync(join(exercisesDir, id, 'exercise.yaml'), 'utf8')) as ExerciseMetadata;
}

/**
 * Joins a grader's checks with its exercise's metadata. Mismatches are the
 * author's mistake and stop everything: a check without points, or points
 * without a check, would silently change every student's score.
 */
export function loadExercise<Ctx>(grader: Grader<Ctx>, lang: Lang = 'en'): Exercise<Ctx> {
  const meta = readMetadata(grader.id);
  const declared = new Set<string>();
  const checks: Check<Ctx>[] = grader.checks.map((spec) => {
    const m = meta.checks?.[spec.id];
    if (!m) throw new Error(`exercise ${grader.id}: check "${spec.id}" has no entry in exercise.yaml`);
    if (!(Number.isInteger(m.points) && m.points >= 0)) throw new Error(`exercise ${grader.id}: check "${spec.id}" needs whole, non-negative points`);
    for (const need of spec.needs ?? []) {
      // declared-before keeps the prerequisite graph free of cycles
      if (!declared.has(need)) throw new Error(`exercise ${grader.id}: check "${spec.id}" needs "${need}", which is not declared before it`);
    }
    declared.add(spec.id);
    if (m.hidden !== undefined && typeof m.hidden !== 'boolean') throw new Error(`exercise ${grader.id}: check "${spec.id}" has hidden: ${String(m.hidden)}, not true or false`);
    return { ...spec, title: m.title[lang] ?? m.title.en, points: m.points, ...(m.hidden && { hidden: true }) };
  });
  const unused = Object.keys(meta.checks ?? {}).filter((id) => !declared.has(id));
  if (unused.length > 0) throw new Error(`exercise ${grader.id}: exercise.yaml lists checks no grader runs: ${unused.join(', ')}`);
  return { id: grader.id, title: meta.title[lang] ?? meta.title.en, checks, ...(grader.warmUp && { warmUp: grader.warmUp }) };
}
