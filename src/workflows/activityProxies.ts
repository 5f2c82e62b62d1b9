import * as wf from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../shared/failureTypes';

// Database hiccups (lost connection, deadlock, a restarting server) retry with backoff for as long as it takes;
// bad configuration fails at once with a non-retryable failure whose message says what to fix.
const retry: wf.RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] };

/** The run's short steps: lock, plan, release. */
export const control = wf.proxyActivities<SyncActivities>({ startToCloseTimeout: '2 minutes', retry });

const batchOptions: wf.ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  // A frozen or dead worker is noticed within this, and the batch is retried elsewhere (the fence makes that safe).
  heartbeatTimeout: '30 seconds',
  retry,
};

/**
 * Batches, and the window steps of a partitioned run. Eager dispatch is allowed (the SDK's default): a batch then
 * starts on the worker that scheduled it, in the server's reply to that workflow task, without a trip through the
 * task queue (src/worker.ts, EAGER_SLOTS).
 */
export const batches = wf.proxyActivities<SyncActivities>(batchOptions);

/**
 * A window's K partitions go through the task queue, so that they spread over every worker that polls it: eagerly,
 * up to EAGER_SLOTS of each window would run on the one worker that runs the workflow (docs/scaling.md). Whether an
 * activity may start eagerly is not part of the workflow's history, so old histories replay the same.
 */
export const partitions = wf.proxyActivities<SyncActivities>({ ...batchOptions, allowEagerDispatch: false });
