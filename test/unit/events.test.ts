import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { followEvents, type EngineEvent } from '../../src/docker/events.js';

/** An engine whose event streams the test ends at will, as a restarting dockerd does. */
function fakeEngine() {
  const streams: PassThrough[] = [];
  return {
    streams,
    getEvents: async () => {
      const s = new PassThrough();
      streams.push(s);
      return s;
    },
  };
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('engine events for watch', () => {
  it('passes events on, says when the stream ends, and listens again', async () => {
    const engine = fakeEngine();
    const events: EngineEvent[] = [];
    const gaps: string[] = [];
    let resumed = 0;
    const feed = await followEvents(
      engine as never,
      1000,
      { onEvent: (e) => events.push(e), onGap: (why) => gaps.push(why), onResumed: () => resumed++ },
      5,
    );
    engine.streams[0].write('{"Type":"network","Action":"connect"}\n{"Type":"container",');
    engine.streams[0].write('"Action":"start"}\n');
    await settle();
    expect(events.map((e) => `${e.Type} ${e.Action}`)).to.deep.equal(['network connect', 'container start']);

    engine.streams[0].end();
    await settle();
    expect(gaps).to.have.length(1);
    expect(gaps[0]).to.match(/event stream ended/);
    expect(engine.streams, 'a second stream was opened').to.have.length(2);
    expect(resumed, 'told once it listens again').to.equal(1);
    engine.streams[1].write('{"Type":"container","Action":"die"}\n');
    await settle();
    expect(events.at(-1)).to.deep.equal({ Type: 'container', Action: 'die' });
    feed.stop();
    await settle();
    expect(gaps, 'stopping is not a gap').to.have.length(1);
  });

  it('closes a stream that comes after its deadline', async () => {
    let late: PassThrough | undefined;
    const engine = {
      getEvents: () =>
        new Promise<PassThrough>((resolve) =>
          setTimeout(() => {
            late = new PassThrough();
            resolve(late);
          }, 40),
        ),
    };
    let failed: unknown;
    await followEvents(engine as never, 10, { onEvent: () => {}, onGap: () => {}, onResumed: () => {} }).catch(
      (err: unknown) => (failed = err),
    );
    expect(String(failed)).to.match(/timed out/);
    await settle(60);
    expect(late?.destroyed).to.equal(true);
  });

  it('keeps trying while the engine is down', async () => {
    let calls = 0;
    const streams: PassThrough[] = [];
    const engine = {
      getEvents: async () => {
        calls++;
        if (calls > 1 && calls < 4) throw new Error('connect ECONNREFUSED');
        const s = new PassThrough();
        streams.push(s);
        return s;
      },
    };
    const gaps: string[] = [];
    let resumed = 0;
    const feed = await followEvents(
      engine as never,
      1000,
      { onEvent: () => {}, onGap: (why) => gaps.push(why), onResumed: () => resumed++ },
      5,
    );
    streams[0].destroy();
    await settle(100);
    expect(calls).to.equal(4);
    expect(streams).to.have.length(2);
    expect(resumed).to.equal(1);
    feed.stop();
  });

  it('treats a line it cannot read as a gap, not a crash', async () => {
    const engine = fakeEngine();
    const gaps: string[] = [];
    const feed = await followEvents(
      engine as never,
      1000,
      { onEvent: () => {}, onGap: (why) => gaps.push(why), onResumed: () => {} },
      5,
    );
    engine.streams[0].write('not json\n');
    await settle();
    expect(gaps).to.deep.equal(['the engine sent an event docknet cannot read']);
    feed.stop();
  });
});
