import { constants } from 'node:os';

const HANDLED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** Thrown by `Lifecycle.race` once an interruption's cleanup is done: the command stops where it is. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

/** What a command holds on an engine: its probes go at once on an interruption, the rest when the command ends. */
export interface Owned {
  closeProbes(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How a command learns of an interruption and says what must happen then: what
 * must stop at once registers with `onInterrupt`, what must go on every way out
 * with `defer`, and a grading session with `own`.
 */
export class Lifecycle {
  signal?: NodeJS.Signals;
  /** what the first signal sets off, as told on stderr; empty when the command tells it itself */
  stopping = "removing the grader's probes";
  private readonly onInterruptFns: (() => unknown)[] = [];
  private readonly deferred: (() => unknown)[] = [];
  private cleanedUp?: Promise<void>;
  private readonly interruptedPromise: Promise<never>;
  private rejectInterrupted: (err: Interrupted) => void = () => {};

  constructor() {
    this.interruptedPromise = new Promise<never>((_, reject) => (this.rejectInterrupted = reject));
    this.interruptedPromise.catch(() => {});
  }

  /** Runs once, on the first signal: at once when that signal came already. */
  onInterrupt(fn: () => unknown): void {
    if (this.signal)
      queueMicrotask(
        () =>
          void Promise.resolve()
            .then(fn)
            .catch(() => {}),
      );
    else this.onInterruptFns.push(fn);
  }

  /** Runs when the command ends, whichever way. */
  defer(fn: () => unknown): void {
    this.deferred.push(fn);
  }

  own<T extends Owned>(owned: T): T {
    this.onInterrupt(() => owned.closeProbes());
    this.defer(() => owned.close());
    return owned;
  }

  /**
   * Opens what the command will hold (a grading session): owned as soon as it exists,
   * even when a signal came while it opened, and never waited for past that signal.
   */
  open<T extends Owned>(opening: () => Promise<T>): Promise<T> {
    return this.race(() => opening().then((owned) => this.own(owned)));
  }

  /** The work's result, or `Interrupted` once an interruption's cleanup is done; no work starts after a signal. */
  async race<T>(start: () => Promise<T>): Promise<T> {
    if (this.signal) return this.interruptedPromise;
    const work = start();
    work.catch(() => {}); // abandoned on interruption: its rejection is nobody's
    try {
      return await Promise.race([work, this.interruptedPromise]);
    } finally {
      // work cut short by the interruption may still settle first: it is not a result either
      if (this.signal) await this.interruptedPromise;
    }
  }

  get exitCode(): number | undefined {
    return this.signal && exitCodeFor(this.signal);
  }

  /** @internal the first signal: stop the work (its probes removed), then let `race` give up */
  async interrupt(signal: NodeJS.Signals): Promise<void> {
    if (this.signal) return;
    this.signal = signal;
    await Promise.allSettled(this.onInterruptFns.map(async (fn) => fn()));
    this.rejectInterrupted(new Interrupted(signal));
  }

  /** @internal */
  cleanUp(): Promise<void> {
    this.cleanedUp ??= Promise.allSettled(this.deferred.map(async (fn) => fn())).then(() => {});
    return this.cleanedUp;
  }
}

/**
 * Runs a command with signal-safe cleanup: the first SIGINT, SIGTERM or SIGHUP stops
 * the work and removes what it started, a second one while that happens changes
 * nothing (probes must not be left running), and the exit code says which signal it was.
 */
export async function runCommand(body: (life: Lifecycle) => Promise<number>): Promise<number> {
  const life = new Lifecycle();
  const onSignal = (signal: NodeJS.Signals) => {
    if (life.signal) return;
    if (life.stopping) process.stderr.write(`\ndocknet: ${signal}: ${life.stopping}\n`);
    void life.interrupt(signal);
  };
  // Kept until the process exits: a second signal during cleanup must not kill it with its probes still running.
  for (const s of HANDLED) process.on(s, onSignal);
  let code: number;
  try {
    code = await body(life);
  } catch (err) {
    // After a signal, whatever failed failed because the work was being stopped.
    if (!(err instanceof Interrupted) && !life.signal) {
      await life.cleanUp();
      throw err;
    }
    code = life.exitCode!;
  }
  await life.cleanUp();
  return life.exitCode ?? code;
}
