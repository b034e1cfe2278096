import { expect } from 'chai';
import { Interrupted, Lifecycle, exitCodeFor, type Owned } from '../../src/commands/lifecycle.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('command lifecycle', () => {
  it('gives the shell’s exit codes for the signals it handles', () => {
    expect([exitCodeFor('SIGINT'), exitCodeFor('SIGTERM'), exitCodeFor('SIGHUP')]).to.deep.equal([130, 143, 129]);
  });

  it('removes the probes before race gives up, and no result comes out of an interrupted race', async () => {
    const life = new Lifecycle();
    const order: string[] = [];
    life.onInterrupt(async () => {
      await tick();
      order.push('probes removed');
    });
    let finish: (v: string) => void = () => {};
    const raced = life.race(() => new Promise<string>((r) => (finish = r)));
    void life.interrupt('SIGTERM');
    finish('a report of a cut-short run'); // the work settles first: still not a result
    const err = await raced.catch((e: unknown) => e);
    order.push('race gave up');
    expect(err).to.be.instanceOf(Interrupted);
    expect(order).to.deep.equal(['probes removed', 'race gave up']);
    expect(life.exitCode).to.equal(143);
  });

  it('starts no work after a signal', async () => {
    const life = new Lifecycle();
    await life.interrupt('SIGINT');
    let started = false;
    const err = await life
      .race(async () => {
        started = true;
      })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Interrupted);
    expect(started).to.equal(false);
  });

  it('runs what registers after the signal came, at once', async () => {
    const life = new Lifecycle();
    await life.interrupt('SIGINT');
    let ran = false;
    life.onInterrupt(() => (ran = true));
    await tick();
    expect(ran).to.equal(true);
  });

  it('owns what opens during a signal, so its probes go too', async () => {
    const life = new Lifecycle();
    const closed: string[] = [];
    let opened: (v: Owned) => void = () => {};
    const opening = life.open(() => new Promise<Owned>((r) => (opened = r)));
    void life.interrupt('SIGINT');
    opened({ closeProbes: async () => void closed.push('probes'), close: async () => void closed.push('session') });
    expect(await opening.catch((e: unknown) => e)).to.be.instanceOf(Interrupted);
    await tick();
    await life.cleanUp();
    expect(closed).to.deep.equal(['probes', 'session']);
  });
});
