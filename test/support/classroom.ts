// Reads docknet's GitHub Classroom output the way classroom-resources/autograding-grading-reporter@v1 does:
// the runner ids from `runners`, each runner's base64 JSON from <ID>_RESULTS in the environment.
import type { ClassroomResult } from '../../src/report/classroom.js';

export interface ClassroomRun {
  runners: string[];
  results: Map<string, ClassroomResult>;
  /** what the reporter posts as the grade: every runner with points at stake, its tests' scores over its max_score */
  grade: { points: number; max: number };
}

export function readClassroom(text: string): ClassroomRun {
  const env = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const at = line.indexOf('=');
    env.set(line.slice(0, at), line.slice(at + 1));
  }
  const runners = (env.get('DOCKNET_RUNNERS') ?? '').split(',');
  const results = new Map(
    runners.map((id) => {
      const encoded = env.get(`${id.trim().toUpperCase()}_RESULTS`);
      if (encoded === undefined) throw new Error(`no ${id.toUpperCase()}_RESULTS for runner ${id}`);
      return [id, JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as ClassroomResult] as const;
    }),
  );
  const grade = { points: 0, max: 0 };
  for (const result of results.values()) {
    if (!result.max_score) continue;
    grade.max += result.max_score;
    for (const test of result.tests) grade.points += test.score;
  }
  return { runners, results, grade };
}

/** The reporter's table: a runner's score is the share of its tests that passed, times its max_score. */
export function tableScore(result: ClassroomResult): number {
  return (result.tests.filter((t) => t.status === 'pass').length / result.tests.length) * (result.max_score || 1);
}
