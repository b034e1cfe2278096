import { randomBytes } from 'node:crypto';
import type { Engine } from '../docker/client.js';
import { ProbeSession } from '../docker/probe.js';

interface Entry {
  opened: Promise<{ engine: Engine; probes: ProbeSession }>;
  users: number;
}

export interface Lease {
  probes: ProbeSession;
  /** the last student of an engine to let go removes its probes */
  release(): Promise<void>;
}

/**
 * Probe sessions of a class run, one per engine. Students graded at the same time
 * on one engine (a shared lab server, or a test bed) use the same probes, one per
 * network or namespace, instead of each starting its own: container starts are
 * what an engine does slowest. Each student's checks still run on their own.
 */
export class ProbePool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly timeoutMs: number) {}

  /** `open` makes the session's own connection, so it outlives the student who opened it. */
  async lease(engineId: string, open: () => Promise<Engine>): Promise<Lease> {
    if (this.closed) throw new Error('the class run is over');
    let entry = this.entries.get(engineId);
    if (!entry) {
      const opened = open().then((engine) => ({ engine, probes: new ProbeSession(engine.docker, randomBytes(6).toString('hex'), { timeoutMs: this.timeoutMs }) }));
      entry = { opened, users: 0 };
      this.entries.set(engineId, entry);
    }
    const current = entry;
    current.users++;
    // every caller, the second too, waits for the same release (and removal, if it was the last)
    let released: Promise<void> | undefined;
    const release = () =>
      (released ??= (async () => {
        if (--current.users > 0) return;
        if (this.entries.get(engineId) === current) this.entries.delete(engineId);
        await closeEntry(current);
      })());
    try {
      return { probes: (await current.opened).probes, release };
    } catch (err) {
      await release();
      throw err;
    }
  }

  /** Removes every probe on every engine; later leases are refused. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(closeEntry));
  }
}

async function closeEntry(entry: Entry): Promise<void> {
  const opened = await entry.opened.catch(() => undefined);
  if (!opened) return;
  await opened.probes.close();
  opened.engine.close();
}
