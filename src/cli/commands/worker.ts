import { describeDatabase } from '../../db/databaseUrl';
import { connectClient, connectWorkerConnection, loadTemporalSettings } from '../../temporal/connection';
import type { Worker } from '@temporalio/worker';
import { formatListenAddress, observabilityAddresses } from '../../observability/address';
import { prebuiltBundle, RUNNING_FROM_SOURCE } from '../../workflowBundle';
import { act, AddCommand } from '../command';
import { openDatabase } from '../context';
import { processLogger } from '../../logging/logger';
import { logError } from '../output';
import { tuneWorkerHeap } from '../../workerHeap';

/** `worker`: polls the task queue until SIGINT or SIGTERM, then finishes the activities in flight and exits. */
export const addWorkerCommand: AddCommand = (program, exit) => {
  program
    .command('worker')
    .description('run a worker on task queue product-etl ($PRODUCT_ETL_TASK_QUEUE) until Ctrl-C')
    .option('--metrics-addr <host:port>', 'serve /metrics, /healthz and /readyz here, and the SDK metrics on the next port (default $PRODUCT_ETL_METRICS_ADDR, else off)')
    .action(act(exit, runLoggedWorker));
};

/**
 * The worker is a service: everything it says, its fatal error included, is a log line (JSON on a pipe, journald or
 * a container), not the text a command prints for a person. The exit status is the one any command would give.
 */
async function runLoggedWorker(options: { metricsAddr?: string }): Promise<number> {
  const log = processLogger().child({ component: 'worker' });
  try {
    return await runWorker(options, log);
  } catch (err) {
    return logError(log, err, 'Worker stopped: ');
  }
}

async function runWorker(options: { metricsAddr?: string }, log: ReturnType<typeof processLogger>): Promise<number> {
  // A missing or stale workflow bundle is refused before anything is connected (createWorker checks it again).
  if (!RUNNING_FROM_SOURCE) prebuiltBundle();
  // A worker runs for days through syncs of any size: its heap is kept near what it uses (src/workerHeap.ts).
  tuneWorkerHeap();
  const settings = loadTemporalSettings();
  // The worker (the SDK's worker package, the activities, objection) is loaded by this command alone.
  const [{ createWorker }, { ensureSearchAttributes }] = await Promise.all([import('../../worker'), import('../../temporal/ensureSearchAttributes')]);
  const { knex, settings: db } = await openDatabase();
  const client = await connectClient(settings);
  try {
    await ensureSearchAttributes(client, settings.namespace);
    const connection = await connectWorkerConnection(settings);
    const addrs = observabilityAddresses(process.env, options.metricsAddr);
    let worker: Worker | undefined;
    // Loaded only when asked for: prom-client and the HTTP server cost start-up time a worker without metrics need not pay.
    const observability = addrs.metrics
      ? await (await import('../../observability')).startWorkerObservability({ addr: addrs.metrics, knex, connection, worker: () => worker })
      : undefined;
    try {
      worker = await createWorker({ connection, namespace: settings.namespace, taskQueue: settings.taskQueue, knex, client, metrics: observability?.metrics });
      const database = describeDatabase(db);
      log.info({ taskQueue: settings.taskQueue, temporalAddress: settings.address, namespace: settings.namespace, database },
        `Worker polling task queue ${settings.taskQueue} on ${settings.address} (namespace ${settings.namespace}); database ${database}. Ctrl-C stops it.`);
      if (addrs.metrics) {
        const sdk = addrs.sdkMetrics ? `http://${formatListenAddress(addrs.sdkMetrics)}/metrics` : undefined;
        log.info({ metricsUrl: `http://${formatListenAddress(addrs.metrics)}/metrics`, ...(sdk ? { sdkMetricsUrl: sdk } : {}) },
          `Metrics, /healthz and /readyz on http://${formatListenAddress(addrs.metrics)}${sdk ? `; Temporal SDK metrics on ${sdk}` : ''}.`);
      }
      // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown: run() resolves once in-flight tasks finish.
      await worker.run();
    } finally {
      await observability?.close();
    }
    await connection.close();
    log.info('Worker stopped.');
    return 0;
  } finally {
    await client.connection.close();
    await knex.destroy();
  }
}
