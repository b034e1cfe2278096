// The fixtures of src/fixtures.ts on the tests' engine.
import * as fixtures from '../../src/fixtures.js';
import { docker } from './engine.js';

export { loadFixtures, applyFixture, expectedScore, type Fixture, type FixtureSet } from '../../src/fixtures.js';

export const assertNothingReserved = (set: fixtures.FixtureSet) => fixtures.assertNothingReserved(docker, set);
export const removeFixture = (fixture: fixtures.Fixture) => fixtures.removeFixture(docker, fixture);
