import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';
import type { Knex } from 'knex';
import { createActivities, type BatchHooks } from './activities';
import type { ActivityConfig } from './activities/deps';
import type { Logger } from './activities/logger';
import { PIPELINE_NAME } from './shared/pipeline';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  knex: Knex;
  /** Lets the run lock ask Temporal whether the run holding it is still open. */
  client?: Client;
  logger?: Logger;
  /** Pre-built workflow bundle (tests build it once); default: bundle src/workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  /** Overrides of the activities' settings (e.g. maxBatchAttempts); the pipeline name is fixed. */
  activityConfig?: Omit<ActivityConfig, 'pipeline'>;
  /** For test harnesses only; a production worker runs without. */
  hooks?: BatchHooks;
}

/** Adapts Temporal's runtime logger (structured, leveled) to the activities' Logger. */
export function runtimeLogger(): Logger {
  const l = Runtime.instance().logger;
  return {
    debug: (m, meta) => l.debug(m, meta),
    info: (m, meta) => l.info(m, meta),
    warn: (m, meta) => l.warn(m, meta),
    error: (m, meta) => l.error(m, meta),
  };
}

/** The worker: the sync workflows, and the activities built with the database handle they are given. */
export async function createWorker(o: CreateWorkerOptions): Promise<Worker> {
  const activities = createActivities({
    knex: o.knex,
    client: o.client,
    logger: o.logger ?? runtimeLogger(),
    config: { ...o.activityConfig, pipeline: PIPELINE_NAME },
    hooks: o.hooks,
  });
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities,
    // Batches are transactions on one database: a few at a time is plenty, more only contend for locks.
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions ?? 4,
  });
}

/** Quieter than the SDK default: warnings and errors only, unless LOG_LEVEL says otherwise. */
export function installRuntime(): void {
  const level = (process.env.LOG_LEVEL ?? 'WARN').toUpperCase() as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  Runtime.install({ logger: new DefaultLogger(level) });
}
