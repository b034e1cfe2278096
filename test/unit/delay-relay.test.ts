import { connect, createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { startDelayRelay, type DelayRelay } from '../support/delay-relay.js';

describe('delay relay', () => {
  let echo: Server;
  let relay: DelayRelay;

  before(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    relay = await startDelayRelay('127.0.0.1', (echo.address() as { port: number }).port, 15);
  });
  after(async () => {
    await relay.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  /** Sends `chunks` through the relay to the echo server, one per tick, and reads until the end comes back. */
  async function roundTrip(chunks: string[]): Promise<{ text: string; firstMs: number }> {
    const socket = connect(relay.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const t0 = performance.now();
    let firstMs = -1;
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      if (firstMs < 0) firstMs = performance.now() - t0;
      text += chunk.toString();
    });
    for (const chunk of chunks) {
      socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    return { text, firstMs };
  }

  it('holds a chunk 15 ms each way: a round trip takes at least 30 ms', async () => {
    const { text, firstMs } = await roundTrip(['ping']);
    expect(text).to.equal('ping');
    expect(firstMs).to.be.at.least(29); // timers may fire a fraction of a millisecond early
  });

  it('keeps the order of many chunks, and carries the end both ways', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => `${i},`);
    expect((await roundTrip(chunks)).text).to.equal(chunks.join(''));
  });
});
