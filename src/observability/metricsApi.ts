/**
 * What the activities and the worker report, and the no-op default. No dependencies, so code that only passes metrics
 * along (the worker factory, the activities, the CLI) does not load prom-client; syncMetrics.ts implements it.
 */
import type { OutcomeCounts } from '../domain/outcome';

export type RunFinalState = 'completed' | 'cancelled' | 'failed';
export type RunMode = 'sync' | 'dry_run';

export interface CommittedBatch {
  /** Identifies the batch (pipeline run + start cursor) so a batch this process already counted is not counted twice. Never a label. */
  key: string;
  counts: OutcomeCounts;
  rowsRead: number;
  elapsedMs: number;
  /** The watermark after the batch (its src_updated_at), for the lag. */
  watermarkAt: string;
  /** Unknown (undefined) when an earlier attempt committed the batch: the batch log keeps counts, not reasons. */
  rejectsByReason?: Partial<Record<string, number>>;
  /** True when an earlier attempt committed it and this one only found its outcome. */
  alreadyCommitted: boolean;
}

export interface SyncMetrics {
  /** A real (not dry-run) batch is committed. */
  batchCommitted(batch: CommittedBatch): void;
  /** A real run has placed the watermark at its start and counted the rows up to its end. */
  runPlanned(plan: { watermarkAt: string | null; rowsToRead: number }): void;
  /** An activity failed on the database; `type` is the failure type it was classified as. */
  databaseError(type: string): void;
  /** A sync workflow closed (reported by the worker through a workflow sink; not during replay). */
  runFinished(state: RunFinalState, mode: RunMode, finishedAt?: string): void;
}

export const noMetrics: SyncMetrics = { batchCommitted() {}, runPlanned() {}, databaseError() {}, runFinished() {} };
