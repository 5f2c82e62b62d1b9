import { isGrpcDeadlineError } from '@temporalio/client';
import { progressQuery, SyncProgress } from '../workflows/definitions';
import type { SyncHandle } from './findRun';

/**
 * The `progress` query, with a deadline: a query needs a worker, and without one the server would keep us waiting.
 * Returns undefined when no worker answered in time.
 */
export async function queryProgress(handle: SyncHandle, timeoutMs: number): Promise<SyncProgress | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + timeoutMs, () => handle.query(progressQuery));
  } catch (err) {
    if (isGrpcDeadlineError(err)) return undefined;
    throw err;
  }
}
