import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { TemporalSettings, connectWorkerConnection } from '../temporal/connection';

/** Runs `fn` with a worker polling the task queue in this process, then shuts the worker down cleanly. */
export async function withInProcessWorker<T>(
  settings: TemporalSettings,
  knex: Knex,
  client: Client,
  fn: () => Promise<T>,
): Promise<T> {
  // The worker (the SDK's worker package, the activities, objection) is loaded only by the commands that run one.
  const [{ createWorker }, { ensureSearchAttributes }] = await Promise.all([import('../worker'), import('../temporal/ensureSearchAttributes')]);
  await ensureSearchAttributes(client, settings.namespace);
  const connection = await connectWorkerConnection(settings);
  const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue: settings.taskQueue, knex, client });
  try {
    return await worker.runUntil(fn);
  } finally {
    await connection.close();
  }
}
