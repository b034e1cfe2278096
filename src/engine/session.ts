import { randomBytes } from 'node:crypto';
import { connect, resolveTarget, type Engine, type EngineTarget, type TransportPolicy } from '../docker/client.js';
import { openHostFirewall } from '../docker/host-firewall.js';
import { DockerHost } from '../docker/docker-host.js';
import { reapLeftovers } from '../docker/labels.js';
import { describeSource, ensureProbeImage } from '../docker/probe-image.js';
import { ProbeSession } from '../docker/probe.js';
import { packageVersion } from '../paths.js';
import type { Lang } from './grader.js';
import type { GradingReport } from './results.js';
import type { GradingContext } from './context.js';
import type { FirewallView } from './firewall-view.js';
import { rootlessFirewall, rootlessProbes } from './rootless.js';
import { gradeExercise, type Exercise } from './runner.js';
import { SeenNames } from './seen.js';

export interface GradingOptions {
  /** bound on each Engine API call and probe command, in ms */
  apiTimeoutMs: number;
  /** bound on each check, in ms */
  checkTimeoutMs: number;
  /** the language of messages and hints */
  lang?: Lang;
  /** filled with what each exercise looked at on the host, by exercise ID (to re-grade only what a change touches) */
  seen?: Map<string, SeenNames>;
}

export interface OpenOptions {
  /** bound on each Engine API call and probe command, in ms */
  apiTimeoutMs: number;
  /** make the probe image ready on the engine (every command that grades needs it) */
  probeImage?: boolean;
  /** told when the probe image had to be built or copied, for one line on stderr */
  onImage?: (line: string) => void;
  /** how an address given as text may be reached (--insecure, --ssh-accept-new) */
  transport?: TransportPolicy;
  /** the engine's network namespace when it is not docknet's own (a sandbox's): its firewall is read there */
  netns?: string;
}

/**
 * Everything one command holds on one engine: the connection, the probe image, the
 * probe sessions of its gradings. `close` removes every probe the session started
 * and ends the connection, however far the work got, and may be called any number
 * of times from anywhere (a signal's cleanup and the normal way out race).
 */
export class GradingSession {
  private readonly probeSessions = new Set<ProbeSession>();
  private closing?: Promise<void>;

  private constructor(
    readonly engine: Engine,
    private readonly netns?: string,
  ) {}

  static async open(target: EngineTarget | string | undefined, options: OpenOptions): Promise<GradingSession> {
    const resolved = typeof target === 'object' ? target : resolveTarget(target, process.env, options.transport);
    const session = new GradingSession(await connect(resolved, options.apiTimeoutMs), options.netns);
    if (options.probeImage) {
      try {
        const source = await ensureProbeImage(session.engine.docker, session.engine.info.arch);
        if (source !== 'present') options.onImage?.(`built the probe image (${describeSource(source)})`);
      } catch (err) {
        session.engine.close();
        throw err;
      }
    }
    return session;
  }

  /** The engine's own probes for one grading; closed with the session unless closed before. */
  private openProbes(timeoutMs: number): ProbeSession {
    if (this.closing) throw new Error('the grading session is closed');
    const probes = new ProbeSession(this.engine.docker, randomBytes(6).toString('hex'), {
      timeoutMs,
      hostPid: !this.engine.info.rootless,
    });
    this.probeSessions.add(probes);
    return probes;
  }

  /** Probes that outlive one grading (a watch's): the caller renews them between gradings; closed with the session. */
  keptProbes(timeoutMs: number): ProbeSession {
    return this.openProbes(timeoutMs);
  }

  /** Runs `work` with probes of its own, removed when it ends. */
  async withProbes<T>(timeoutMs: number, work: (probes: ProbeSession) => Promise<T>): Promise<T> {
    const probes = this.openProbes(timeoutMs);
    try {
      return await work(probes);
    } finally {
      this.probeSessions.delete(probes);
      await probes.close();
    }
  }

  /**
   * Grades the exercises with probes of its own. A class run's students on one endpoint grade at once
   * with `shared` probes (their owner's to close) and one reading of that host's firewall; a watch
   * brings its kept probes and reads the firewall afresh.
   */
  grade(
    exercises: Exercise<GradingContext>[],
    options: GradingOptions,
    shared?: { probes: ProbeSession; firewall?: FirewallView },
  ): Promise<GradingReport> {
    if (shared) return gradeEngine(this.engine, shared.probes, exercises, options, this.netns, shared.firewall);
    return this.withProbes(options.apiTimeoutMs, (probes) =>
      gradeEngine(this.engine, probes, exercises, options, this.netns),
    );
  }

  /** Removes every probe of the session's gradings; a grading in flight then ends with errors, not hangs. */
  async closeProbes(): Promise<void> {
    await Promise.allSettled([...this.probeSessions].map((p) => p.close()));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.closeProbes();
      this.engine.close();
    })();
    return this.closing;
  }
}

/** One grading run on one engine with the given probes: what killed runs left is reaped while it grades. */
async function gradeEngine(
  engine: Engine,
  probes: ProbeSession,
  exercises: Exercise<GradingContext>[],
  options: GradingOptions,
  netns?: string,
  firewall?: FirewallView,
): Promise<GradingReport> {
  // Leftovers of killed runs go while this run grades: they are never this run's, and waiting costs every run.
  const reaped = reapLeftovers(engine.docker, options.apiTimeoutMs);
  reaped.catch(() => {});
  const startedAt = new Date();
  const { rootless } = engine.info;
  const ctx: GradingContext = {
    host: new DockerHost(engine.docker, options.apiTimeoutMs, engine.info.apiVersion),
    probes: rootless ? rootlessProbes(probes) : probes,
    engine: engine.info,
    firewall: rootless
      ? rootlessFirewall
      : (firewall ?? openHostFirewall(engine.target, probes, { timeoutMs: options.apiTimeoutMs, netns })),
  };
  const results = await Promise.all(
    exercises.map((e) => {
      const seen = options.seen && new SeenNames();
      if (seen) options.seen!.set(e.id, seen);
      return gradeExercise(e, seen ? { ...ctx, host: seen.watch(ctx.host) } : ctx, {
        checkTimeoutMs: options.checkTimeoutMs,
        lang: options.lang,
      });
    }),
  );
  await reaped;
  return {
    tool: { name: 'docknet', version: packageVersion },
    host: engine.target.label,
    engine: engine.info,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
    exercises: results,
  };
}
