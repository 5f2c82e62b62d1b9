import * as wf from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { compareCursors, Cursor } from '../domain/cursor';
import { addCounts, OutcomeCounts, zeroCounts } from '../domain/outcome';
import { parseDurationSeconds } from '../shared/duration';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../shared/failureTypes';
import type { ApplyBatchResult, BeginRunResult, DryRunSample, RunOwner } from '../shared/syncTypes';
import { ETL_MODE, ETL_PIPELINE, PIPELINE_NAME } from '../temporal/searchAttributes';
import {
  batchSizeProblem,
  DEFAULT_BATCH_SIZE,
  pauseSignal,
  ProductSyncInput,
  progressQuery,
  resumeSignal,
  RunState,
  setBatchSizeUpdate,
  SyncProgress,
  SyncSummary,
} from './definitions';
import { renderDetails } from './details';

// Database hiccups (lost connection, deadlock, a restarting server) retry with backoff for as long as it takes;
// bad configuration fails at once with a non-retryable failure whose message says what to fix.
const retry: wf.RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] };

const control = wf.proxyActivities<SyncActivities>({ startToCloseTimeout: '2 minutes', retry });
const batches = wf.proxyActivities<SyncActivities>({
  startToCloseTimeout: '10 minutes',
  // A frozen or dead worker is noticed within this, and the batch is retried elsewhere (the fence makes that safe).
  heartbeatTimeout: '30 seconds',
  retry,
});

const DEFAULT_MAX_BATCHES_PER_RUN = 2000;
const MAX_SAMPLES = 10;

interface Options {
  batchSize: number;
  resume: boolean;
  dryRun: boolean;
  lookbackSeconds: number;
  maxBatchesPerRun: number;
}

/** Everything a run carries across continue-as-new. Cursors and counts only: a few hundred bytes. */
export interface ContinuedState {
  options: Options;
  plan: BeginRunResult;
  cursor: Cursor;
  batchSize: number;
  paused: boolean;
  batchesDone: number;
  rowsRead: number;
  counts: OutcomeCounts;
  processingMs: number;
  lastFinishedAt: string | null;
  continuedAsNew: number;
  sample?: DryRunSample;
}

function invalid(message: string): wf.ApplicationFailure {
  return wf.ApplicationFailure.create({ type: FailureType.InvalidInput, message: `Invalid workflow input: ${message}`, nonRetryable: true });
}

function parseOptions(input: ProductSyncInput | null | undefined): Options {
  const i = input ?? {};
  if (typeof i !== 'object' || Array.isArray(i)) throw invalid('expected an object like {"batchSize": 1000, "resume": true, "dryRun": false}');
  const known = ['batchSize', 'resume', 'dryRun', 'lookback', 'maxBatchesPerRun'];
  const unknown = Object.keys(i).filter((k) => !known.includes(k));
  if (unknown.length) throw invalid(`unknown field(s) ${unknown.join(', ')}; known fields are ${known.join(', ')}`);
  const batchSize = i.batchSize ?? DEFAULT_BATCH_SIZE;
  const problem = batchSizeProblem(batchSize);
  if (problem) throw invalid(problem);
  for (const flag of ['resume', 'dryRun'] as const) {
    if (i[flag] !== undefined && typeof i[flag] !== 'boolean') throw invalid(`${flag} must be true or false (got ${JSON.stringify(i[flag])})`);
  }
  let lookbackSeconds = 0;
  if (i.lookback !== undefined) {
    try {
      lookbackSeconds = parseDurationSeconds(i.lookback);
    } catch (err) {
      throw invalid(`lookback: ${(err as Error).message}`);
    }
  }
  const maxBatchesPerRun = i.maxBatchesPerRun ?? DEFAULT_MAX_BATCHES_PER_RUN;
  if (!Number.isInteger(maxBatchesPerRun) || maxBatchesPerRun < 1) throw invalid(`maxBatchesPerRun must be a positive whole number (got ${JSON.stringify(maxBatchesPerRun)})`);
  return { batchSize, resume: i.resume ?? true, dryRun: i.dryRun ?? false, lookbackSeconds, maxBatchesPerRun };
}

function mergeSample(into: DryRunSample | undefined, add: DryRunSample | undefined): DryRunSample | undefined {
  if (!add) return into;
  const base = into ?? { rejects: [], changes: [] };
  return {
    rejects: [...base.rejects, ...add.rejects].slice(0, MAX_SAMPLES),
    changes: [...base.changes, ...add.changes].slice(0, MAX_SAMPLES),
  };
}

/**
 * The product sync (spec sections 6 to 9). Fixes the run's end when it starts, then loops: wait while paused, apply
 * one batch (an activity that commits products, change log, rejects and watermark together), account for it.
 * Cancel stops after the batch in flight; history only ever holds cursors and counts.
 */
