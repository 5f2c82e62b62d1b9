import { describeDatabase } from '../../db/databaseUrl';
import { connectClient, connectWorkerConnection, loadTemporalSettings } from '../../temporal/connection';
import { ensureSearchAttributes } from '../../temporal/ensureSearchAttributes';
import { createWorker } from '../../worker';
import { act, AddCommand } from '../command';
import { openDatabase } from '../context';
import { say } from '../output';

/** `worker`: polls the task queue until SIGINT or SIGTERM, then finishes the activities in flight and exits. */
export const addWorkerCommand: AddCommand = (program, exit) => {
  program
    .command('worker')
    .description('run a worker on task queue product-etl ($PRODUCT_ETL_TASK_QUEUE) until Ctrl-C')
    .action(act(exit, runWorker));
};

async function runWorker(): Promise<number> {
  const settings = loadTemporalSettings();
  const { knex, settings: db } = await openDatabase();
  const client = await connectClient(settings);
  try {
    await ensureSearchAttributes(client, settings.namespace);
    const connection = await connectWorkerConnection(settings);
    const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue: settings.taskQueue, knex, client });
    say(`Worker polling task queue ${settings.taskQueue} on ${settings.address} (namespace ${settings.namespace}); database ${describeDatabase(db)}. Ctrl-C stops it.`);
    // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown: run() resolves once in-flight tasks finish.
    await worker.run();
    await connection.close();
    say('Worker stopped.');
    return 0;
  } finally {
    await client.connection.close();
    await knex.destroy();
  }
}
