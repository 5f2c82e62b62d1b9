import * as wf from '@temporalio/workflow';
import type { RunOwner } from '../shared/syncTypes';
import { batches } from './activityProxies';
import { showDetails } from './handlers';
import type { ContinuedState, SyncRun } from './runState';

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
    const result = await wf.CancellationScope.nonCancellable(() => batches.applyBatch({ ...owner, runId: temporalRunId, ...next }));
    run.account(result);
    showDetails(run);
    if (run.cancelRequested) throw new wf.CancelledFailure('cancelled');
    if (run.shouldContinueAsNew(wf.workflowInfo().continueAsNewSuggested)) {
      await wf.condition(wf.allHandlersFinished);
      await continueAsNew(run.continuedState());
    }
  }
}
