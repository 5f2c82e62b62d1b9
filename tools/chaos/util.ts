/** Small timing helpers the harness uses everywhere; every wait has a deadline so nothing hangs forever. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or `fallback` once `ms` have passed; the timer is cleared either way, so it never holds the process open. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` until it returns something other than undefined/false, or the deadline passes (then undefined).
 * A probe that throws counts as "not yet": the harness polls through database and Temporal outages on purpose.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      /* an outage the harness caused itself: keep polling */
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

/** Retries `fn` through outages the harness injected (a restarting server) until it succeeds or time runs out. */
export async function retrying<T>(fn: () => Promise<T>, timeoutMs = 120_000, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(intervalMs);
    }
  }
}

export function messageOf(err: unknown): string {
  let e: unknown = err;
  let msg = err instanceof Error ? err.message : String(err);
  // Temporal wraps the interesting message a few causes deep.
  for (let i = 0; i < 5 && e instanceof Error && e.cause; i++) {
    e = e.cause;
    if (e instanceof Error && e.message) msg = e.message;
  }
  return msg;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
