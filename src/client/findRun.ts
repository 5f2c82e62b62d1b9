import { Client, WorkflowExecutionDescription, WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError, NotFoundError } from '../errors';
import { CLI_WORKFLOW_ID, WORKFLOW_TYPE } from '../workflows/definitions';
import type { productSyncWorkflow } from '../workflows/productSync';

export type SyncHandle = WorkflowHandle<typeof productSyncWorkflow>;
export interface SyncRun {
  handle: SyncHandle;
  description: WorkflowExecutionDescription;
}

/** Which workflow a command means: the one named, or the command line's own `product-sync` when none is (what `sync` starts). */
export function workflowIdOf(named: string | undefined): string {
  return named !== undefined && named.trim() !== '' ? named.trim() : CLI_WORKFLOW_ID;
}

/**
 * The run a command acts on, described, so every command can say clearly when there is no such workflow or it is
 * not a product sync. Without a run id the handle follows the latest run (after continue-as-new too).
 */
export async function findSyncRun(client: Client, workflowId: string, runId?: string): Promise<SyncRun> {
  const handle = client.workflow.getHandle<typeof productSyncWorkflow>(workflowId, runId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new NotFoundError(
        `There is no workflow ${workflowId}${runId ? ` with run ${runId}` : ''} in namespace ${client.options.namespace}.`,
        'Start one with `npx product-etl sync`, or name another with --workflow-id (the Temporal UI lists them).',
        { cause: err },
      );
    }
    throw err;
  }
  if (description.type !== WORKFLOW_TYPE) {
    throw new ConfigError(`Workflow ${workflowId} is a ${description.type}, not a ${WORKFLOW_TYPE}.`, 'Name a product sync with --workflow-id.');
  }
  return { handle, description };
}

/** Signals, updates and cancel only make sense for an open run; say what happened to a closed one instead. */
export function requireRunning({ description: d }: SyncRun, what: string): void {
  if (d.status.name === 'RUNNING') return;
  throw new NotFoundError(
    `Workflow ${d.workflowId} is not running (its latest run ${d.runId} is ${d.status.name}${d.closeTime ? `, closed ${d.closeTime.toISOString()}` : ''}): nothing to ${what}.`,
    'See it with `npx product-etl status --workflow-id ' + d.workflowId + '`.',
  );
}
