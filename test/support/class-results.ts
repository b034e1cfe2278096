// A class graded without an engine: each student's checks get the statuses one fixture of each
// exercise declares (fixtures/<id>/fixtures.yaml), so every status a real run can give is there.
import { graders } from '../../graders/index.js';
import type { Lang } from '../../src/engine/grader.js';
import type { CheckResult, ExerciseResult, GradingReport, Status } from '../../src/engine/results.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { maxScoreOf } from '../../src/engine/runner.js';
import { loadFixtures } from '../../src/fixtures.js';
import type { HtmlStudent } from '../../src/report/html.js';

/** Host texts that would run as script if any of them reached the page as markup. */
export const HOSTILE_NAME = '<script>window.__pwned = "name"</script>Mallory';
export const HOSTILE_COMMENT =
  '-A DOCKER-USER -m comment --comment "<script>window.__pwned = \'comment\'</script></script>" -j DROP';
export const HOSTILE_MESSAGE = 'found <img src="x" onerror="window.__pwned = \'message\'"> & more';

// exercise.yaml marks no check hidden today; the class view must still mark one
const HIDDEN_CHECK = 'internal-network/db-answers';

export function classExercises(lang: Lang = 'en') {
  return graders.map((g) => loadExercise(g, lang));
}

const fixtureSets = new Map<string, ReturnType<typeof loadFixtures>>();
function fixturesOf(exercise: string) {
  if (!fixtureSets.has(exercise)) fixtureSets.set(exercise, loadFixtures(exercise));
  return fixtureSets.get(exercise)!;
}

function exerciseResult(
  exercise: ReturnType<typeof classExercises>[number],
  fixture: string,
  student: number,
): ExerciseResult {
  const set = fixturesOf(exercise.id);
  const declared = set.fixtures.find((f) => f.name === fixture)!.expect;
  const checks: CheckResult[] = exercise.checks.map((c) => {
    const status = (declared[c.id] ?? 'passed') as Status;
    const base = {
      id: c.id,
      title: c.title,
      points: status === 'passed' ? c.points : 0,
      maxPoints: c.points,
      durationMs: 5,
      ...(`${exercise.id}/${c.id}` === HIDDEN_CHECK && { hidden: true }),
    };
    if (status === 'passed') return { ...base, status, message: `${c.id} is right` };
    if (status === 'skipped')
      return { ...base, status, message: `not checked because a prerequisite of ${c.id} did not pass` };
    if (status === 'error') return { ...base, status, message: `check "${c.id}" timed out after 30.0 s` };
    return {
      ...base,
      status,
      message: student === 1 ? HOSTILE_MESSAGE : `${c.id} is not right (fixture ${fixture})`,
      expected: `${c.id}: as the exercise asks`,
      actual: student === 1 ? HOSTILE_COMMENT : `${c.id}: as fixture ${fixture} left it`,
      hint: `Read the ${exercise.id} README about ${c.id}.`,
    };
  });
  return {
    id: exercise.id,
    title: exercise.title,
    score: checks.reduce((s, c) => s + c.points, 0),
    maxScore: maxScoreOf(exercise),
    checks,
    durationMs: 40,
  };
}

export function studentReport(exercises: ReturnType<typeof classExercises>, student: number): GradingReport {
  const results = exercises.map((e) => {
    const fixtures = fixturesOf(e.id).fixtures;
    return exerciseResult(e, fixtures[student % fixtures.length].name, student);
  });
  return {
    tool: { name: 'docknet', version: '0.1.0' },
    host: `ssh://lab${student}.example.test`,
    engine: { version: '26.1.5', apiVersion: '1.45', os: 'linux', arch: 'amd64' },
    startedAt: '2026-11-24T10:00:00.000Z',
    durationMs: 160,
    score: results.reduce((s, e) => s + e.score, 0),
    maxScore: results.reduce((s, e) => s + e.maxScore, 0),
    exercises: results,
  };
}

/**
 * `size` students in roster order: student 1 carries the hostile texts, the last one's engine could
 * not be reached and the one before it is not graded yet; every other one is graded.
 */
export function classResults(
  size: number,
  lang: Lang = 'en',
): { exercises: { id: string; maxScore: number }[]; students: HtmlStudent[] } {
  const exercises = classExercises(lang);
  const students = Array.from({ length: size }, (_, i): HtmlStudent => {
    const student = {
      id: `s${String(i + 1).padStart(3, '0')}`,
      name: i === 1 ? HOSTILE_NAME : `Student ${i + 1}`,
      where: `ssh://lab${i}.example.test`,
    };
    if (i === size - 1)
      return { student, status: 'error', error: `cannot reach the engine at ${student.where}: connect ECONNREFUSED` };
    if (i === size - 2) return { student, status: 'not-graded' };
    const report = studentReport(exercises, i);
    const errored = report.exercises.some((e) => e.checks.some((c) => c.status === 'error'));
    return { student, status: errored ? 'graded-with-errors' : 'graded', report };
  });
  return { exercises: exercises.map((e) => ({ id: e.id, maxScore: maxScoreOf(e) })), students };
}
