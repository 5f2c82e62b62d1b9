import * as wf from '@temporalio/workflow';
import { FailureType } from '../shared/failureTypes';
import { PIPELINE_NAME } from '../shared/pipeline';
import type { ActiveRun, RunOwner } from '../shared/syncTypes';
import { ETL_MODE, ETL_PIPELINE } from '../temporal/searchAttributes';
import { control } from './activityProxies';
import { runBatches } from './batchLoop';
import type { ProductSyncInput, Refusal, SyncSummary } from './definitions';
import { registerHandlers, showDetails } from './handlers';
import { parseOptions } from './options';
import { ContinuedState, SyncRun } from './runState';

export type { ContinuedState } from './runState';

/** The run lock's refusal (another run holds the pipeline), or undefined for any other failure. */
function refusalOf(err: unknown): Refusal | undefined {
  const cause = err instanceof wf.ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof wf.ApplicationFailure) || cause.type !== FailureType.SyncAlreadyRunning) return undefined;
  return { message: cause.message, activeRun: cause.details?.[0] as ActiveRun | undefined };
}

/**
 * Takes the run lock. A start refused because another run holds the pipeline (a UI start, a schedule tick racing a
 * manual run) is not a failure of this run: it returns the refusal, and the run completes with status `refused`.
 */
async function acquireLock(owner: RunOwner): Promise<Refusal | undefined> {
  try {
    await control.acquireRunLock(owner);
    return undefined;
  } catch (err) {
    const refusal = refusalOf(err);
    // Patched: before this change a refused start failed the run; histories of such runs replay as they were.
    if (refusal && wf.patched('refused-start-completes')) return refusal;
    throw err;
  }
}

/**
 * Fixes the run's range once, when the first execution starts; later executions carry it in ContinuedState. Returns
 * the refusal when another run holds the pipeline.
 */
async function planRun(run: SyncRun, owner: RunOwner): Promise<Refusal | undefined> {
  const { dryRun, resume, lookbackSeconds } = run.options;
  wf.upsertSearchAttributes([
    { key: ETL_PIPELINE, value: PIPELINE_NAME },
    { key: ETL_MODE, value: dryRun ? 'dry-run' : resume ? 'sync' : 'full-resync' },
  ]);
  showDetails(run);
  // A dry run writes nothing, so it takes no lock and may run beside a real run.
  if (!dryRun) {
    const refusal = await acquireLock(owner);
    if (refusal) return refusal;
  }
  run.plan(await control.beginRun({ ...owner, resume, dryRun, lookbackSeconds }));
  showDetails(run);
  return undefined;
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
    if (!run.planned) {
      const refusal = await planRun(run, owner);
      if (refusal) {
        // Nothing was locked, read or written: no lock to release.
        run.refuse(refusal);
        showDetails(run);
        wf.log.info('product sync refused: another run is active', { activeRun: refusal.activeRun });
        return run.summary('refused');
      }
    }
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
