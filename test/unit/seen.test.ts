import { expect } from 'chai';
import { SeenNames } from '../../src/engine/seen.js';
import { container, endpoint, MemoryHost, network } from '../support/memory-host.js';

describe('SeenNames: what a change can touch', () => {
  const secure = network('secure-network', { internal: true });
  const other = network('lab-other');
  const app = container('secure-app', [endpoint(secure, '172.18.0.2')]);
  const stranger = container('stranger', [endpoint(other, '172.19.0.2')]);
  const host = new MemoryHost([secure, other], [app, stranger]);

  it('is touched by the names and IDs it asked for or was given, found or not', async () => {
    const seen = new SeenNames();
    const watched = seen.watch(host);
    await watched.container('secure-db'); // not there yet
    await watched.containersOn((await watched.network('secure-network'))!);
    expect(seen.touchedBy({ names: ['secure-db'], ids: [] })).to.equal(true);
    expect(seen.touchedBy({ names: ['secure-app'], ids: [] })).to.equal(true);
    expect(seen.touchedBy({ names: [], ids: ['secure-network-id'] })).to.equal(true);
    expect(seen.touchedBy({ names: [], ids: ['secure-app-id'] })).to.equal(true);
    expect(seen.touchedBy({ names: ['stranger', 'lab-other'], ids: ['stranger-id', 'lab-other-id'] })).to.equal(false);
  });

  it('is touched by everything once it listed every container or network', async () => {
    const seen = new SeenNames();
    await seen.watch(host).runningContainers();
    expect(seen.touchedBy({ names: ['stranger'], ids: [] })).to.equal(true);
  });
});
