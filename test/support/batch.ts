// The 16-submission batch built from the fixtures, shared by the submissions test and the
// bench: each fixture's setup as a solution.sh, whose score on its own exercise is known
// and 0 on the others, and three that misbehave.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graders } from '../../graders/index.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { FIXTURE_IMAGE } from './engine.js';
import { expectedScore, loadFixtures } from './fixtures.js';

const FROM_FIXTURES: Record<string, string[]> = {
  'internal-network': ['correct', 'not-internal', 'db-exited'],
  'fixed-ip': ['correct', 'wrong-gateway', 'container-stopped'],
  'alias-dns': ['correct', 'api-alias-missing', 'merely-named-web'],
  'docker-user-firewall': ['correct', 'course-text', 'in-forward', 'user-chain'],
};
export const BYSTANDER = 'docknet-test-bystander';
export const HELD = 'docknet-sub-held';

/** Writes the batch under `submissions`; returns each one's exercise and expected score. */
export function writeFixtureBatch(submissions: string): Map<string, { exercise?: string; score: number }> {
  const expected = new Map<string, { exercise?: string; score: number }>();
  const write = (name: string, script: string) => {
    mkdirSync(join(submissions, name), { recursive: true });
    writeFileSync(join(submissions, name, 'solution.sh'), script);
  };
  for (const [exerciseId, names] of Object.entries(FROM_FIXTURES)) {
    const exercise = loadExercise(graders.find((g) => g.id === exerciseId)!);
    for (const fixture of loadFixtures(exerciseId).fixtures.filter((f) => names.includes(f.name))) {
      const name = `${exerciseId}--${fixture.name}`;
      write(name, `IMAGE=${FIXTURE_IMAGE}\nLABEL=io.docknet.test-submission=${name}\n${fixture.setup}`);
      expected.set(name, { exercise: exerciseId, score: expectedScore(exercise, fixture) });
    }
  }
  write('hangs', `docker network create docknet-sub-hang\nsleep 600\n`);
  expected.set('hangs', { score: 0 });
  write(
    'fails-midway',
    `docker network create --internal secure-network\nexit 3\ndocker run -d --name secure-app --network secure-network ${FIXTURE_IMAGE} sleep 3600\n`,
  );
  // the network is right; the containers never came
  const internal = loadExercise(graders.find((g) => g.id === 'internal-network')!);
  const networkPoints = internal.checks
    .filter((c) => ['network-exists', 'network-driver', 'network-internal'].includes(c.id))
    .reduce((s, c) => s + c.points, 0);
  expected.set('fails-midway', { exercise: 'internal-network', score: networkPoints });
  write('zz-holds-bystander', `docker network create ${HELD}\ndocker network connect ${HELD} ${BYSTANDER}\n`);
  expected.set('zz-holds-bystander', { score: 0 });
  return expected;
}
