/**
 * Exit statuses a script can trust (README, "Exit status"), from real `product-etl` processes: how a run ended (4
 * failed, 5 cancelled, 6 terminated, 7 timed out) for `status` and for `sync`, which follows its run to the end;
 * 3 for anything that cannot be reached or does not exist; 2 for a usage or configuration error.
 */
import type { Client } from '@temporalio/client';
import { buildIfStale, runCli, spawnCli } from '../support/builtCli';
import { connectTestClient, startTestWorker, TEMPORAL_ADDRESS, TestWorker, uniqueId } from '../support/temporalTestEnv';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

jest.setTimeout(240_000);

let client: Client;
let db: TestDatabase;
let worker: TestWorker;
/** A task queue no worker polls: runs there wait, so the test decides how they end. */
const idle = uniqueId('no-worker');
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: idle, NO_COLOR: '1', ...extra });

beforeAll(async () => {
  buildIfStale();
  client = await connectTestClient();
  db = await createTestDatabase('exit_status');
  worker = await startTestWorker(db.knex, { client });
});
afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await client?.connection.close();
});

const start = (workflowId: string, taskQueue: string, input: object, opts: { workflowExecutionTimeout?: number } = {}) =>
  client.workflow.start('productSyncWorkflow', { taskQueue, workflowId, args: [input], ...opts });

describe('status says how a run ended', () => {
  it.each([
    ['FAILED', 4],
    ['CANCELLED', 5],
    ['TERMINATED', 6],
    ['TIMED_OUT', 7],
  ] as const)('%s exits %i', async (status, code) => {
    const id = uniqueId(`exit-${status.toLowerCase()}`);
    if (status === 'FAILED') {
      await start(id, worker.taskQueue, { batchSize: 0 }).then((h) => h.result()).catch(() => undefined); // invalid input fails at once
    } else if (status === 'CANCELLED') {
      const h = await start(id, idle, {});
      await h.cancel(); // seen by the workflow's first task, once a worker has it
      const late = await startTestWorker(db.knex, { client, taskQueue: idle });
      await h.result().catch(() => undefined);
      await late.stop();
    } else if (status === 'TERMINATED') {
      await (await start(id, idle, {})).terminate('test');
    } else {
      await start(id, idle, {}, { workflowExecutionTimeout: 1000 }).then((h) => h.result()).catch(() => undefined);
    }
    expect((await client.workflow.getHandle(id).describe()).status.name).toBe(status);
    const r = await runCli(['status', '--workflow-id', id], env());
    expect(r.out).toContain(`ended ${status}.`);
    expect(r.code).toBe(code);
  });
});

describe('sync exits with how its run ended', () => {
  it('a run terminated while sync follows it: exit 6', async () => {
    const id = uniqueId('exit-sync');
    const sync = spawnCli(['sync', '--workflow-id', id, '--batch-size', '50'], env());
    try {
      await sync.waitFor(/Started /);
      const h = client.workflow.getHandle(id);
      // --batch-size is --limit under its clear name: the run's input says so.
      expect(await (await h.describe()).staticSummary()).toBe('products sync · batch 50');
      await h.terminate('an operator ended it');
      expect(await sync.exited).toBe(6);
      expect(sync.output()).toContain(`Workflow ${id} `);
      expect(sync.output()).toContain('ended TERMINATED.');
    } finally {
      sync.child.kill('SIGKILL'); // a no-op once it has exited; otherwise it would wait for a worker forever
      await client.workflow.getHandle(id).terminate().catch(() => undefined);
    }
  });
});

describe('cannot connect or not found: exit 3', () => {
  it.each([
    ['no Temporal server at the address', ['status'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /Cannot reach the Temporal server at 127\.0\.0\.1:1/],
    ['a namespace that does not exist', ['status'], { TEMPORAL_NAMESPACE: 'no-such-namespace' }, /Namespace not found: 'no-such-namespace'/],
    ['a workflow that does not exist', ['pause', '--workflow-id', 'no-such-run'], {}, /There is no workflow no-such-run in namespace default\./],
    ['a schedule that does not exist', ['schedule', 'describe', '--schedule-id', 'no-such-schedule'], {}, /There is no schedule no-such-schedule\./],
    ['no database server', ['migrate'], { DATABASE_URL: 'mysql://root@127.0.0.1:1/x' }, /Cannot reach MySQL at 127\.0\.0\.1:1/],
  ] as const)('%s', async (_what, args, extra, message) => {
    const r = await runCli([...args], env(extra));
    expect(r.out).toMatch(message);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(3);
  });
});

describe('usage or configuration: exit 2', () => {
  it('a TEMPORAL_ADDRESS with a scheme says so', async () => {
    const r = await runCli(['status'], env({ TEMPORAL_ADDRESS: `http://${TEMPORAL_ADDRESS}` }));
    expect(r.out).toContain(`error: The Temporal address "http://${TEMPORAL_ADDRESS}" has a scheme (http://): Temporal addresses are host:port`);
    expect(r.out).toContain(`Set TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS}.`);
    expect(r.out).not.toContain('Cannot reach');
    expect(r.code).toBe(2);
  });

  it('a bad value and contradictory flags', async () => {
    for (const args of [['sync', '--batch-size', '0'], ['sync', '--limit', '10', '--batch-size', '20'], ['sync', '--resume', '--no-resume']]) {
      const r = await runCli(args, env());
      expect(r.out).toMatch(/^error: .*(must be a whole number|contradict)/m);
      expect(r.code).toBe(2);
    }
  });
});
