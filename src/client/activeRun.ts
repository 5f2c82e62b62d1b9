import { Client, isGrpcServiceError, WorkflowExecutionInfo } from '@temporalio/client';
import { ConfigError, NotFoundError } from '../errors';
import { ETL_MODE, ETL_PIPELINE, PIPELINE_NAME } from '../temporal/searchAttributes';
import { CLI_WORKFLOW_ID, WORKFLOW_TYPE } from '../workflows/definitions';
import { findSyncRun, SyncRun } from './findRun';

/*
 * Which run a command means when it names none: the active product sync, whoever started it (`sync` as
 * product-sync, a schedule as product-sync-scheduled-<time>, the UI under any id). Visibility finds it by workflow
 * type and EtlPipeline; a run that no worker has picked up yet has no EtlPipeline, so "not set" counts too.
 * Visibility is eventually consistent, so every candidate is described (strongly consistent) before it is used,
 * and when visibility lists none, the command line's own id is described directly and visibility asked once more.
 */

const INVALID_ARGUMENT = 3;
const BY_TYPE = `WorkflowType = '${WORKFLOW_TYPE}'`;
const OF_PIPELINE = `(${ETL_PIPELINE.name} = '${PIPELINE_NAME}' OR ${ETL_PIPELINE.name} IS NULL)`;
/** Time for a run started a moment ago to reach visibility before we say there is none. */
const VISIBILITY_LAG_MS = 1000;

/** Up to `max` executions; without the EtlPipeline clause where the namespace lacks the attribute (not registered yet). */
async function list(client: Client, where: string, max: number): Promise<WorkflowExecutionInfo[]> {
  const page = async (query: string) => {
    const found: WorkflowExecutionInfo[] = [];
    for await (const w of client.workflow.list({ query, pageSize: max })) {
      found.push(w);
      if (found.length >= max) break;
    }
    return found;
  };
  try {
    return await page(`${where} AND ${OF_PIPELINE}`);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (isGrpcServiceError(cause) && cause.code === INVALID_ARGUMENT) return page(where);
    throw err;
  }
}

/** Of several, the ones on this client's task queue (the deployment it belongs to), when there are any. */
function preferTaskQueue<T extends { taskQueue: string }>(runs: T[], taskQueue: string): T[] {
  const ours = runs.filter((r) => r.taskQueue === taskQueue);
  return ours.length ? ours : runs;
}

async function runningNow(client: Client): Promise<SyncRun[]> {
  const listed = await list(client, `${BY_TYPE} AND ExecutionStatus = 'Running'`, 20);
  const runs: SyncRun[] = [];
  for (const id of new Set(listed.map((w) => w.workflowId))) {
    const run = await findSyncRun(client, id).catch(() => undefined);
    if (run?.description.status.name === 'RUNNING') runs.push(run);
  }
  return runs;
}

async function runningOrOwn(client: Client, waitForVisibility: boolean): Promise<SyncRun[]> {
  const runs = await runningNow(client);
  if (runs.length) return runs;
  const own = await findSyncRun(client, CLI_WORKFLOW_ID).catch(() => undefined);
  if (own?.description.status.name === 'RUNNING') return [own];
  if (!waitForVisibility) return [];
  await new Promise((r) => setTimeout(r, VISIBILITY_LAG_MS));
  return runningNow(client);
}

/**
 * The active run, or undefined when none runs; several at once (a dry run beside a real one) must be named.
 * `waitForVisibility`: when none is found, ask visibility once more after a second, for a run started a moment ago
 * under another id (a schedule, the UI). A command that acts on the run (pause, cancel) waits, since its answer
 * would otherwise be a wrong "nothing to pause"; `status` only reports, and does not make every "nothing running"
 * answer a second slower for it (docs/operations.md, CLI latency).
 */
export async function findActiveRun(client: Client, taskQueue: string, { waitForVisibility = true } = {}): Promise<SyncRun | undefined> {
  const runs = preferTaskQueue((await runningOrOwn(client, waitForVisibility)).map((r) => ({ ...r, taskQueue: r.description.taskQueue })), taskQueue);
  if (runs.length <= 1) return runs[0];
  throw new ConfigError(
    `${runs.length} product syncs are running: ${runs.map((r) => `${r.description.workflowId} (started ${r.description.startTime.toISOString()}, task queue ${r.taskQueue})`).join(', ')}.`,
    'Name the one you mean with --workflow-id.',
  );
}

/** The run that ended last (the latest of a continue-as-new chain), or undefined when visibility knows of none. */
export async function findLatestRun(client: Client, taskQueue: string): Promise<SyncRun | undefined> {
  const listed = await list(client, `${BY_TYPE} AND ExecutionStatus != 'ContinuedAsNew'`, 20);
  const at = (w: WorkflowExecutionInfo) => (w.closeTime ?? w.startTime).getTime();
  const [latest] = preferTaskQueue(listed, taskQueue).sort((a, b) => at(b) - at(a));
  return latest ? findSyncRun(client, latest.workflowId) : undefined;
}

/** For pause, resume, cancel and set-batch-size without --workflow-id: the active run, or a clear "none". */
export async function requireActiveRun(client: Client, taskQueue: string, what: string): Promise<SyncRun> {
  const run = await findActiveRun(client, taskQueue);
  if (run) return run;
  throw new NotFoundError(
    `No product sync is running in namespace ${client.options.namespace}: nothing to ${what}.`,
    'See the most recent run with `npx product-etl status`; start one with `npx product-etl sync`.',
  );
}

/*
 * Before a start: a stricter question than the one above. Only this task queue counts (its workers share one database
 * and so one run lock), and dry runs are left out (they take no lock).
 */

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
  const query = `${BY_TYPE} AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
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
