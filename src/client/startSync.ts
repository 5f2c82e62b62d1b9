import { Client, WorkflowExecutionAlreadyStartedError, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ConfigError } from '../errors';
import { CLI_WORKFLOW_ID, ProductSyncInput, WORKFLOW_TYPE } from '../workflows/definitions';
import type { productSyncWorkflow } from '../workflows/productSync';
import { searchAttributesOf, staticSummaryOf } from './runMetadata';

/** Starts productSyncWorkflow; a start refused because the id is taken says which run holds it and what to do. */
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
