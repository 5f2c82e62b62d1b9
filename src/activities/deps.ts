import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { SyncMetrics } from '../observability/metricsApi';
import type { Logger } from './logger';

export interface ActivityConfig {
  /** Pipeline name for the run lock and search attributes. */
  pipeline: string;
  /** Read and normalise the next batch while the current one writes (default true). */
  readAhead?: boolean;
  /** Attempts one batch gets on a reachable server before the run stops (default MAX_BATCH_ATTEMPTS, 20). */
  maxBatchAttempts?: number;
}

/**
 * Points in a batch where a caller may step in. The product sets none; the fault harness (tools/chaos) kills its
 * own worker there, to prove a crash on either side of COMMIT loses and doubles nothing.
 */
export interface BatchHooks {
  /** Inside the batch's transaction, after all of its writes, before COMMIT. */
  beforeCommit?(): void | Promise<void>;
  /** After COMMIT, before Temporal hears of the result. */
  afterCommit?(): void | Promise<void>;
  /** Partitioned windows: inside a partition's transaction, after all of its writes, before COMMIT. */
  beforePartitionCommit?(partition: number): void | Promise<void>;
  /** Partitioned windows: after a partition's COMMIT, before Temporal hears of it. */
  afterPartitionCommit?(partition: number): void | Promise<void>;
}

export interface ActivityDeps {
  knex: Knex;
  logger: Logger;
  config: ActivityConfig;
  /** Used by the run lock to ask Temporal whether the run holding the lock is still open. */
  client?: Client;
  hooks?: BatchHooks;
  /** Where the activities report rows, batches and database errors; default nowhere (noMetrics). */
  metrics?: SyncMetrics;
}
