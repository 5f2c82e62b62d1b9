import * as wf from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../shared/failureTypes';

// Database hiccups (lost connection, deadlock, a restarting server) retry with backoff for as long as it takes;
// bad configuration fails at once with a non-retryable failure whose message says what to fix.
const retry: wf.RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] };

/** The run's short steps: lock, plan, release. */
export const control = wf.proxyActivities<SyncActivities>({ startToCloseTimeout: '2 minutes', retry });

export const batches = wf.proxyActivities<SyncActivities>({
  startToCloseTimeout: '10 minutes',
  // A frozen or dead worker is noticed within this, and the batch is retried elsewhere (the fence makes that safe).
  heartbeatTimeout: '30 seconds',
  retry,
});
