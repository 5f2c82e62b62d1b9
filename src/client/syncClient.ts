import { Client, isGrpcDeadlineError, WorkflowHandleWithFirstExecutionRunId, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { ConfigError, NotFoundError, TemporalUnavailableError } from '../errors';
import { connectClient, loadTemporalSettings, TemporalSettings } from '../temporal/connection';
import { pauseSignal, ProductSyncInput, resumeSignal, setBatchSizeUpdate, setPartitionsUpdate, SyncProgress, SyncSummary } from '../workflows/definitions';
import type { productSyncWorkflow } from '../workflows/productSync';
import { findActiveRun, findLatestRun, refuseWhileActive, requireActiveRun } from './activeRun';
import { findSyncRun, requireRunning, SyncHandle, SyncRun, workflowIdOf } from './findRun';
import { followUntil, ProgressListener } from './follow';
import { RunOutcome, runOutcome, syncSummary } from './outcome';
import { queryProgress } from './progress';
import { SyncSchedules } from './schedules';
import { startSync } from './startSync';

const UPDATE_TIMEOUT_MS = 30_000;

const named = (ref: RunRef) => (ref.workflowId !== undefined && ref.workflowId.trim() !== '') || ref.runId !== undefined;

/**
 * Which run an operation means. No workflow id: the active run, whoever started it (the command line, a schedule, the
 * UI); for `find` with none active, the most recent run.
 */
export interface RunRef {
  workflowId?: string;
  /** No run id: the latest run of the workflow, after continue-as-new too. */
  runId?: string;
}

/**
 * Everything a person does to the product sync through Temporal, as the UI does it: start, find, signal, update,
 * query, cancel, follow, schedule. The command line is a thin adapter over this; so can anything else be.
 */
export class SyncClient {
  readonly schedules: SyncSchedules;

  constructor(
    readonly temporal: Client,
    /** Where runs it starts (directly or by schedule) are polled. */
    readonly taskQueue: string,
  ) {
    this.schedules = new SyncSchedules(temporal, taskQueue);
  }

  /** Connects the way every Temporal tool does (TEMPORAL_ADDRESS, TEMPORAL_PROFILE, ...): see loadTemporalSettings. */
  static async connect(settings: TemporalSettings = loadTemporalSettings()): Promise<SyncClient> {
    return new SyncClient(await connectClient(settings), settings.taskQueue);
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }

  get namespace(): string {
    return this.temporal.options.namespace;
  }

  /**
   * Starts a run. A non-dry start is refused before anything is started while another real run is active on this
   * task queue (ConfigError naming it), so the refusal leaves no run behind in the UI.
   */
  async start(input: ProductSyncInput, workflowId?: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof productSyncWorkflow>> {
    if (!input.dryRun) await refuseWhileActive(this.temporal, this.taskQueue);
    return startSync(this.temporal, this.taskQueue, input, workflowId);
  }

  /**
   * The run, described: the one named, else the active one, else the one that ended last (else `product-sync`, so
   * the answer is a clear "there is no workflow product-sync"). Not a product sync, or no such workflow: an error.
   */
  async find(ref: RunRef = {}): Promise<SyncRun> {
    if (named(ref)) return findSyncRun(this.temporal, workflowIdOf(ref.workflowId), ref.runId);
    const found = (await findActiveRun(this.temporal, this.taskQueue, { waitForVisibility: false })) ?? (await findLatestRun(this.temporal, this.taskQueue));
    if (found) return found;
    try {
      return await findSyncRun(this.temporal, workflowIdOf(undefined)); // visibility may lag behind a run just started
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new NotFoundError(`No product sync has run in namespace ${this.namespace} yet.`, 'Start one with `npx product-etl sync` (or a schedule, or the UI); name another workflow with --workflow-id.', { cause: err });
    }
  }

  /** The run finishes the batch in flight, then waits (holding no worker slot) for `resume`. */
  async pause(ref: RunRef = {}): Promise<SyncRun> {
    const run = await this.findRunning(ref, 'pause');
    await run.handle.signal(pauseSignal);
    return run;
  }

  /** A paused run takes its next batch; resuming a run that is not paused changes nothing. */
  async resume(ref: RunRef = {}): Promise<SyncRun> {
    const run = await this.findRunning(ref, 'resume');
    await run.handle.signal(resumeSignal);
    return run;
  }

  /** As the UI's Cancel: the run stops after the batch in flight and ends Cancelled, its watermark at the last commit. */
  async cancel(ref: RunRef = {}): Promise<SyncRun> {
    const run = await this.findRunning(ref, 'cancel');
    await run.handle.cancel();
    return run;
  }

  /**
   * The `setBatchSize` update, from the run's next batch; returns the size it replaced. Any number is sent as given
   * so the workflow's own validator decides (the same words the UI shows); a refusal leaves the run untouched.
   */
  setBatchSize(size: number, ref: RunRef = {}): Promise<{ run: SyncRun; previous: number }> {
    return this.updateSetting(setBatchSizeUpdate, size, ref, { refused: 'the new batch size', kept: 'its current batch size', unchanged: 'the batch size' });
  }

  /** The `setPartitions` update, from the run's next window; returns the K it replaced. As setBatchSize. */
  setPartitions(k: number, ref: RunRef = {}): Promise<{ run: SyncRun; previous: number }> {
    return this.updateSetting(setPartitionsUpdate, k, ref, { refused: 'the new partition count', kept: 'its current partitions', unchanged: 'the partitions' });
  }

  /** One of the run's numeric settings, by its update: a refusal is the validator's words, a silent worker says so. */
  private async updateSetting(
    update: typeof setBatchSizeUpdate,
    value: number,
    ref: RunRef,
    words: { refused: string; kept: string; unchanged: string },
  ): Promise<{ run: SyncRun; previous: number }> {
    const run = await this.findRunning(ref, 'change');
    try {
      const previous = await this.temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () => run.handle.executeUpdate(update, { args: [value] }));
      return { run, previous };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw new ConfigError(`The run refused ${words.refused}: ${err.cause?.message ?? err.message}`, `The run goes on with ${words.kept}.`, { cause: err });
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
        throw new TemporalUnavailableError(
          `No worker answered the update within ${UPDATE_TIMEOUT_MS / 1000}s: ${words.unchanged} of ${run.description.workflowId} is unchanged for now (the server may still deliver the update when a worker picks the run up).`,
          `Start a worker on task queue ${run.description.taskQueue} with \`npx product-etl worker\`, then try again.`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** The `progress` query; undefined when no worker answered within `timeoutMs`. */
  progress(handle: SyncHandle, timeoutMs: number): Promise<SyncProgress | undefined> {
    return queryProgress(handle, timeoutMs);
  }

  /** Waits for the run to close and says how it ended. */
  outcome(handle: SyncHandle): Promise<RunOutcome> {
    return runOutcome(handle);
  }

  /** Reports progress every `intervalMs` until the run closes, then says how it ended. */
  follow(handle: SyncHandle, onProgress: ProgressListener, intervalMs = 1000): Promise<RunOutcome> {
    return followUntil(handle, runOutcome(handle), onProgress, intervalMs);
  }

  /** Reports progress every `intervalMs` until the run closes, and returns its summary; a run that did not complete throws. */
  followToSummary(handle: SyncHandle, onProgress: ProgressListener, intervalMs = 3000): Promise<SyncSummary> {
    return followUntil(handle, syncSummary(handle), onProgress, intervalMs);
  }

  /** A run's event history (the latest run without a run id), for `historyToCliJson` or replay. */
  async history(workflowId: string, runId?: string): Promise<History> {
    try {
      return await this.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5) {
        throw new NotFoundError(`There is no workflow ${workflowId}${runId ? ` with run ${runId}` : ''} in namespace ${this.namespace}.`, 'Check the id in the Temporal UI.', { cause: err });
      }
      throw err;
    }
  }

  private async findRunning(ref: RunRef, what: string): Promise<SyncRun> {
    if (!named(ref)) return requireActiveRun(this.temporal, this.taskQueue, what);
    const run = await this.find(ref);
    requireRunning(run, what);
    return run;
  }
}
