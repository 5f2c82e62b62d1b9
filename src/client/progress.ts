import { isGrpcDeadlineError } from '@temporalio/client';
import { progressQuery, SyncProgress } from '../workflows/definitions';
import type { SyncHandle } from './findRun';

/** gRPC FAILED_PRECONDITION: the server's own "no poller seen for task queue recently", when no worker is there at all. */
const FAILED_PRECONDITION = 9;
const noPoller = (err: unknown) => [err, (err as { cause?: unknown })?.cause].some((e) => (e as { code?: unknown })?.code === FAILED_PRECONDITION && /no poller/i.test(String((e as Error).message)));

/**
 * The `progress` query, with a deadline: a query needs a worker, and without one the server would keep us waiting.
 * Returns undefined when no worker answered in time, or the server knows there is none.
 */
export async function queryProgress(handle: SyncHandle, timeoutMs: number): Promise<SyncProgress | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + timeoutMs, () => handle.query(progressQuery));
  } catch (err) {
    if (isGrpcDeadlineError(err) || noPoller(err)) return undefined;
    throw err;
  }
}
