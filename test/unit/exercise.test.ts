import { expect } from 'chai';
import { graders } from '../../graders/index.js';
import { pass, type Grader } from '../../src/engine/grader.js';
import { loadExercise } from '../../src/engine/exercise.js';

describe('exercise metadata', () => {
  for (const grader of graders) {
    it(`${grader.id}: every check has a title in both languages and points, and nothing extra`, () => {
      const en = loadExercise(grader, 'en');
      const ko = loadExercise(grader, 'ko');
      expect(en.checks.map((c) => c.id)).to.include.members(grader.checks.map((c) => c.id));
      for (const [i, c] of en.checks.entries()) {
        expect(c.title, c.id).to.be.a('string').and.not.empty;
        expect(ko.checks[i].title, c.id).to.not.equal(c.title);
        expect(c.points, c.id).to.be.greaterThan(0);
      }
    });
  }

  const stub = { run: async () => pass('ok') };

  it('refuses a check that exercise.yaml does not list', () => {
    const g: Grader<unknown> = { id: 'internal-network', checks: [{ id: 'not-in-yaml', ...stub }] };
    expect(() => loadExercise(g)).to.throw(/"not-in-yaml" has no entry/);
  });

  it('refuses points without a check', () => {
    const g: Grader<unknown> = { id: 'internal-network', checks: [{ id: 'network-exists', ...stub }] };
    expect(() => loadExercise(g)).to.throw(/lists checks no grader runs/);
  });

  it('refuses a prerequisite declared after its dependent (no cycles)', () => {
    const [first, ...rest] = graders[0].checks;
    const g: Grader<unknown> = {
      id: graders[0].id,
      checks: [{ ...first, needs: [rest[0].id] }, ...rest] as Grader<unknown>['checks'],
    };
    expect(() => loadExercise(g)).to.throw(/not declared before it/);
  });
});
