import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from './logger';

export interface ActivityConfig {
  /** Pipeline name for the run lock and search attributes. */
  pipeline: string;
  /** Read and normalise the next batch while the current one writes (default true). */
  readAhead?: boolean;
  /** Attempts one batch gets on a reachable server before the run stops (default MAX_BATCH_ATTEMPTS, 20). */
  maxBatchAttempts?: number;
}

export interface ActivityDeps {
  knex: Knex;
  logger: Logger;
  config: ActivityConfig;
  /** Used by the run lock to ask Temporal whether the run holding the lock is still open. */
  client?: Client;
}
