/**
 * Temporal's own cost between two activities of one workflow, without the sync's work: a workflow runs n no-op
 * activities in a row on a worker with the given slots and polls, and the time per activity is printed with where it
 * went (the mean gaps between the history's events). What docs/operations.md, "Temporal settings for speed", cites.
 *
 *   npm run build && TEMPORAL_ADDRESS=127.0.0.1:7233 node dist/tools/profile/activityLoop/main.js \
 *     [--activities 100] [--slots 6] [--polls 4]
 *
 * Test tooling: it needs a running Temporal server and uses a task queue of its own.
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const micros = (e: HistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1e6 + Math.floor((e.eventTime?.nanos ?? 0) / 1000);

const name = (e: HistoryEvent): string => (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace('EVENT_TYPE_', '');

/** Mean gap between consecutive events, by the pair of event types. */
function gaps(events: HistoryEvent[]): Array<[string, number, number]> {
  const sum = new Map<string, [number, number]>();
  for (let i = 1; i < events.length; i++) {
    const key = `${name(events[i - 1])} -> ${name(events[i])}`;
    const [total, count] = sum.get(key) ?? [0, 0];
    sum.set(key, [total + micros(events[i]) - micros(events[i - 1]), count + 1]);
  }
  return [...sum].map(([key, [total, count]]): [string, number, number] => [key, total / count / 1000, count]).sort((a, b) => b[1] * b[2] - a[1] * a[2]);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { values } = parseArgs({ options: { activities: { type: 'string', default: '100' }, slots: { type: 'string', default: '6' }, polls: { type: 'string', default: '4' } } });
  const n = Number(values.activities);
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const taskQueue = `activity-loop-${process.pid}`;
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./workflow'),
    activities: { noop: async (i: number) => i },
    maxConcurrentActivityTaskExecutions: Number(values.slots),
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: Number(values.polls) },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    // One short run first, so the worker's start-up is not in the figures.
    await client.workflow.execute('activityLoop', { taskQueue, workflowId: `${taskQueue}-warm`, args: [5] });
    const workflowId = `${taskQueue}-measured`;
    const started = Date.now();
    await client.workflow.execute('activityLoop', { taskQueue, workflowId, args: [n] });
    const ms = Date.now() - started;
    console.log(`${n} activities, ${values.slots} slots, ${values.polls} polls: ${(ms / n).toFixed(1)} ms per activity`);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const [pair, mean, count] of gaps(history.events ?? []).slice(0, 5)) console.log(`  ${mean.toFixed(1).padStart(6)} ms  x${count}  ${pair}`);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
