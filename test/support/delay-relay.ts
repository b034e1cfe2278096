// A TCP relay that holds every chunk a fixed time in each direction: round-trip delay
// for an engine on this machine, where the kernel has no netem qdisc. Chunks leave in
// the order they came; an end or an error on either side ends both.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DelayRelay {
  /** the port it listens on, on 127.0.0.1 */
  port: number;
  close(): Promise<void>;
}

/** Relays 127.0.0.1:<a free port> to `host`:`port`, holding each chunk `delayMs` each way. */
export async function startDelayRelay(host: string, port: number, delayMs: number): Promise<DelayRelay> {
  const sockets = new Set<Socket>();
  // half-open: each side's end is passed on after the delay, not answered at once by Node
  const server: Server = createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = connect({ port, host, allowHalfOpen: true });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    delayed(inbound, outbound, delayMs);
    delayed(outbound, inbound, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Copies `from` to `to`, each chunk (and the end) `delayMs` after it arrived. Timers of
 * one delay fire in the order they were set, so order holds; a destination that
 * cannot keep up pauses the source until it drains.
 */
function delayed(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', (chunk: Buffer) => {
    setTimeout(() => {
      if (to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
}
