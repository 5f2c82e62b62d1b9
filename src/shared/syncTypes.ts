/**
 * The types that cross the workflow/activity boundary and go into history. Cursors and counts only, never rows:
 * a run of any length stays far within Temporal's history limits. No runtime imports: workflow code uses these too.
 */
import type { Cursor } from '../domain/cursor';
import type { OutcomeCounts } from '../domain/outcome';

export interface RunOwner {
  workflowId: string;
  /** First run id of the execution chain: stable across continue-as-new; it owns the watermark and the lock. */
  pipelineRunId: string;
}

export type AcquireRunLockInput = RunOwner;

/** The run that holds the pipeline's run lock: the details of a SyncAlreadyRunning failure. */
export interface ActiveRun {
  workflowId: string;
  /** The first run id of its execution chain. */
  runId: string;
  /** When it took the lock, UTC, as the database wrote it. */
  since: string;
}

export interface BeginRunInput extends RunOwner {
  resume: boolean;
  dryRun: boolean;
  /** Re-read this many seconds behind the watermark, for rows committed late with an old src_updated_at. */
  lookbackSeconds: number;
}

export interface BeginRunResult {
  /** Where the run reads from (exclusive). */
  start: Cursor;
  /** Fixed when the run starts: the greatest (src_updated_at, id) in staging then; null when staging is empty. */
  end: Cursor | null;
  /** The watermark found when the run started. */
  watermark: Cursor | null;
  /** Rows between start and end when the run started: for progress only. */
  rowsToRead: number;
  startedAt: string;
  /**
   * Staging rows dated before the run's start but inserted after the watermark's row (id greater), which this run
   * will never read (the heuristic of freshnessStore.unreadBehind). Absent in runs planned before it existed.
   */
  unreadBehindStart?: number;
}

export interface ApplyBatchInput extends RunOwner {
  /** The execution's own run id, written to the change log and rejects. */
  runId: string;
  from: Cursor;
  end: Cursor;
  batchSize: number;
  dryRun: boolean;
}

export interface DryRunSample {
  rejects: Array<{ stagingId: string; reason: string; message: string }>;
  changes: Array<{ brandCode: string; sku: string; changeType: 'INSERT' | 'UPDATE'; changedFields: string[] }>;
}

export interface ApplyBatchResult {
  from: Cursor;
  to: Cursor;
  rowsRead: number;
  counts: OutcomeCounts;
  /** True when the run has reached its end cursor. */
  done: boolean;
  elapsedMs: number;
  /** True when an earlier attempt had already committed this batch and this attempt returned its outcome. */
  alreadyCommitted: boolean;
  finishedAt: string;
  sample?: DryRunSample;
}

/** The next window of a partitioned run (docs/scaling.md): up to batchSize × partitions rows after `from`. */
export interface PlanWindowInput extends RunOwner {
  from: Cursor;
  end: Cursor;
  batchSize: number;
  partitions: number;
}

/**
 * A window whose boundaries and K are fixed and recorded (etl_window) before any of it is applied. Ids and cursors
 * only: the partitions re-read their rows.
 */
export interface PlannedWindow {
  /** Null when (from, end] held no rows any more: nothing to apply, the run is at its end. */
  windowId: string | null;
  from: Cursor;
  to: Cursor;
  partitions: number;
  rowsPlanned: number;
  /** True when this window reaches the run's end (or is short of a full window). */
  done: boolean;
  /** True when an earlier attempt or an earlier run had planned this window and it is being re-used. */
  reused: boolean;
  /** When this attempt planned it (the worker's clock): the window's rows/s is measured from here to finishWindow's finishedAt. */
  plannedAt: string;
}

export interface ApplyPartitionInput extends RunOwner {
  /** The execution's own run id, written to the change log and rejects. */
  runId: string;
  windowId: string;
  partition: number;
}

export interface ApplyPartitionResult {
  partition: number;
  rowsRead: number;
  counts: OutcomeCounts;
  elapsedMs: number;
  /** True when an earlier attempt had committed this partition: nothing was written. */
  alreadyCommitted: boolean;
  /** Transactions retried after an InnoDB deadlock or lock wait timeout with another partition. */
  lockRetries: number;
  /** Rows of the whole window whose key columns this partition read to find its own (the read amplification). */
  keysRead: number;
}

export interface FinishWindowInput extends RunOwner {
  windowId: string;
  end: Cursor;
}