export async function productSyncWorkflow(input: ProductSyncInput = {}, continued?: ContinuedState): Promise<SyncSummary> {
  const info = wf.workflowInfo();
  const options = continued?.options ?? parseOptions(input);
  const owner: RunOwner = { workflowId: info.workflowId, pipelineRunId: info.firstExecutionRunId };
  let state: ContinuedState | undefined = continued;
  let pendingBatchSize = continued?.batchSize ?? options.batchSize;
  let paused = continued?.paused ?? false;
  let runState: RunState = continued ? 'running' : 'starting';
  let cancelRequested = false;
  let waitingWhilePaused = false;

  const progress = (): SyncProgress => ({
    state: paused && runState === 'running' ? (waitingWhilePaused ? 'paused' : 'pausing') : runState,
    dryRun: options.dryRun,
    cursor: state?.cursor ?? null,
    endCursor: state?.plan.end ?? null,
    startCursor: state?.plan.start ?? null,
    batchesDone: state?.batchesDone ?? 0,
    rowsRead: state?.rowsRead ?? 0,
    rowsToRead: state?.plan.rowsToRead ?? 0,
    counts: state?.counts ?? zeroCounts(),
    batchSize: pendingBatchSize,
    rowsPerSecond: state && state.processingMs > 0 ? Math.round((state.rowsRead * 1000) / state.processingMs) : 0,
    startedAt: state?.plan.startedAt ?? null,
    continuedAsNew: state?.continuedAsNew ?? 0,
  });
  const showDetails = () => wf.setCurrentDetails(renderDetails(progress()));

  wf.setHandler(pauseSignal, () => {
    paused = true;
    showDetails();
  });
  wf.setHandler(resumeSignal, () => {
    paused = false;
    showDetails();
  });
  wf.setHandler(progressQuery, progress);
  wf.setHandler(
    setBatchSizeUpdate,
    (size: number) => {
      const previous = pendingBatchSize;
      pendingBatchSize = size;
      showDetails();
      return previous;
    },
    {
      validator: (size: number) => {
        const problem = batchSizeProblem(size);
        if (problem) throw new Error(problem);
      },
    },
  );
  wf.CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
    if (runState !== 'finished') runState = 'cancelling';
  });

  const summary = (status: SyncSummary['status']): SyncSummary => {
    const s = state;
    const startedAt = s?.plan.startedAt ?? null;
    const finishedAt = s?.lastFinishedAt ?? startedAt;
    return {
      status,
      dryRun: options.dryRun,
      batches: s?.batchesDone ?? 0,
      rowsRead: s?.rowsRead ?? 0,
      counts: s?.counts ?? zeroCounts(),
      startCursor: s?.plan.start ?? null,
      endCursor: s?.plan.end ?? null,
      finalCursor: s?.cursor ?? null,
      startedAt,
      finishedAt,
      durationMs: startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : 0,
      rowsPerSecond: progress().rowsPerSecond,
      ...(s?.sample ? { sample: s.sample } : {}),
    };
  };

  const releaseLock = () => (options.dryRun ? Promise.resolve(true) : wf.CancellationScope.nonCancellable(() => control.releaseRunLock(owner)));

  try {
    if (!state) {
      wf.upsertSearchAttributes([
        { key: ETL_PIPELINE, value: PIPELINE_NAME },
        { key: ETL_MODE, value: options.dryRun ? 'dry-run' : options.resume ? 'sync' : 'full-resync' },
      ]);
      showDetails();
      // A dry run writes nothing, so it takes no lock and may run beside a real run.
      if (!options.dryRun) await control.acquireRunLock(owner);
      const plan = await control.beginRun({ ...owner, resume: options.resume, dryRun: options.dryRun, lookbackSeconds: options.lookbackSeconds });
      state = {
        options, plan, cursor: plan.start, batchSize: pendingBatchSize, paused, batchesDone: 0, rowsRead: 0,
        counts: zeroCounts(), processingMs: 0, lastFinishedAt: plan.startedAt, continuedAsNew: 0,
      };
      if (!cancelRequested) runState = 'running';
      showDetails();
    }
    const s = state;
    let batchesThisRun = 0;
    let done = !s.plan.end || compareCursors(s.cursor, s.plan.end) >= 0;
    while (!done) {
      if (paused) {
        waitingWhilePaused = true;
        showDetails();
        try {
          await wf.condition(() => !paused); // no worker slot is held while waiting; a cancel ends the wait
        } finally {
          waitingWhilePaused = false;
        }
      }
      if (cancelRequested) throw new wf.CancelledFailure('cancelled');
      const batchSize = pendingBatchSize;
      const result: ApplyBatchResult = await wf.CancellationScope.nonCancellable(() =>
        batches.applyBatch({ ...owner, runId: info.runId, from: s.cursor, end: s.plan.end as Cursor, batchSize, dryRun: options.dryRun }),
      );
      s.cursor = result.to;
      s.batchesDone++;
      batchesThisRun++;
      s.rowsRead += result.rowsRead;
      s.counts = addCounts(s.counts, result.counts);
      s.processingMs += result.elapsedMs;
      s.lastFinishedAt = result.finishedAt;
      s.sample = mergeSample(s.sample, result.sample);
      done = result.done;
      showDetails();
      if (cancelRequested) throw new wf.CancelledFailure('cancelled');
      if (!done && (batchesThisRun >= options.maxBatchesPerRun || wf.workflowInfo().continueAsNewSuggested)) {
        await wf.condition(wf.allHandlersFinished);
        s.batchSize = pendingBatchSize;
        s.paused = paused;
        s.continuedAsNew++;
        await wf.continueAsNew<typeof productSyncWorkflow>(input, s);
      }
    }
    await releaseLock();
    runState = 'finished';
    showDetails();
    return summary('completed');
  } catch (err) {
    if (err instanceof wf.ContinueAsNew) throw err;
    if (wf.isCancellation(err)) {
      await releaseLock();
      runState = 'finished';
      showDetails();
      const result = summary('cancelled');
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
