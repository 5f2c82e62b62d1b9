/**
 * A refused start is not a failed workflow (issue 13, item 2). `sync` refuses before starting while a real run is
 * active, naming it, and starts nothing; a run started anyway (the UI, a schedule racing) completes with status
 * `refused`, which `status` shows with the active run. Real CLI processes, a real worker and dev server, MariaDB.
 */
import type { Client } from '@temporalio/client';
import { startSync } from '../../src/client';
import { pauseSignal, progressQuery } from '../../src/workflows/definitions';
import { buildIfStale, runCli } from '../support/builtCli';
import { createSyncEnv, SyncEnv } from '../support/syncHarness';
import { TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { insertStaging } from '../support/testDatabase';

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function runsOn(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) ids.push(`${w.workflowId} ${w.status.name}`);
  return ids.sort();
}

let e: SyncEnv;
let cliEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  buildIfStale();
  e = await createSyncEnv('refused');
  await insertStaging(e.db.knex, Array.from({ length: 200 }, (_, i) => ({ brand_code: 'R', sku: `S${i}`, name: `n${i}`, src_updated_at: `2026-02-01 00:00:00.${String(i).padStart(6, '0')}` })));
  cliEnv = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS, PRODUCT_ETL_TASK_QUEUE: e.worker.taskQueue, DATABASE_URL: e.db.url };
});
afterAll(async () => {
  await e?.close();
});

it('sync refuses before starting while a run is active, a run started anyway completes as refused, and status says so', async () => {
  const activeId = uniqueId('refused-active');
  const active = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, activeId);
  await waitFor('the active run to commit a batch', async () => (await active.query(progressQuery)).batchesDone >= 1);
  await active.signal(pauseSignal); // it keeps the lock and stays RUNNING
  await waitFor('the active run to be visible', async () => (await runsOn(e.worker.client, e.worker.taskQueue)).length === 1);

  // (a) the command line refuses before starting, naming the active run, and starts nothing
  const refused = await runCli(['sync', '--workflow-id', uniqueId('refused-cli')], cliEnv);
  expect(refused.code).toBe(2);
  expect(refused.out).toContain(`A product sync is already running (workflow ${activeId}, run ${active.firstExecutionRunId}`);
  expect(refused.out).toContain(`status --follow --workflow-id ${activeId}`);
  expect(await runsOn(e.worker.client, e.worker.taskQueue)).toEqual([`${activeId} RUNNING`]);
  // A dry run takes no lock, so it is not refused.
  const dry = await runCli(['sync', '--dry-run', '--workflow-id', uniqueId('refused-dry')], cliEnv);
  expect(dry.code).toBe(0);
  expect(dry.out).toContain('Product sync completed (dry run');

  // (b) a run started anyway, past the check: the run lock refuses it, and it ends COMPLETED, not FAILED
  const racedId = uniqueId('refused-raced');
  const raced = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, racedId);
  const summary = await raced.result();
  expect(summary).toMatchObject({ status: 'refused', batches: 0, refused: { activeRun: { workflowId: activeId, runId: active.firstExecutionRunId } } });
  expect((await raced.describe()).status.name).toBe('COMPLETED');
  const status = await runCli(['status', '--workflow-id', racedId], cliEnv);
  expect(status.code).toBe(0);
  expect(status.out).toContain('COMPLETED');
  expect(status.out).toContain('Product sync refused: nothing was read or written.');
  expect(status.out).toContain(`active run    workflow ${activeId} (run ${active.firstExecutionRunId}`);

  await active.cancel();
  await active.result().catch(() => undefined);
  // Nothing failed on this task queue.
  expect((await runsOn(e.worker.client, e.worker.taskQueue)).filter((r) => r.endsWith('FAILED'))).toEqual([]);
});
