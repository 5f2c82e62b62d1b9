/**
 * The interface people type in the Temporal UI and the command line uses (spec section 9): workflow type, input,
 * signals, update and query. Imported by workflow code and by clients alike, so it depends on @temporalio/workflow
 * definitions only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Cursor } from '../domain/cursor';
import type { OutcomeCounts } from '../domain/outcome';
import type { ActiveRun, DryRunSample } from '../shared/syncTypes';

export const WORKFLOW_TYPE = 'productSyncWorkflow';
export const CLI_WORKFLOW_ID = 'product-sync';
export const SCHEDULE_ID = 'product-sync-schedule';

export { batchSizeProblem, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../shared/batchSize';
export { DEFAULT_PARTITIONS, MAX_PARTITIONS, MIN_PARTITIONS, partitionsProblem } from '../shared/partitions';

/** What a person types, e.g. {"batchSize": 1000, "resume": true, "dryRun": false}; every field optional. */
export interface ProductSyncInput {
  batchSize?: number;
  resume?: boolean;
  dryRun?: boolean;
  /** Re-read this far behind the watermark ("15m", "2h", or seconds): catches rows committed late. Default none. */
  lookback?: string | number;
  /** Continue as new after this many batches (Temporal's own suggestion also triggers it). */
  maxBatchesPerRun?: number;
  /**
   * K: split each window of batchSize × K rows into K partitions by product key, applied at once by K activities on
   * any workers (docs/scaling.md). Default 1: one batch at a time, as before. A dry run ignores it.
   */
  partitions?: number;
}

/** `pausing`: a pause was asked for and the batch in flight is still committing; `paused`: nothing is running. */
export type RunState = 'starting' | 'running' | 'pausing' | 'paused' | 'cancelling' | 'finished';

export interface SyncProgress {
  state: RunState;
  dryRun: boolean;
  cursor: Cursor | null;
  endCursor: Cursor | null;
  startCursor: Cursor | null;
  batchesDone: number;
  rowsRead: number;
  /** Rows between start and end when the run started (progress only). */
  rowsToRead: number;
  counts: OutcomeCounts;
  batchSize: number;
  /** Rows per second of batch processing time (paused time does not count). */
  rowsPerSecond: number;
  startedAt: string | null;
  continuedAsNew: number;
  /**
   * How far the watermark (the cursor of the last committed batch) is behind the newest staging row the run knows of,
   * the end it fixed when it started: seconds of src_updated_at, and rows left. Rows that land later are not counted;
   * `npx product-etl status` adds the database's live figure. Absent before the run is planned.
   */
  watermarkLag?: { seconds: number; rows: number };
  /** K for the next window (absent when 1 and never changed: runs without partitioned windows). */
  partitions?: number;
  /** The window being applied, when partitions run: its K and how many of them have committed. */
  window?: { partitions: number; committed: number; rows: number };
  /** Partition transactions retried after a deadlock or lock wait with another partition, over the run. */
  lockRetries?: number;
}

/** Why a run did nothing: another run of the pipeline was active when it started (spec section 9). */
export interface Refusal {
  message: string;
  /** Undefined only if the refusal came without its details. */
  activeRun?: ActiveRun;
}

export interface SyncSummary {
  /** `refused`: another run held the pipeline, so this one read and wrote nothing (see `refused`). */
  status: 'completed' | 'cancelled' | 'refused';
  dryRun: boolean;
  batches: number;
  rowsRead: number;
  counts: OutcomeCounts;
  startCursor: Cursor | null;
  endCursor: Cursor | null;
  /** Where the run stopped: the end cursor when it completed. */
  finalCursor: Cursor | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number;
  rowsPerSecond: number;
  /** Dry runs only: a few rejects and changes, as a preview. */
  sample?: DryRunSample;
  /** Refused runs only: the run that was active. */
  refused?: Refusal;
  /**
   * Rows in staging, when the run started, dated before its start but inserted after the watermark's row: no resumed
   * run reads them (a --lookback that covers them or --no-resume does). A heuristic on AUTO_INCREMENT ids.
   */
  unreadBehindStart?: number;
  /** Partitioned runs only (docs/scaling.md): K at the end, and partition transactions retried after a lock conflict. */
  partitions?: number;
  lockRetries?: number;
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const setBatchSizeUpdate = defineUpdate<number, [number]>('setBatchSize');
/** K from the next window on; returns the K it replaces. Validated: a whole number from 1 to MAX_PARTITIONS. */
export const setPartitionsUpdate = defineUpdate<number, [number]>('setPartitions');
export const progressQuery = defineQuery<SyncProgress>('progress');
