import type { Client } from '@temporalio/client';
import { ConfigError } from '../errors';
import { ETL_MODE } from '../temporal/searchAttributes';
import { WORKFLOW_TYPE } from '../workflows/definitions';

export interface ActiveSync {
  workflowId: string;
  runId: string;
  startTime: Date;
}

/**
 * The open non-dry product syncs polled on `taskQueue`, by a visibility query (what the UI's list shows). The task
 * queue stands for the deployment: its workers share one database and so one run lock. Dry runs take no lock and are
 * left out, as they may run beside a real run. Visibility trails a start by a moment, so two starts at the same
 * instant can both pass this check; the run lock then refuses the later one (it completes as `refused`).
 */
export async function findActiveSyncs(client: Client, taskQueue: string): Promise<ActiveSync[]> {
  const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
  const active: ActiveSync[] = [];
  for await (const w of client.workflow.list({ query })) {
    if (w.typedSearchAttributes.get(ETL_MODE) === 'dry-run') continue;
    active.push({ workflowId: w.workflowId, runId: w.runId, startTime: w.startTime });
  }
  return active;
}

/** Refuses a start before it is made while a real run is active, naming it, so no refused run is ever recorded. */
export async function refuseWhileActive(client: Client, taskQueue: string): Promise<void> {
  const [run] = await findActiveSyncs(client, taskQueue);
  if (!run) return;
  throw new ConfigError(
    `A product sync is already running (workflow ${run.workflowId}, run ${run.runId}, started ${run.startTime.toISOString()}); nothing was started.`,
    `Follow it with \`npx product-etl status --follow --workflow-id ${run.workflowId}\`, or stop it with \`npx product-etl cancel --workflow-id ${run.workflowId}\`, then start again.`,
  );
}
