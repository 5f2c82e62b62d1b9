import { Client, isGrpcDeadlineError, WorkflowExecutionDescription, WorkflowFailedError, WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { formatCursor } from '../../domain/cursor';
import { ConfigError, errorMessage } from '../../errors';
import { connectClient, loadTemporalSettings } from '../../temporal/connection';
import { CLI_WORKFLOW_ID, progressQuery, SyncProgress, SyncSummary, WORKFLOW_TYPE } from '../../workflows/definitions';
import type { productSyncWorkflow } from '../../workflows/productSync';
import { parse } from '../args';
import { print } from '../output';
import { formatSummary } from '../summary';

const USAGE = 'product-etl status [--workflow-id ID] [--follow]';
const n = (x: number) => x.toLocaleString('en-US');

export type SyncHandle = WorkflowHandle<typeof productSyncWorkflow>;
export interface SyncRun {
  handle: SyncHandle;
  description: WorkflowExecutionDescription;
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
      throw new ConfigError(
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
  throw new ConfigError(
    `Workflow ${d.workflowId} is not running (its latest run ${d.runId} is ${d.status.name}${d.closeTime ? `, closed ${d.closeTime.toISOString()}` : ''}): nothing to ${what}.`,
    'See it with `npx product-etl status --workflow-id ' + d.workflowId + '`.',
  );
}

export function workflowIdOf(values: { 'workflow-id'?: unknown }): string {
  const id = values['workflow-id'];
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : CLI_WORKFLOW_ID;
}

/**
 * The `progress` query, with a deadline: a query needs a worker, and without one the server would keep us waiting.
 * Returns undefined when no worker answered in time.
 */
export async function queryProgress(handle: SyncHandle, timeoutMs: number): Promise<SyncProgress | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + timeoutMs, () => handle.query(progressQuery));
  } catch (err) {
    if (isGrpcDeadlineError(err)) return undefined;
    throw err;
  }
}

export function progressBar(p: SyncProgress, width = 20): string {
  const ratio = p.rowsToRead > 0 ? Math.min(1, p.rowsRead / p.rowsToRead) : p.state === 'finished' ? 1 : 0;
  const filled = Math.floor(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `${bar} ${Math.floor(ratio * 100)}% ${n(p.rowsRead)}/${n(p.rowsToRead)} rows · ${n(p.rowsPerSecond)} rows/s · batch ${n(p.batchesDone)} · ${p.state}${p.dryRun ? ' · dry-run' : ''}`;
}

export function formatProgress(p: SyncProgress): string {
  const c = p.counts;
  return [
    `  progress      ${progressBar(p)}`,
    `  batch size    ${n(p.batchSize)}`,
    `  outcomes      inserted ${n(c.inserted)} · updated ${n(c.updated)} · unchanged ${n(c.unchanged)} · stale ${n(c.stale)} · rejected ${n(c.rejected)}`,
    `  cursor        ${formatCursor(p.cursor)} -> end ${formatCursor(p.endCursor)} (started at ${formatCursor(p.startCursor)})`,
    `  started       ${p.startedAt ?? '-'}${p.continuedAsNew ? ` · continued as new ${p.continuedAsNew} time(s)` : ''}`,
  ].join('\n');
}

function describeLine(d: WorkflowExecutionDescription): string {
  const closed = d.closeTime ? ` · closed ${d.closeTime.toISOString()}` : '';
  return `Workflow ${d.workflowId} (run ${d.runId}) · ${d.status.name} · started ${d.startTime.toISOString()}${closed} · task queue ${d.taskQueue}`;
}

function isSummary(value: unknown): value is SyncSummary {
  const s = value as SyncSummary | undefined;
  return typeof s === 'object' && s !== null && typeof s.batches === 'number' && typeof s.counts === 'object';
}

/**
 * How a run ended, as a person reads it: its final status, and the summary when it has one; a failed run, the
 * message of the deepest cause. A cancelled run's summary does not reach the client (SDK 1.24 ends a cancelled
 * workflow with no details, whatever it throws), so its last progress is asked for instead: a query on a closed
 * run replays it on a worker, when one is there.
 */
export async function finalOutcome(handle: SyncHandle): Promise<{ status: string; text: string }> {
  let text: string;
  try {
    text = formatSummary(await handle.result());
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    const details = cause instanceof CancelledFailure ? cause.details[0] : undefined;
    let deepest: unknown = cause;
    while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
    text = isSummary(details) ? formatSummary(details) : `  ${errorMessage(deepest ?? err)}`;
    if (cause instanceof CancelledFailure && !isSummary(details)) {
      const p = await queryProgress(handle, 5000).catch(() => undefined);
      text = p
        ? `  Cancelled after ${n(p.batchesDone)} batch(es); the watermark is at the last committed batch.\n${formatProgress(p)}`
        : '  Cancelled; the watermark is at the last committed batch (start a worker to see its last progress).';
    }
  }
  const d = await handle.describe();
  return { status: d.status.name, text: `Workflow ${d.workflowId} (run ${d.runId}) ended ${d.status.name}.\n${text}` };
}

/** Redraws one line on a terminal; when stderr is a file or a pipe, writes a line only when it changed. */
function lineDrawer(): { draw(line: string): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    draw(line) {
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (line !== last) process.stderr.write(line + '\n');
      last = line;
    },
    end() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

/** Draws the progress bar every second until the run closes, then returns how it ended. */
export async function followProgress(handle: SyncHandle, intervalMs = 1000): Promise<{ status: string; text: string }> {
  let settled = false;
  const outcome = finalOutcome(handle).finally(() => {
    settled = true;
  });
  const drawer = lineDrawer();
  try {
    while (!settled) {
      const p = await queryProgress(handle, Math.max(intervalMs, 2000)).catch(() => undefined);
      if (settled) break;
      drawer.draw(p ? progressBar(p) : 'waiting for a worker on the task queue (start one with `npx product-etl worker`) ...');
      await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), outcome.catch(() => undefined)]);
    }
  } finally {
    drawer.end();
  }
  return outcome;
}

/** `status`: the progress query, printed readably; with --follow, a live progress bar until the run closes. */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'workflow-id': { type: 'string' }, follow: { type: 'boolean' } }, USAGE);
  const client = await connectClient(loadTemporalSettings());
  try {
    const run = await findSyncRun(client, workflowIdOf(values));
    print(describeLine(run.description));
    if (run.description.status.name !== 'RUNNING') {
      print((await finalOutcome(run.handle)).text);
      return 0;
    }
    if (values.follow) {
      print((await followProgress(run.handle)).text);
      return 0;
    }
    const p = await queryProgress(run.handle, 10_000);
    if (!p) {
      throw new ConfigError(
        `Workflow ${run.description.workflowId} is running, but no worker answered the progress query within 10s.`,
        `Start a worker on task queue ${run.description.taskQueue} with \`npx product-etl worker\`.`,
      );
    }
    print(`Product sync ${run.description.workflowId}: ${p.state}${p.dryRun ? ' (dry run)' : ''}`);
    print(formatProgress(p));
    return 0;
  } finally {
    await client.connection.close();
  }
}
