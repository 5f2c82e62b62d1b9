/**
 * The command line sees every run, not only its own `product-sync`: a run started under another id, as a schedule
 * (product-sync-scheduled-<time>) or the UI (any id, no search attributes) would, is what `pause`, `status`,
 * `set-batch-size`, `resume` and `cancel` act on when no --workflow-id is given; once it has ended, `status` shows it
 * as the most recent run. Real `product-etl` processes, a real worker, dev server and MariaDB.
 */
import { progressQuery } from '../../src/workflows/definitions';
import { buildIfStale, runCli } from '../support/builtCli';
import { startTestWorker, TEMPORAL_ADDRESS, TestWorker, uniqueId } from '../support/temporalTestEnv';
import { createTestDatabase, insertStaging, TestDatabase } from '../support/testDatabase';

jest.setTimeout(240_000);

const ROWS = 3000;
let db: TestDatabase;
let worker: TestWorker;
let env: NodeJS.ProcessEnv;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  buildIfStale();
  db = await createTestDatabase('active_run');
  await insertStaging(db.knex, Array.from({ length: ROWS }, (_, i) => ({
    brand_code: 'B1', sku: `S${i}`, name: `Name ${i}`, price: '1.50', src_updated_at: `2026-01-01 00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}`,
  })));
  worker = await startTestWorker(db.knex);
  // The CLI finds runs the way a person's shell would: from the environment, on this deployment's task queue.
  env = { ...process.env, TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: worker.taskQueue, DATABASE_URL: db.url, NO_COLOR: '1' };
});
afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

it('pause, status, set-batch-size, resume and cancel find a run that a schedule or the UI started, without --workflow-id', async () => {
  const id = uniqueId('product-sync-scheduled');
  // As the UI starts it: its own id, no search attributes (the workflow sets EtlPipeline itself once it runs).
  const handle = await worker.client.workflow.start('productSyncWorkflow', { taskQueue: worker.taskQueue, workflowId: id, args: [{ batchSize: 5 }] });
  await waitFor('a few batches', async () => (await handle.query(progressQuery)).batchesDone >= 3);

  const paused = await runCli(['pause'], env);
  expect(paused).toMatchObject({ code: 0, out: expect.stringContaining(`Paused ${id}`) });
  await waitFor('state paused', async () => (await handle.query(progressQuery)).state === 'paused');

  const status = await runCli(['status'], env);
  expect(status.code).toBe(0);
  expect(status.out).toContain(`Product sync ${id}: paused`);

  const resized = await runCli(['set-batch-size', '20'], env);
  expect(resized).toMatchObject({ code: 0, out: expect.stringContaining(`Batch size of ${id}: 5 -> 20`) });

  const resumed = await runCli(['resume'], env);
  expect(resumed).toMatchObject({ code: 0, out: expect.stringContaining(`Resumed ${id}`) });
  await waitFor('running again', async () => (await handle.query(progressQuery)).state === 'running');

  const cancelled = await runCli(['cancel', '--wait'], env);
  expect(cancelled.code).toBe(0);
  expect(cancelled.out).toContain(`Workflow ${id} (run ${handle.firstExecutionRunId}) ended CANCELLED.`);
  expect((await handle.describe()).status.name).toBe('CANCELLED');

  // Nothing runs now: status shows the run that ended last, and its exit status says how it ended.
  const last = await runCli(['status'], env);
  expect(last.out).toContain('No product sync is running; the most recent run:');
  expect(last.out).toContain(`Workflow ${id} (run ${handle.firstExecutionRunId}) · CANCELLED`);
  expect(last.code).toBe(5);

  const nothing = await runCli(['pause'], env);
  expect(nothing.code).toBe(3);
  expect(nothing.out).toContain('error: No product sync is running in namespace default: nothing to pause.');
});

it('with two runs active (not yet picked up by a worker), a command without --workflow-id names both; --workflow-id picks one', async () => {
  const ids = [uniqueId('ui-dry-run'), uniqueId('ui-run')];
  // Two dry runs take no lock, so both stay active; on a task queue of their own no worker picks them up.
  const queue = uniqueId('no-worker');
  const handles = await Promise.all(ids.map((workflowId) => worker.client.workflow.start('productSyncWorkflow', { taskQueue: queue, workflowId, args: [{ dryRun: true }] })));
  try {
    const r = await runCli(['pause'], { ...env, PRODUCT_ETL_TASK_QUEUE: queue });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/error: 2 product syncs are running: /);
    for (const id of ids) expect(r.out).toContain(id);
    expect(r.out).toContain('Name the one you mean with --workflow-id.');
    const one = await runCli(['cancel', '--workflow-id', ids[0]], { ...env, PRODUCT_ETL_TASK_QUEUE: queue });
    expect(one).toMatchObject({ code: 0, out: expect.stringContaining(`Cancellation requested for ${ids[0]}`) });
  } finally {
    await Promise.all(handles.map((h) => h.terminate('test over')));
  }
});
