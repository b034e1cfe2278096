import { randomBytes } from 'node:crypto';
import type { Engine } from '../docker/client.js';
import { ProbeSession } from '../docker/probe.js';
import { errorMessage } from '../errors.js';

interface Entry {
  opened: Promise<{ engine: Engine; probes: ProbeSession }>;
  users: number;
  /** pending removal once the last user let go, unless another comes first */
  idle?: NodeJS.Timeout;
}

// Students sharing an engine finish together, and the next ones take a moment to
// connect: probes removed at once would be started again right away.
const IDLE_BEFORE_CLOSE_MS = 3000;

export interface Lease {
  probes: ProbeSession;
  /** the last student of an engine to let go has its probes removed, after a short wait for another */
  release(): Promise<void>;
}

/**
 * Probe sessions of a class run, one per endpoint as dialled: never per the ID an
 * engine reports, which cloned lab VMs share. Students graded at the same time
 * on one engine (a shared lab server, or a test bed) use the same probes, one per
 * network or namespace, instead of each starting its own: container starts are
 * what an engine does slowest. Each student's checks still run on their own.
 */
export class ProbePool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private readonly closing = new Set<Promise<void>>();

  /** `note` hears of probes that could not be removed (the next run reaps them): a class run goes on. */
  constructor(
    private readonly timeoutMs: number,
    private readonly idleBeforeCloseMs = IDLE_BEFORE_CLOSE_MS,
    private readonly note: (line: string) => void = () => {},
  ) {}

  /** `open` makes the session's own connection, so it outlives the student who opened it. */
  async lease(endpoint: string, open: () => Promise<Engine>): Promise<Lease> {
    if (this.closed) throw new Error('the class run is over');
    let entry = this.entries.get(endpoint);
    if (!entry) {
      const opened = open().then((engine) => ({
        engine,
        probes: new ProbeSession(engine.docker, randomBytes(6).toString('hex'), {
          timeoutMs: this.timeoutMs,
          hostPid: !engine.info.rootless,
        }),
      }));
      entry = { opened, users: 0 };
      this.entries.set(endpoint, entry);
    }
    const current = entry;
    clearTimeout(current.idle);
    current.users++;
    // releasing twice (a student's time limit, then its work ending) counts once
    let released: Promise<void> | undefined;
    const release = () =>
      (released ??= (async () => {
        if (--current.users > 0) return;
        current.idle = setTimeout(() => {
          if (this.entries.get(endpoint) === current) this.entries.delete(endpoint);
          const closing = this.closeEntry(endpoint, current).finally(() => this.closing.delete(closing));
          this.closing.add(closing);
        }, this.idleBeforeCloseMs);
      })());
    try {
      return { probes: (await current.opened).probes, release };
    } catch (err) {
      // a session that could not open is not kept for the next student to fail on
      if (this.entries.get(endpoint) === current) this.entries.delete(endpoint);
      await release();
      throw err;
    }
  }

  /** Removes every probe on every engine; later leases are refused. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries];
    this.entries.clear();
    for (const [, entry] of entries) clearTimeout(entry.idle);
    await Promise.all([...entries.map(([endpoint, entry]) => this.closeEntry(endpoint, entry)), ...this.closing]);
  }

  /**
   * Never rejects: it runs from a timer, where a rejection would end the whole class
   * run (exit 1, no gradebook), and from `closeAll`, whose caller still writes the gradebook.
   */
  private async closeEntry(endpoint: string, entry: Entry): Promise<void> {
    const opened = await entry.opened.catch(() => undefined);
    if (!opened) return;
    try {
      await opened.probes.close();
    } catch (err) {
      this.note(
        `could not remove the probes on ${endpoint} (the next run there removes them): ${errorMessage(err).split('\n')[0]}`,
      );
    } finally {
      opened.engine.close();
    }
  }
}
