/**
 * What a product sync run knows about itself, and every answer it gives from that: the progress query, the summary it
 * ends with, the details the UI shows. Pure (no Temporal import), so its accounting is unit-tested without a server;
 * the workflow feeds it, and replay rebuilds it by feeding it the same events again.
 */
import { compareCursors, Cursor } from '../domain/cursor';
import { lagSeconds } from '../domain/freshness';
import { addCounts, OutcomeCounts, zeroCounts } from '../domain/outcome';
import type { ApplyBatchResult, BeginRunResult, DryRunSample } from '../shared/syncTypes';
import type { Refusal, RunState, SyncProgress, SyncSummary } from './definitions';
import { renderDetails } from './details';
import type { RunOptions } from './options';

const MAX_SAMPLES = 10;

/**
 * Everything a run carries across continue-as-new. Cursors and counts only: a few hundred bytes. Its shape is in the
 * continue-as-new input of recorded histories, so a new field must be optional.
 */
export interface ContinuedState {
  options: RunOptions;
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
  /** K for the next window, once a setPartitions changed it (else options.partitions, else 1). */
  partitions?: number;
  /** Partition transactions retried after a lock conflict, over the run (partitioned runs only). */
  lockRetries?: number;
}

/** The window a partitioned run is applying: for the progress query and the UI. */
export interface WindowInFlight {
  partitions: number;
  committed: number;
  rows: number;
}

/** The next batch to apply: the part of applyBatch's input the run decides. */
export interface NextBatch {
  from: Cursor;
  end: Cursor;
  batchSize: number;
  dryRun: boolean;
}

function mergeSample(into: DryRunSample | undefined, add: DryRunSample | undefined): DryRunSample | undefined {
  if (!add) return into;
  const base = into ?? { rejects: [], changes: [] };
  return {
    rejects: [...base.rejects, ...add.rejects].slice(0, MAX_SAMPLES),
    changes: [...base.changes, ...add.changes].slice(0, MAX_SAMPLES),
  };
}

export class SyncRun {
  /** Undefined until the run is planned; after that the very object continue-as-new hands to the next execution. */
  private carried: ContinuedState | undefined;
  /** A new size asked for while a batch is in flight applies from the next batch on. */
  private batchSize: number;
  private pauseRequested: boolean;
  private phase: RunState;
  private cancelAsked = false;
  private waitingWhilePaused = false;
  /** Batches of this execution only: the continue-as-new threshold counts these. */
  private batchesThisRun = 0;
  /** Once a batch has run, its own word on whether the end is reached decides. */
  private lastBatchDone: boolean | undefined;
  /** Set when another run held the pipeline: this one never planned and ends `refused`. */
  private refusal: Refusal | undefined;
  /** K from the next window on; a setPartitions in flight applies from the window after the one running. */
  private partitions: number;
  private window: WindowInFlight | undefined;

  constructor(
    readonly options: RunOptions,
    continued?: ContinuedState,
  ) {
    this.carried = continued;
    this.batchSize = continued?.batchSize ?? options.batchSize;
    this.pauseRequested = continued?.paused ?? false;
    this.phase = continued ? 'running' : 'starting';
    this.partitions = continued?.partitions ?? options.partitions ?? 1;
  }

  /** True once partitions are in play: the progress and details of other runs stay exactly as they were. */
  private get partitioned(): boolean {
    return this.partitions !== 1 || this.options.partitions !== undefined || this.carried?.partitions !== undefined;
  }

  /** K for the next window; 1 (one batch at a time, applyBatch) for dry runs, which write nothing to fence. */
  nextPartitions(): number {
    return this.options.dryRun ? 1 : this.partitions;
  }

  /** Returns the K it replaces. */
  setPartitions(k: number): number {
    const previous = this.partitions;
    this.partitions = k;
    return previous;
  }

  windowStarted(partitions: number, rows: number): void {
    this.window = { partitions, committed: 0, rows };
  }

  partitionCommitted(lockRetries: number): void {
    if (this.window) this.window.committed++;
    if (lockRetries > 0) {
      const s = this.state();
      s.lockRetries = (s.lockRetries ?? 0) + lockRetries;
    }
  }

  windowEnded(): void {
    this.window = undefined;
  }

  get planned(): boolean {
    return this.carried !== undefined;
  }

  get paused(): boolean {
    return this.pauseRequested;
  }

  get cancelRequested(): boolean {
    return this.cancelAsked;
  }

  /** True when there is nothing (left) to read: staging was empty, or the cursor has reached the planned end. */
  get done(): boolean {
    if (this.lastBatchDone !== undefined) return this.lastBatchDone;
    const s = this.state();
    return !s.plan.end || compareCursors(s.cursor, s.plan.end) >= 0;
  }

  /** The run's range is fixed: from here on it carries cursors and counts. */
  plan(plan: BeginRunResult): void {
    this.carried = {
      options: this.options, plan, cursor: plan.start, batchSize: this.batchSize, paused: this.pauseRequested, batchesDone: 0, rowsRead: 0,
      counts: zeroCounts(), processingMs: 0, lastFinishedAt: plan.startedAt, continuedAsNew: 0,
    };
    if (!this.cancelAsked) this.phase = 'running';
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
  }

