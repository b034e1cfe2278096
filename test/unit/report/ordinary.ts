// An ordinary run, as the fixtures produce them: the reports of it are pinned byte for byte in golden/.
import type { Student } from '../../../src/class/roster.js';
import type { ExerciseColumn, GradingReport, StudentResult } from '../../../src/engine/results.js';

export const report: GradingReport = {
  tool: { name: 'docknet', version: '0.1.0' },
  host: 'unix:///var/run/docker.sock',
  engine: { version: '20.10.24', apiVersion: '1.41', os: 'linux', arch: 'amd64' },
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 1734,
  score: 5,
  maxScore: 12,
  exercises: [
    {
      id: 'internal-network',
      title: 'Isolated network',
      score: 3,
      maxScore: 10,
      durationMs: 1200,
      checks: [
        {
          id: 'exists',
          title: 'Network exists',
          status: 'passed',
          points: 3,
          maxPoints: 3,
          message: 'network "backend" exists',
          durationMs: 2,
        },
        {
          id: 'internal',
          title: 'Network is internal',
          status: 'failed',
          points: 0,
          maxPoints: 2,
          message: 'network "backend" is not internal',
          expected: 'Internal: true',
          actual: 'Internal: false',
          hint: 'docker network create --internal backend',
          durationMs: 1,
        },
        {
          id: 'no-egress',
          title: 'Reaches nothing outside',
          status: 'error',
          points: 0,
          maxPoints: 4,
          message: 'check "no-egress" timed out after 30.0 s',
          durationMs: 30000,
        },
        {
          id: 'dns',
          title: 'Resolves its peers',
          status: 'skipped',
          points: 0,
          maxPoints: 1,
          message: 'not checked because "Network is internal" failed',
          durationMs: 0,
        },
        {
          id: 'secret',
          title: 'A hidden check',
          status: 'failed',
          points: 0,
          maxPoints: 0,
          message: 'web is on 10.0.0.0/24',
          expected: '172.30.0.0/24',
          actual: '10.0.0.0/24',
          hint: 'look at the subnet',
          hidden: true,
          durationMs: 3,
        },
      ],
    },
    {
      id: 'alias-dns',
      title: 'Aliases',
      score: 2,
      maxScore: 2,
      durationMs: 534,
      checks: [
        {
          id: 'alias',
          title: 'db answers as "database"',
          status: 'passed',
          points: 2,
          maxPoints: 2,
          message: '"database" resolves to 172.30.0.3',
          durationMs: 12,
        },
      ],
    },
  ],
};

export const columns: ExerciseColumn[] = [
  { id: 'internal-network', maxScore: 10 },
  { id: 'alias-dns', maxScore: 2 },
];

const exercises = [
  { id: 'internal-network', title: 'Isolated network', maxScore: 10 },
  { id: 'alias-dns', title: 'Aliases', maxScore: 2 },
];

export function student(id: string, name: string): Student {
  return { id, name, endpoint: `ssh://docker@${id}.lab`, where: `ssh://docker@${id}.lab`, credentials: {}, slug: id };
}

export const roster: Student[] = [student('kim', 'Kim Minji'), student('lee', 'Lee Jun'), student('park', 'Park Seo')];

/** kim: graded, with a solution that ran; lee: not graded; park: not graded yet. */
export const graded: StudentResult = {
  student: { id: 'kim', name: 'Kim Minji', where: 'ssh://docker@kim.lab' },
  status: 'graded-with-errors',
  report,
  exercises,
  solution: {
    command: 'sh -eu solution.sh',
    exitCode: 0,
    timedOut: false,
    output: 'creating backend\ndone\n',
    durationMs: 800,
  },
  problems: ['container web-probe could not be removed'],
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 2500,
  finishedAt: '2026-11-24T10:00:02.500Z',
};

export const notGraded: StudentResult = {
  student: { id: 'lee', name: 'Lee Jun', where: 'ssh://docker@lee.lab' },
  status: 'error',
  error: 'no answer from the Docker engine within 10 s',
  exercises,
  solution: { command: 'docker compose -p lee -f compose.yaml up -d', timedOut: true, output: '', durationMs: 60000 },
  startedAt: '2026-11-24T10:00:03.000Z',
  durationMs: 10000,
  finishedAt: '2026-11-24T10:00:13.000Z',
};

export const results = new Map<string, StudentResult>([
  ['kim', graded],
  ['lee', notGraded],
]);
