import { expect } from 'chai';
import type Docker from 'dockerode';
import { ProbePool } from '../../../src/class/probe-pool.js';
import type { Engine } from '../../../src/docker/client.js';

/** An engine that is never asked anything: the sessions here start no probes. */
function fakeEngine(log: string[], name: string): Engine {
  return {
    docker: {} as Docker,
    target: { label: name, options: {}, sameHost: false },
    info: { version: 'test', apiVersion: '1.41' },
    close: () => log.push(`closed ${name}`),
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('probe pool', () => {
  it('gives students on one engine one session, opened once, and closes it a moment after the last lets go', async () => {
    const log: string[] = [];
    const pool = new ProbePool(1000, 30);
    let opened = 0;
    const open = async () => fakeEngine(log, `engine${++opened}`);
    const [a, b] = await Promise.all([pool.lease('id-1', open), pool.lease('id-1', open)]);
    const other = await pool.lease('id-2', open);
    expect(a.probes).to.equal(b.probes);
    expect(other.probes).to.not.equal(a.probes);
    expect(opened).to.equal(2);

    await a.release();
    await a.release(); // twice counts once
    await tick(50);
    expect(log, 'b still holds it').to.deep.equal([]);
    await b.release();
    const c = await pool.lease('id-1', open); // within the grace: the same session again
    expect(c.probes).to.equal(a.probes);
    await c.release();
    await tick(60);
    expect(log).to.deep.equal(['closed engine1']);
    await pool.closeAll();
    expect(log).to.deep.equal(['closed engine1', 'closed engine2']);
  });

  it('does not keep a session that failed to open, and refuses leases after closeAll', async () => {
    const pool = new ProbePool(1000, 30);
    let attempts = 0;
    const failing = async (): Promise<Engine> => {
      attempts++;
      throw new Error('refused');
    };
    await pool.lease('id', failing).then(
      () => expect.fail('should not open'),
      (err: Error) => expect(err.message).to.equal('refused'),
    );
    await pool.lease('id', failing).catch(() => {});
    expect(attempts, 'the second student tries again').to.equal(2);
    await pool.closeAll();
    await pool.lease('id', failing).then(
      () => expect.fail('should refuse'),
      (err: Error) => expect(err.message).to.match(/over/),
    );
  });
});

describe('probe pool cleanup failures', () => {
  it('a probe removal that times out when the pool goes idle neither rejects unhandled nor fails closeAll', async () => {
    const notes: string[] = [];
    const pool = new ProbePool(1000, 10, (line) => notes.push(line));
    const lease = await pool.lease('id-1', async () => fakeEngine([], 'engine1'));
    // the session's close fails as a removal past its deadline would
    lease.probes.close = () => Promise.reject(new Error('removing a probe timed out after 1.0 s'));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await lease.release();
      await tick(40);
      await pool.closeAll();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).to.deep.equal([]);
    expect(notes).to.have.length(1);
    expect(notes[0]).to.match(/could not remove the probes on id-1 .*timed out/);
  });
});
