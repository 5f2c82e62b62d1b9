import { Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { ConfigError } from '../errors';
import { CLI_WORKFLOW_ID, DEFAULT_BATCH_SIZE, ProductSyncInput, progressQuery, SyncProgress, SyncSummary, WORKFLOW_TYPE } from '../workflows/definitions';
import { renderDetails } from '../workflows/details';
import { ETL_MODE, ETL_PIPELINE, PIPELINE_NAME } from '../temporal/searchAttributes';
import type { productSyncWorkflow } from '../workflows/productSync';

export function modeOf(input: ProductSyncInput): string {
  return input.dryRun ? 'dry-run' : input.resume === false ? 'full-resync' : 'sync';
}

/** The one-line summary the UI shows for a run, e.g. `products sync · batch 1000 · dry-run`. */
export function staticSummaryOf(input: ProductSyncInput): string {
  const parts = [`products sync`, `batch ${input.batchSize ?? DEFAULT_BATCH_SIZE}`];
  if (input.dryRun) parts.push('dry-run');
  if (input.resume === false) parts.push('no-resume (re-apply all)');
  if (input.lookback !== undefined) parts.push(`lookback ${input.lookback}`);
  return parts.join(' · ');
}

export function searchAttributesOf(input: ProductSyncInput): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: ETL_PIPELINE, value: PIPELINE_NAME },
    { key: ETL_MODE, value: modeOf(input) },
  ]);
}

export async function startSync(
  client: Client,
  taskQueue: string,
  input: ProductSyncInput,
  workflowId = CLI_WORKFLOW_ID,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof productSyncWorkflow>> {
  try {
    return await client.workflow.start<typeof productSyncWorkflow>(WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      staticSummary: staticSummaryOf(input),
      staticDetails: `Started from the command line with input \`${JSON.stringify(input)}\`.`,
      typedSearchAttributes: searchAttributesOf(input),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
      throw new ConfigError(
        `A product sync is already running (workflow ${workflowId}${running ? `, run ${running.runId}, started ${running.startTime.toISOString()}` : ''}).`,
        'Follow it with `npx product-etl status --follow`, or stop it with `npx product-etl cancel`, then start again.',
        { cause: err },
      );
    }
    throw err;
  }
}

export function progressLine(p: SyncProgress): string {
  return renderDetails(p).replace(/\*\*/g, '').split('\n').filter(Boolean).join(' | ');
}

/**
 * Waits for the run to end, printing progress from the `progress` query every few seconds, and returns its summary.
 * Failure and cancellation come back as errors with the run's own message.
 */
export async function followSync(handle: WorkflowHandle<typeof productSyncWorkflow>, say: (l: string) => void, intervalMs = 3000): Promise<SyncSummary> {
  let last = '';
  const timer = setInterval(() => {
    handle.query(progressQuery).then(
      (p) => {
        const line = progressLine(p);
        if (line !== last) say(line);
        last = line;
      },
      () => say('  waiting for a worker on the task queue (start one with `npx product-etl worker`) ...'),
    );
  }, intervalMs);
  try {
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause as { message?: string; cause?: { message?: string } } | undefined;
      const msg = cause?.cause?.message ?? cause?.message ?? err.message;
      const wrapped = new ConfigError(`The sync run ${handle.workflowId} ended without completing: ${msg}`, 'See the run in the Temporal UI for its history.', { cause: err });
      throw wrapped;
    }
    throw err;
  } finally {
    clearInterval(timer);
  }
}
