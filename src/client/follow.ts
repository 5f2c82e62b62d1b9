import type { SyncProgress } from '../workflows/definitions';
import type { SyncHandle } from './findRun';
import { queryProgress } from './progress';

/** What a follower is told on each tick: the run's progress, or undefined when no worker answered the query. */
export type ProgressListener = (progress: SyncProgress | undefined) => void;

/**
 * Asks for the run's progress every `intervalMs` until `ending` settles, and returns what it gives. `ending` is
 * whatever the caller waits for (the summary, or the whole outcome), so each command keeps its own way of ending.
 */
export async function followUntil<T>(handle: SyncHandle, ending: Promise<T>, onProgress: ProgressListener, intervalMs: number): Promise<T> {
  let settled = false;
  const done = ending.finally(() => {
    settled = true;
  });
  // Handled at once: the ending may fail while a query is in flight, before the loop awaits it.
  const quiet = done.catch(() => undefined);
  while (!settled) {
    const progress = await queryProgress(handle, Math.max(intervalMs, 2000)).catch(() => undefined);
    if (settled) break;
    onProgress(progress);
    await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), quiet]);
  }
  return done;
}
