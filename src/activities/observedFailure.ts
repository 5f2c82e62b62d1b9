import { ApplicationFailure } from '@temporalio/common';
import type { SyncMetrics } from '../observability/metricsApi';
import { classifyDatabaseError, isOutage } from './failures';

/**
 * The failure type a database error is counted under, or undefined when the error did not come from the database:
 * a failure the activity raised itself (WatermarkMoved, SyncAlreadyRunning, ...) or a bug.
 */
export function databaseErrorType(err: unknown, classified: unknown): string | undefined {
  if (err instanceof ApplicationFailure) return undefined;
  if (classified instanceof ApplicationFailure) return classified.type ?? 'DatabaseError';
  // No driver code: the pool gave up waiting for a connection (knex's acquire timeout) while the server was away.
  if (isOutage(err)) return 'PoolTimeout';
  return undefined;
}

/** classifyDatabaseError, and a count of the database error by its type. */
export function classifyAndCount(metrics: SyncMetrics | undefined, err: unknown): unknown {
  const classified = classifyDatabaseError(err);
  const type = databaseErrorType(err, classified);
  if (type) metrics?.databaseError(type);
  return classified;
}