  /** Returns the size it replaces. */
  setBatchSize(size: number): number {
    const previous = this.batchSize;
    this.batchSize = size;
    return previous;
  }

  requestCancel(): void {
    this.cancelAsked = true;
    if (this.phase !== 'finished') this.phase = 'cancelling';
  }

  /** While paused, `pausing` means the batch in flight is still committing and `paused` that nothing runs. */
  setWaitingWhilePaused(waiting: boolean): void {
    this.waitingWhilePaused = waiting;
  }

  nextBatch(): NextBatch {
    const s = this.state();
    return { from: s.cursor, end: s.plan.end as Cursor, batchSize: this.batchSize, dryRun: this.options.dryRun };
  }

  /**
   * Adds one applied batch. A result an earlier attempt had already committed counts like any other: the attempt
   * that committed it never reported, so this is the only time the workflow hears of that batch.
   */
  account(result: ApplyBatchResult): void {
    const s = this.state();
    s.cursor = result.to;
    s.batchesDone++;
    this.batchesThisRun++;
    s.rowsRead += result.rowsRead;
    s.counts = addCounts(s.counts, result.counts);
    s.processingMs += result.elapsedMs;
    s.lastFinishedAt = result.finishedAt;
    s.sample = mergeSample(s.sample, result.sample);
    this.lastBatchDone = result.done;
  }

  /** History grows with every batch: a long run starts over as a new execution before it gets heavy. */
  shouldContinueAsNew(suggestedByTemporal: boolean): boolean {
    return !this.done && (this.batchesThisRun >= this.options.maxBatchesPerRun || suggestedByTemporal);
  }

  /** The state for the next execution, taken when it starts over so the latest size and pause carry on. */
  continuedState(): ContinuedState {
    const s = this.state();
    s.batchSize = this.batchSize;
    s.paused = this.pauseRequested;
    if (this.partitioned) s.partitions = this.partitions;
    s.continuedAsNew++;
    return s;
  }

  finish(): void {
    this.phase = 'finished';
  }

  /** Another run holds the pipeline: this run ends at once, having done nothing. */
  refuse(refusal: Refusal): void {
    this.refusal = refusal;
    this.phase = 'finished';
  }

  progress(): SyncProgress {
    const s = this.carried;
    return {
      state: this.pauseRequested && this.phase === 'running' ? (this.waitingWhilePaused ? 'paused' : 'pausing') : this.phase,
      dryRun: this.options.dryRun,
      cursor: s?.cursor ?? null,
      endCursor: s?.plan.end ?? null,
      startCursor: s?.plan.start ?? null,
      batchesDone: s?.batchesDone ?? 0,
      rowsRead: s?.rowsRead ?? 0,
      rowsToRead: s?.plan.rowsToRead ?? 0,
      counts: s?.counts ?? zeroCounts(),
      batchSize: this.batchSize,
      rowsPerSecond: s && s.processingMs > 0 ? Math.round((s.rowsRead * 1000) / s.processingMs) : 0,
      startedAt: s?.plan.startedAt ?? null,
      continuedAsNew: s?.continuedAsNew ?? 0,
      ...(s ? { watermarkLag: { seconds: s.plan.end ? lagSeconds(s.cursor.at, s.plan.end.at) : 0, rows: Math.max(0, s.plan.rowsToRead - s.rowsRead) } } : {}),
      ...(this.partitioned ? { partitions: this.partitions, lockRetries: s?.lockRetries ?? 0 } : {}),
      ...(this.window ? { window: { ...this.window } } : {}),
    };
  }

  summary(status: SyncSummary['status']): SyncSummary {
    const s = this.carried;
    const startedAt = s?.plan.startedAt ?? null;
    const finishedAt = s?.lastFinishedAt ?? startedAt;
    return {
      status,
      dryRun: this.options.dryRun,
      batches: s?.batchesDone ?? 0,
      rowsRead: s?.rowsRead ?? 0,
      counts: s?.counts ?? zeroCounts(),
      startCursor: s?.plan.start ?? null,
      endCursor: s?.plan.end ?? null,
      finalCursor: s?.cursor ?? null,
      startedAt,
      finishedAt,
      durationMs: startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : 0,
      rowsPerSecond: this.progress().rowsPerSecond,
      ...(s?.sample ? { sample: s.sample } : {}),
      ...(this.refusal ? { refused: this.refusal } : {}),
      ...(s?.plan.unreadBehindStart ? { unreadBehindStart: s.plan.unreadBehindStart } : {}),
      ...(this.partitioned ? { partitions: this.partitions, lockRetries: s?.lockRetries ?? 0 } : {}),
    };
  }

  /** The Markdown the Temporal UI shows on the run's page. */
  details(): string {
    if (this.refusal) return `**products sync** · refused: nothing read or written\n\n${this.refusal.message}`;
    return renderDetails(this.progress());
  }

  private state(): ContinuedState {
    if (!this.carried) throw new Error('the run has no plan yet: plan() comes first');
    return this.carried;
  }
}
