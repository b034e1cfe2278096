import { expect } from 'chai';
import { loadFixtures, versionBefore } from '../../src/fixtures.js';

describe('fixtures whose statuses depend on the engine', () => {
  it('compares engine versions by their numbers, ignoring a distribution suffix', () => {
    expect(versionBefore('20.10.24+dfsg1', '25.0.4')).to.equal(true);
    expect(versionBefore('25.0.3', '25.0.4')).to.equal(true);
    expect(versionBefore('25.0.4', '25.0.4')).to.equal(false);
    expect(versionBefore('26.1.5+dfsg1', '25.0.4')).to.equal(false);
    expect(versionBefore('28.5.1', '25.0.4')).to.equal(false);
  });

  it('an internal network opened by ACCEPT in DOCKER-USER fails its no-way-out checks before 25.0.4, and passes after', () => {
    const fixture = loadFixtures('internal-network').fixtures.find((f) => f.name === 'docker-user-accepts-all')!;
    expect(fixture.before).to.deep.equal({
      engine: '25.0.4',
      expect: { 'secure-app-isolated': 'failed', 'secure-db-isolated': 'failed' },
    });
    expect(fixture.expect).to.deep.equal({});
  });
});
