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

/** A bounded operation that did not finish in time; graded as `error`, never as a pass. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${(ms / 1000).toFixed(1)} s`);
    this.name = 'TimeoutError';
  }
}

/** Rejects with a TimeoutError when `work` has not settled within `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
