import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { exercisesDir } from '../paths.js';
import type { Check, CheckSpec, Grader, Lang, Localized } from './grader.js';
import type { GradingContext } from './context.js';
import type { Exercise } from './runner.js';
import { dataCheck, type DataCheckEntry } from './vocabulary.js';
import { drawParams, renderDeep, specProblems, type ParamSpecs, type ParamValues, type VariantKey } from './params.js';

export type { Lang } from './grader.js';

/** exercises/<id>/exercise.yaml: what students read, how many points each check is worth, and the checks written as data. */
export interface ExerciseMetadata {
  /** place in the course: exercises are listed and graded by it, then by id */
  order?: number;
  title: Localized;
  /** `firewall`: the checks read the host's filter table, so `watch` polls DOCKER-USER */
  reads?: string[];
  /** values that differ per student (a subnet, a name, a port), which the texts and checks refer to as `{{ name }}` */
  params?: ParamSpecs;
  /** hidden: students see whether the check passed, never what it expected (instructors see everything) */
  checks: Record<string, DataCheckEntry & { title: Localized; points: number; hidden?: boolean }>;
}

/** One exercise folder: its id is the folder's name. */
export interface ExerciseFolder {
  id: string;
  dir: string;
  order: number;
}

/** Folders an instructor adds: --exercises DIR, then DOCKNET_EXERCISES (several joined like PATH). */
export function extraExerciseRoots(cli: string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  return [...cli, ...(env.DOCKNET_EXERCISES ?? '').split(delimiter).filter(Boolean)].map((d) => resolve(d));
}

/**
 * Every exercise: the package's folders, then an instructor's. The folders are the
 * registry; an id twice is an error, since which one graded would be an accident.
 */
export function exerciseFolders(extraRoots: string[] = []): ExerciseFolder[] {
  const seen = new Map<string, ExerciseFolder>();
  for (const root of [exercisesDir, ...extraRoots]) {
    if (!existsSync(root)) throw new Error(`exercise folder ${root} does not exist`);
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const dir = join(root, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'exercise.yaml'))) continue;
      const earlier = seen.get(entry.name);
      if (earlier) throw new Error(`exercise ${entry.name} is defined twice: ${earlier.dir} and ${dir}`);
      seen.set(entry.name, { id: entry.name, dir, order: readMetadata(dir).order ?? Number.MAX_SAFE_INTEGER });
    }
  }
  return [...seen.values()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

// Parsing costs a start more than reading: each text is parsed once per process, with js-yaml
// (four times faster than `yaml`, which lint keeps for its line numbers; both read YAML 1.2).
const parsed = new Map<string, { text: string; meta: ExerciseMetadata }>();

export function readMetadata(dir: string): ExerciseMetadata {
  const file = join(dir, 'exercise.yaml');
  const text = readFileSync(file, 'utf8');
  let known = parsed.get(file);
  if (known?.text !== text) {
    known = { text, meta: load(text) as ExerciseMetadata };
    parsed.set(file, known);
  }
  // a copy: callers may change what they get
  return structuredClone(known.meta);
}

export function folderOf(grader: Pick<Grader<unknown>, 'id' | 'dir'>): string {
  return grader.dir ?? join(exercisesDir, grader.id);
}

/** An exercise's canonical values: what its code graders check when no student is named. */
export function canonicalValues(id: string, dir: string = join(exercisesDir, id)): ParamValues {
  return drawParams(id, readMetadata(dir).params);
}

/**
 * An exercise's metadata for one variant: its values (the canonical ones without a student)
 * and everything else with their placeholders filled. A declaration that cannot hold, or a
 * placeholder naming no declared value, stops everything, as any other authoring mistake.
 */
export function variantOf(
  id: string,
  dir: string,
  key: VariantKey = {},
): { meta: ExerciseMetadata; values: ParamValues } {
  const { params, ...rest } = readMetadata(dir);
  const problems = specProblems(params ?? {});
  if (problems.length > 0) throw new Error(`exercise ${id}: ${problems[0]}`);
  const values = drawParams(id, params, key);
  return { meta: { ...renderDeep(rest, values, `exercise ${id}`), ...(params && { params }) }, values };
}

/**
 * Joins a grader's checks with its exercise's metadata, in the metadata's order: an
 * entry with a `kind` is a check written as data, any other is the grader's code.
 * Mismatches are the author's mistake and stop everything: a check without points,
 * or points without a check, would silently change every student's score.
 */
export function loadExercise(
  grader: Grader<GradingContext>,
  lang: Lang = 'en',
  key: VariantKey = {},
): Exercise<GradingContext> {
  const { meta, values } = variantOf(grader.id, folderOf(grader), key);
  const built = meta.params && grader.variant ? grader.variant(values) : grader;
  const code = new Map<string, CheckSpec<GradingContext>>(built.checks.map((c) => [c.id, c]));
  const missing = built.checks.filter((c) => !meta.checks?.[c.id]).map((c) => c.id);
  if (missing.length > 0)
    throw new Error(
      `exercise ${grader.id}: check ${missing.map((id) => `"${id}"`).join(', ')} has no entry in exercise.yaml`,
    );
  const declared = new Set<string>();
  const checks: Check<GradingContext>[] = Object.entries(meta.checks ?? {}).map(([id, m]) => {
    const spec = m.kind !== undefined ? dataCheck(id, m) : code.get(id);
    if (!spec)
      throw new Error(
        `exercise ${grader.id}: exercise.yaml lists checks no grader runs: "${id}" has no kind and no code`,
      );
    if (m.kind !== undefined && code.has(id))
      throw new Error(`exercise ${grader.id}: check "${id}" is both data and code`);
    if (!(Number.isInteger(m.points) && m.points >= 0))
      throw new Error(`exercise ${grader.id}: check "${id}" needs whole, non-negative points`);
    for (const need of spec.needs ?? []) {
      // declared-before keeps the prerequisite graph free of cycles
      if (!declared.has(need))
        throw new Error(`exercise ${grader.id}: check "${id}" needs "${need}", which is not declared before it`);
    }
    declared.add(id);
    if (m.hidden !== undefined && typeof m.hidden !== 'boolean')
      throw new Error(`exercise ${grader.id}: check "${id}" has hidden: ${String(m.hidden)}, not true or false`);
    return { ...spec, title: m.title[lang] ?? m.title.en, points: m.points, ...(m.hidden && { hidden: true }) };
  });
  return {
    id: grader.id,
    title: meta.title[lang] ?? meta.title.en,
    checks,
    ...(meta.reads?.includes('firewall') && { readsFirewall: true }),
    ...(built.warmUp && { warmUp: built.warmUp }),
    // recorded only for a named student: a canonical run's reports stay as they were
    ...(key.student !== undefined && meta.params && { variant: { student: key.student, values } }),
  };
}
