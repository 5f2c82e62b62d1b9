/**
 * The harness's fault worker: the product's worker (createWorker, same settings from the environment as
 * `product-etl worker`) with hooks that SIGKILL this process at one point of a batch, so nothing in the product
 * itself can kill a worker. `node faultWorker.js --point before-commit|after-commit [--probability P]`.
 */
import { parseArgs } from 'node:util';
import type { BatchHooks } from '../../src/activities';
import { createKnex } from '../../src/db/connection';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { connectClient, connectWorkerConnection, loadTemporalSettings } from '../../src/temporal/connection';
import { createWorker, installRuntime } from '../../src/worker';
import { FaultPoint, READY_LINE } from './workers';

function hooksFor(point: FaultPoint, probability: number): BatchHooks {
  // SIGKILL, not an exception or exit(): no finally block, no rollback sent, no failure reported to Temporal.
  const die = () => {
    if (Math.random() < probability) process.kill(process.pid, 'SIGKILL');
  };
  // Partitioned runs: the same points of a partition's own transaction.
  return point === 'before-commit' ? { beforeCommit: die, beforePartitionCommit: die } : { afterCommit: die, afterPartitionCommit: die };
}

function parseFlags(argv: string[]): { point: FaultPoint; probability: number } {
  const { values } = parseArgs({ args: argv, options: { point: { type: 'string' }, probability: { type: 'string', default: '1' } }, strict: true });
  const probability = Number(values.probability);
  if (values.point !== 'before-commit' && values.point !== 'after-commit') throw new Error(`--point must be before-commit or after-commit (got ${values.point})`);
  if (!(probability >= 0 && probability <= 1)) throw new Error(`--probability must be from 0 to 1 (got ${values.probability})`);
  return { point: values.point, probability };
}

async function run(argv: string[]): Promise<void> {
  const { point, probability } = parseFlags(argv);
  installRuntime();
  const settings = loadTemporalSettings();
  const knex = createKnex(parseDatabaseUrl());
  const client = await connectClient(settings);
  try {
    // No ensureSearchAttributes here: the harness starts fault workers only after its normal workers registered them.
    const connection = await connectWorkerConnection(settings);
    const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue: settings.taskQueue, knex, client, hooks: hooksFor(point, probability) });
    process.stderr.write(`${READY_LINE} ${settings.taskQueue} on ${settings.address}; fault point ${point} (probability ${probability}).\n`);
    // SIGTERM from the harness ends run() gracefully, as for `product-etl worker`.
    await worker.run();
    await connection.close();
  } finally {
    await client.connection.close();
    await knex.destroy();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`fault worker failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
