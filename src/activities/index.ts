import { createApplyBatch } from './applyBatch';
import { createBeginRun } from './beginRun';
import { createCheckDatabase } from './checkDatabase';
import type { ActivityDeps } from './deps';
import { createPartitionedWindow } from './partitionedWindow';
import { createRunLock } from './runLock';

export type { ActivityDeps, ActivityConfig, BatchHooks } from './deps';

/**
 * The activities, built by the worker (or a test) with the knex, logger and config they use: nothing global.
 * Workflows import only the type: `proxyActivities<ReturnType<typeof createActivities>>`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRunLock(deps),
    beginRun: createBeginRun(deps),
    applyBatch: createApplyBatch(deps),
    ...createPartitionedWindow(deps),
    checkDatabase: createCheckDatabase(deps),
  };
}

export type SyncActivities = ReturnType<typeof createActivities>;
