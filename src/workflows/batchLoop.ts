import * as wf from '@temporalio/workflow';
import type { RunOwner } from '../shared/syncTypes';
import { batches, partitions } from './activityProxies';
import { showDetails } from './handlers';
import type { ContinuedState, NextBatch, SyncRun } from './runState';
import type { ApplyBatchResult } from '../shared/syncTypes';

export interface BatchLoopContext {
  owner: RunOwner;
  /** This execution's run id, which the change log and rejects record. */
  temporalRunId: string;
  continueAsNew(state: ContinuedState): Promise<never>;
}

/**
 * Applies batches until the planned end: waits while paused, then one batch (an activity that commits products,
 * change log, rejects and watermark together) and its accounting. A cancel takes effect between batches only.
 */
export async function runBatches(run: SyncRun, { owner, temporalRunId, continueAsNew }: BatchLoopContext): Promise<void> {
  while (!run.done) {
    if (run.paused) {
      run.setWaitingWhilePaused(true);
      showDetails(run);
      try {
        await wf.condition(() => !run.paused); // no worker slot is held while waiting; a cancel ends the wait
      } finally {
        run.setWaitingWhilePaused(false);
      }
    }
    if (run.cancelRequested) throw new wf.CancelledFailure('cancelled');
    const next = run.nextBatch();
    const k = run.nextPartitions();
    // Patched: only runs given partitions > 1 (or a setPartitions) reach it, which no earlier history did.
    const result = await wf.CancellationScope.nonCancellable(() =>
      k > 1 && wf.patched('partitioned-windows')
        ? runWindow(run, { owner, temporalRunId }, next, k)
        : batches.applyBatch({ ...owner, runId: temporalRunId, ...next }),
    );
    run.account(result);
    showDetails(run);
    if (run.cancelRequested) throw new wf.CancelledFailure('cancelled');
    if (run.shouldContinueAsNew(wf.workflowInfo().continueAsNewSuggested)) {
      await wf.condition(wf.allHandlersFinished);
      await continueAsNew(run.continuedState());
    }
  }
}

/**
 * One partitioned window (docs/scaling.md): fix it and K (planWindow, recorded in MySQL), apply its K partitions at
 * once on whatever workers poll the queue, then move the watermark to its end (finishWindow) once all K committed.
 * History holds the window's id and cursors, never rows. Runs whole: a cancel or pause waits for it.
 */
async function runWindow(run: SyncRun, { owner, temporalRunId }: Pick<BatchLoopContext, 'owner' | 'temporalRunId'>, next: NextBatch, k: number): Promise<ApplyBatchResult> {
  const w = await batches.planWindow({ ...owner, from: next.from, end: next.end, batchSize: next.batchSize, partitions: k });
  if (w.windowId === null) {
    return { from: w.from, to: w.to, rowsRead: 0, counts: { inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0 }, done: true, elapsedMs: 0, alreadyCommitted: false, finishedAt: w.plannedAt };
  }
  const windowId = w.windowId;
  run.windowStarted(w.partitions, w.rowsPlanned);
  showDetails(run);
  try {
    await Promise.all(
      Array.from({ length: w.partitions }, async (_, partition) => {
        const r = await partitions.applyPartition({ ...owner, runId: temporalRunId, windowId, partition });
        run.partitionCommitted(r.lockRetries);
        showDetails(run);
      }),
    );
    const finished = await batches.finishWindow({ ...owner, windowId, end: next.end });
    // Wall time of the whole window, from planning to the watermark's move (workers' clocks, carried in the results:
    // workflow code takes no time of its own): what the rows/s of a partitioned run is measured on.
    const wallMs = Date.parse(finished.finishedAt) - Date.parse(w.plannedAt);
    return { ...finished, done: w.done, elapsedMs: Number.isFinite(wallMs) ? Math.max(0, wallMs) : finished.elapsedMs };
  } finally {
    run.windowEnded();
  }
}
