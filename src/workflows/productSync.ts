import * as wf from '@temporalio/workflow';
import { PIPELINE_NAME } from '../shared/pipeline';
import type { RunOwner } from '../shared/syncTypes';
import { ETL_MODE, ETL_PIPELINE } from '../temporal/searchAttributes';
import { control } from './activityProxies';
import { runBatches } from './batchLoop';
import type { ProductSyncInput, SyncSummary } from './definitions';
import { registerHandlers, showDetails } from './handlers';
import { parseOptions } from './options';
import { ContinuedState, SyncRun } from './runState';

export type { ContinuedState } from './runState';

/** Fixes the run's range once, when the first execution starts; later executions carry it in ContinuedState. */
async function planRun(run: SyncRun, owner: RunOwner): Promise<void> {
  const { dryRun, resume, lookbackSeconds } = run.options;
  wf.upsertSearchAttributes([
    { key: ETL_PIPELINE, value: PIPELINE_NAME },
    { key: ETL_MODE, value: dryRun ? 'dry-run' : resume ? 'sync' : 'full-resync' },
  ]);
  showDetails(run);
  // A dry run writes nothing, so it takes no lock and may run beside a real run.
  if (!dryRun) await control.acquireRunLock(owner);
  run.plan(await control.beginRun({ ...owner, resume, dryRun, lookbackSeconds }));
  showDetails(run);
}

/**
 * The product sync (spec sections 6 to 9): plan the run, apply its batches, release the lock. Cancel stops after the
 * batch in flight; history only ever holds cursors and counts.
 */
export async function productSyncWorkflow(input: ProductSyncInput = {}, continued?: ContinuedState): Promise<SyncSummary> {
  const info = wf.workflowInfo();
  const run = new SyncRun(continued?.options ?? parseOptions(input), continued);
  const owner: RunOwner = { workflowId: info.workflowId, pipelineRunId: info.firstExecutionRunId };
  registerHandlers(run);
  const releaseLock = () => (run.options.dryRun ? Promise.resolve(true) : wf.CancellationScope.nonCancellable(() => control.releaseRunLock(owner)));

  try {
    if (!run.planned) await planRun(run, owner);
    await runBatches(run, { owner, temporalRunId: info.runId, continueAsNew: (next) => wf.continueAsNew<typeof productSyncWorkflow>(input, next) });
    await releaseLock();
    run.finish();
    showDetails(run);
    return run.summary('completed');
  } catch (err) {
    if (err instanceof wf.ContinueAsNew) throw err;
    if (wf.isCancellation(err)) {
      await releaseLock();
      run.finish();
      showDetails(run);
      const result = run.summary('cancelled');
      // A Cancelled close carries no details to the client, so the summary also goes into the memo, where
      // `describe()` and the UI show it. Patched: histories of cancelled runs from before this change replay as they were.
      if (wf.patched('cancel-summary-in-memo')) wf.upsertMemo({ summary: result });
      wf.log.info('product sync cancelled after the batch in flight', { batches: result.batches, cursor: result.finalCursor });
      throw new wf.CancelledFailure(`Cancelled after ${result.batches} batch(es); the watermark is at the last committed batch.`, [result]);
    }
    await releaseLock().catch(() => undefined);
    throw err;
  }
}
