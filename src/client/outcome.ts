import { WorkflowExecutionStatusName, WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { ConfigError, errorMessage } from '../errors';
import type { SyncProgress, SyncSummary } from '../workflows/definitions';
import type { SyncHandle } from './findRun';
import { queryProgress } from './progress';

/** How a run ended: its summary when it has one, the last progress of a cancelled run, or a failure's message. */
export type RunEnding =
  | { kind: 'summary'; summary: SyncSummary }
  /** lastProgress is undefined when no worker was there to answer for the closed run. */
  | { kind: 'cancelled'; lastProgress: SyncProgress | undefined }
  | { kind: 'failed'; message: string };
export type RunOutcome = RunEnding & { workflowId: string; runId: string; status: WorkflowExecutionStatusName };

function isSummary(value: unknown): value is SyncSummary {
  const s = value as SyncSummary | undefined;
  return typeof s === 'object' && s !== null && typeof s.batches === 'number' && typeof s.counts === 'object';
}

/**
 * Waits for the run to close. A failed run gives the message of its deepest cause. A cancelled run's summary does
 * not reach the client (SDK 1.24 ends a cancelled workflow with no details, whatever it throws), so its last progress
 * is asked for instead: a query on a closed run replays it on a worker, when one is there.
 */
export async function runOutcome(handle: SyncHandle): Promise<RunOutcome> {
  let ending: RunEnding;
  try {
    ending = { kind: 'summary', summary: await handle.result() };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    const details = cause instanceof CancelledFailure ? cause.details[0] : undefined;
    if (isSummary(details)) ending = { kind: 'summary', summary: details };
    else if (cause instanceof CancelledFailure) ending = { kind: 'cancelled', lastProgress: await queryProgress(handle, 5000).catch(() => undefined) };
    else {
      let deepest: unknown = cause;
      while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
      ending = { kind: 'failed', message: errorMessage(deepest ?? err) };
    }
  }
  const d = await handle.describe();
  return { workflowId: d.workflowId, runId: d.runId, status: d.status.name, ...ending };
}

/** The run's summary; a run that did not complete (failed, cancelled, terminated) is an error with its own message. */
export async function syncSummary(handle: SyncHandle): Promise<SyncSummary> {
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause as { message?: string; cause?: { message?: string } } | undefined;
      const msg = cause?.cause?.message ?? cause?.message ?? err.message;
      throw new ConfigError(`The sync run ${handle.workflowId} ended without completing: ${msg}`, 'See the run in the Temporal UI for its history.', { cause: err });
    }
    throw err;
  }
}
