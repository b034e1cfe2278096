/**
 * A problem with how docknet was called or with the environment it runs in
 * (no engine, permission denied, unknown exercise). It is reported as one line
 * and exit code 2, unlike a student's mistake, which is a failed check.
 */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * A check the engine cannot express (a rootless engine has no DOCKER-USER that traffic
 * from outside crosses): graded `skipped` with this one reason, never failed or errored.
 */
export class NotApplicable extends Error {
  constructor(readonly reason: { en: string; ko: string }) {
    super(reason.en);
    this.name = 'NotApplicable';
  }
}

/** A bounded operation that did not finish in time; graded as `error`, never as a pass. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${(ms / 1000).toFixed(1)} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Rejects with a TimeoutError when `work` has not settled within `ms`. What `work`
 * yields after that (a hijacked stream, say) goes to `dispose`: nobody else holds it.
 */
export async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  dispose?: (late: T) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new TimeoutError(what, ms));
    }, ms);
  });
  if (dispose)
    void work.then(
      (late) => timedOut && dispose(late),
      () => {},
    );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One time limit shared by several steps: each step gets what the earlier ones left. */
export class Deadline {
  private readonly end: number;
  constructor(private readonly ms: number) {
    this.end = Date.now() + ms;
  }
  left(): number {
    return Math.max(0, this.end - Date.now());
  }
  /** Bounds one step by the time left; the error names the whole limit, which is what ran out. */
  step<T>(work: Promise<T>, what: string, dispose?: (late: T) => void): Promise<T> {
    return withTimeout(work, this.left(), what, dispose).catch((err: unknown) => {
      throw err instanceof TimeoutError ? new TimeoutError(what, this.ms) : err;
    });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
