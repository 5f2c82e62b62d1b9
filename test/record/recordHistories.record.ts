/**
 * Re-records the committed histories under test/histories (docs/replay.md). Not part of `npm test`: the normal
 * testMatch is test/**\/*.test.ts, and this file is a `.record.ts`. Run it against a Temporal server and MariaDB:
 *
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 npx jest --testMatch '**\/test/record/*.record.ts'
 *
 * RECORD_ONLY=cancelled,activity-retry records a subset. Each scenario gets a database and a task queue of its own and
 * a real worker whose activities are the real ones (a short delay in front of applyBatch makes the runs slow enough
 * to pause or cancel between batches; one scenario makes the first attempt of a batch fail). The files are written
 * exactly as `temporal workflow show --output json` (and `npx product-etl history`) writes them; when the Temporal CLI
 * is at hand, each file is compared with what it prints. normal-run.json is not touched.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, NativeConnection, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import type { ApplyBatchInput } from '../../src/shared/syncTypes';
import { historyFromJsonText, historyToCliJson } from '../../src/client';
import { startSync } from '../../src/client';
import { seedStaging } from '../../src/demo/seedStaging';
import { cliCacheDir } from '../../src/temporal/cliBinary';
import { ensureSearchAttributes } from '../../src/temporal/ensureSearchAttributes';
import { PIPELINE_NAME } from '../../src/temporal/searchAttributes';
import { pauseSignal, progressQuery, ProductSyncInput, resumeSignal, setBatchSizeUpdate, setPartitionsUpdate } from '../../src/workflows/definitions';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';
import { connectTestClient, NAMESPACE, TEMPORAL_ADDRESS, uniqueId, workflowBundle } from '../support/temporalTestEnv';

jest.setTimeout(300_000);

const DIR = join(__dirname, '..', 'histories');
const only = process.env.RECORD_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const scenario = (name: string) => (!only || only.includes(name) ? it : it.skip);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Rig {
  client: Client;
  db: TestDatabase;
  taskQueue: string;
  start(input: ProductSyncInput, idPrefix: string): ReturnType<typeof startSync>;
  stop(): Promise<void>;
}

interface RigOptions {
  rows: number;
  /** Wait this long before each applyBatch attempt, so signals and cancels land between batches. */
  batchDelayMs?: number;
  /** Throw a plain Error on the first attempt of the n-th batch (1-based); its retry succeeds. */
  failFirstAttemptOfBatch?: number;
  /** Workflow code other than the current src/workflows (an older version, to record its histories). */
  bundle?: WorkflowBundleWithSourceMap;
}

const ROOT = join(__dirname, '..', '..');
const PATCHED_MEMO_LINE = "      if (wf.patched('cancel-summary-in-memo')) wf.upsertMemo({ summary: result });\n";
const PATCHED_REFUSAL_LINE = "    if (refusal && wf.patched('refused-start-completes')) return refusal;\n";

/**
 * The workflow as it was before a patch came in: the current productSync.ts without the patched() line, which is the
 * only change to its commands (cancel-summary-in-memo: commit 3147dca; refused-start-completes: without it a refusal
 * is rethrown, fails the run, and the lock release is tried, as before). Written under .tmp (git-ignored), bundled there.
 */
async function prePatchBundle(line = PATCHED_MEMO_LINE, name = 'pre-patch'): Promise<WorkflowBundleWithSourceMap> {
  const source = readFileSync(join(ROOT, 'src', 'workflows', 'productSync.ts'), 'utf8');
  if (!source.includes(line)) throw new Error(`productSync.ts no longer has the line this scenario removes: ${line.trim()}`);
  const dir = join(ROOT, '.tmp', 'record', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'productSync.ts'), source.replace(line, '').replace(/from '\.\.\//g, "from '../../../src/").replace(/from '\.\//g, "from '../../../src/workflows/"));
  writeFileSync(join(dir, 'index.ts'), "export { productSyncWorkflow } from './productSync';\n");
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never;
  return bundleWorkflowCode({ workflowsPath: join(dir, 'index.ts'), logger: quiet });
}

let client: Client;
beforeAll(async () => {
  client = await connectTestClient();
  await ensureSearchAttributes(client, NAMESPACE);
});
afterAll(async () => {
  await client?.connection.close();
});

/** A database with seeded staging rows, and a worker built here (same bundle as the tests) with wrapped activities. */
async function rig(label: string, o: RigOptions): Promise<Rig> {
  const db = await createTestDatabase(`rec_${label}`);
  await seedStaging(db.knex, { rows: o.rows, seed: 42 });
  const activities = createActivities({ knex: db.knex, client, logger: silentLogger, config: { pipeline: PIPELINE_NAME } });
  const realApplyBatch = activities.applyBatch;
  let batchesSeen = 0;
  activities.applyBatch = async (input: ApplyBatchInput) => {
    const { attempt } = Context.current().info;
    if (attempt === 1) batchesSeen++;
    if (o.batchDelayMs) await sleep(o.batchDelayMs);
    if (attempt === 1 && batchesSeen === o.failFirstAttemptOfBatch) {
      throw new Error(`recorder: simulated failure of batch ${batchesSeen}, attempt 1 (the retry succeeds)`);
    }
    return realApplyBatch(input);
  };
  const realApplyPartition = activities.applyPartition;
  activities.applyPartition = async (input) => {
    if (o.batchDelayMs) await sleep(o.batchDelayMs);
    return realApplyPartition(input);
  };
  const taskQueue = uniqueId('pe-record');
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const worker = await Worker.create({ connection, namespace: NAMESPACE, taskQueue, workflowBundle: o.bundle ?? (await workflowBundle()), activities, maxConcurrentActivityTaskExecutions: 4 });
  const running = worker.run();
  return {
    client,
    db,
    taskQueue,
    start: (input, idPrefix) => startSync(client, taskQueue, input, uniqueId(`record-${idPrefix}`)),
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await db.drop();
    },
  };
}

function temporalCli(): string | undefined {
  for (const path of [process.env.TEMPORAL_CLI, join(cliCacheDir(), 'temporal')]) {
    try {
      if (path) {
        accessSync(path, constants.X_OK);
        return path;
      }
    } catch {
      /* not there */
    }
  }
  return undefined;
}

/** Writes one run's history as the CLI does, checks it reads back, and (CLI at hand) that the CLI writes the same. */
async function save(file: string, workflowId: string, runId: string): Promise<History> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const text = historyToCliJson(history) + '\n';
  const path = join(DIR, file);
  writeFileSync(path, text);
  expect(historyFromJsonText(readFileSync(path, 'utf8')).events).toHaveLength(history.events?.length ?? -1);
  const cli = temporalCli();
  if (cli) {
    const shown = spawnSync(cli, ['workflow', 'show', '--output', 'json', '-w', workflowId, '-r', runId, '--address', TEMPORAL_ADDRESS, '--namespace', NAMESPACE], { encoding: 'utf8' });
    expect(shown.status).toBe(0);
    expect(text).toBe(shown.stdout);
  }
  // What a history must never hold: connection settings (spec: cursors and counts only).
  expect(text).not.toMatch(/mysql:\/\/|password|DATABASE_URL/i);
  console.log(`${file}: ${history.events?.length} events (workflow ${workflowId}, run ${runId})`);
  return history;
}

describe('record histories into test/histories', () => {
  scenario('paused-resumed')('a run paused after a few batches, then resumed to completion', async () => {
    const r = await rig('paused', { rows: 60, batchDelayMs: 300 });
    try {
      const handle = await r.start({ batchSize: 10 }, 'paused-resumed');
      await waitFor('two batches', async () => (await handle.query(progressQuery)).batchesDone >= 2);
      await handle.signal(pauseSignal);
      await waitFor('paused', async () => (await handle.query(progressQuery)).state === 'paused');
      await sleep(1500);
      await handle.signal(resumeSignal);
      expect(await handle.result()).toMatchObject({ status: 'completed', rowsRead: 60, batches: 6 });
      await save('paused-resumed.json', handle.workflowId, handle.firstExecutionRunId);
    } finally {
      await r.stop();
    }
  });

  scenario('cancelled')('a run cancelled after some batches (ends Cancelled, summary in the memo)', async () => {
    const r = await rig('cancelled', { rows: 80, batchDelayMs: 300 });
    try {
      const handle = await r.start({ batchSize: 10 }, 'cancelled');
      await waitFor('three batches', async () => (await handle.query(progressQuery)).batchesDone >= 3);
      await handle.cancel();
      const err = await handle.result().then(() => undefined, (x: unknown) => x);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      await save('cancelled.json', handle.workflowId, handle.firstExecutionRunId);
    } finally {
      await r.stop();
    }
  });

  scenario('cancelled-before-patch')('a cancelled run of the workflow as it was before the cancel-summary-in-memo patch', async () => {
    const r = await rig('prepatch', { rows: 80, batchDelayMs: 300, bundle: await prePatchBundle() });
    try {
      const handle = await r.start({ batchSize: 10 }, 'cancelled-before-patch');
      await waitFor('three batches', async () => (await handle.query(progressQuery)).batchesDone >= 3);
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const history = await save('cancelled-before-patch.json', handle.workflowId, handle.firstExecutionRunId);
      expect(history.events?.some((e) => e.markerRecordedEventAttributes)).toBe(false); // no patch marker: the old code path
    } finally {
      await r.stop();
    }
  });

  scenario('continued-as-new')('a run that continues as new every 3 batches (each run of the chain)', async () => {
    const r = await rig('can', { rows: 100 });
    try {
      const handle = await r.start({ batchSize: 10, maxBatchesPerRun: 3 }, 'continued-as-new');
      expect(await handle.result()).toMatchObject({ status: 'completed', rowsRead: 100, batches: 10 });
      let runId: string | undefined = handle.firstExecutionRunId;
      for (let n = 1; runId; n++) {
        const history = await save(n === 1 ? 'continued-as-new.json' : `continued-as-new-run-${n}.json`, handle.workflowId, runId);
        const last = history.events?.[history.events.length - 1];
        runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
        if (runId) expect(n).toBeLessThan(10);
      }
    } finally {
      await r.stop();
    }
  });

  scenario('activity-retry')('a run whose second batch fails on its first attempt and succeeds on the retry', async () => {
    const r = await rig('retry', { rows: 40, failFirstAttemptOfBatch: 2 });
    try {
      const handle = await r.start({ batchSize: 10 }, 'activity-retry');
      expect(await handle.result()).toMatchObject({ status: 'completed', rowsRead: 40, batches: 4 });
      const history = await save('activity-retry.json', handle.workflowId, handle.firstExecutionRunId);
      const retried = history.events?.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) ?? [];
      expect(retried).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  scenario('refused-start')('a start refused by the run lock while another run holds it: completes as refused', async () => {
    const r = await rig('refused', { rows: 40, batchDelayMs: 300 });
    try {
      const active = await r.start({ batchSize: 10 }, 'refused-active');
      await waitFor('the active run to hold the lock', async () => (await active.query(progressQuery)).batchesDone >= 1);
      await active.signal(pauseSignal);
      const handle = await r.start({ batchSize: 10 }, 'refused-start');
      expect(await handle.result()).toMatchObject({ status: 'refused', batches: 0, refused: { activeRun: { workflowId: active.workflowId } } });
      const history = await save('refused-start.json', handle.workflowId, handle.firstExecutionRunId);
      expect(history.events?.some((e) => e.markerRecordedEventAttributes)).toBe(true); // the refused-start-completes patch marker
      await active.cancel();
      await active.result().catch(() => undefined);
    } finally {
      await r.stop();
    }
  });

  scenario('refused-start-before-patch')('the same refused start under the workflow as it was before refused-start-completes: it fails', async () => {
    const r = await rig('refusedpre', { rows: 40, batchDelayMs: 300, bundle: await prePatchBundle(PATCHED_REFUSAL_LINE, 'pre-refusal-patch') });
    try {
      const active = await r.start({ batchSize: 10 }, 'refused-active');
      await waitFor('the active run to hold the lock', async () => (await active.query(progressQuery)).batchesDone >= 1);
      await active.signal(pauseSignal);
      const handle = await r.start({ batchSize: 10 }, 'refused-start-before-patch');
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const history = await save('refused-start-before-patch.json', handle.workflowId, handle.firstExecutionRunId);
      expect(history.events?.some((e) => e.markerRecordedEventAttributes)).toBe(false); // no patch marker: the old code path
      await active.cancel();
      await active.result().catch(() => undefined);
    } finally {
      await r.stop();
    }
  });

  scenario('batch-size-update')('a run whose batch size is changed by the setBatchSize update (and a bad value refused)', async () => {
    const r = await rig('batchsize', { rows: 60, batchDelayMs: 300 });
    try {
      const handle = await r.start({ batchSize: 5 }, 'batch-size-update');
      await waitFor('two batches', async () => (await handle.query(progressQuery)).batchesDone >= 2);
      await expect(handle.executeUpdate(setBatchSizeUpdate, { args: [0] })).rejects.toThrow();
      expect(await handle.executeUpdate(setBatchSizeUpdate, { args: [20] })).toBe(5);
      const summary = await handle.result();
      expect(summary).toMatchObject({ status: 'completed', rowsRead: 60 });
      await save('batch-size-update.json', handle.workflowId, handle.firstExecutionRunId);
    } finally {
      await r.stop();
    }
  });

  scenario('partitioned')('a partitioned run (K = 2) paused between windows, K set to 3 by setPartitions (a bad value refused), resumed', async () => {
    const r = await rig('partitioned', { rows: 60, batchDelayMs: 300 });
    try {
      const handle = await r.start({ batchSize: 5, partitions: 2 }, 'partitioned');
      await waitFor('a partition of a window in flight', async () => (await handle.query(progressQuery)).window !== undefined);
      expect((await handle.query(progressQuery)).window).toMatchObject({ partitions: 2, rows: 10 });
      await waitFor('two windows', async () => (await handle.query(progressQuery)).batchesDone >= 2);
      await handle.signal(pauseSignal);
      await waitFor('paused', async () => (await handle.query(progressQuery)).state === 'paused');
      const refused = await handle.executeUpdate(setPartitionsUpdate, { args: [0] }).then(() => undefined, (err: { cause?: Error }) => err.cause?.message);
      expect(refused).toMatch(/partitions must be a whole number from 1 to 32 \(got 0\)/);
      expect(await handle.executeUpdate(setPartitionsUpdate, { args: [3] })).toBe(2);
      const paused = await handle.query(progressQuery);
      expect(paused).toMatchObject({ state: 'paused', partitions: 3 });
      expect(paused.window).toBeUndefined();
      await sleep(1000);
      await handle.signal(resumeSignal);
      const summary = await handle.result();
      expect(summary).toMatchObject({ status: 'completed', rowsRead: 60 });
      // Windows of 10 rows (K = 2) until the pause, then of 15 (K = 3).
      const windows = await r.db.knex('etl_window').select('partitions', 'rows_planned').orderBy('id');
      expect(windows.slice(0, paused.batchesDone).every((w) => w.partitions === 2 && w.rows_planned === 10)).toBe(true);
      expect(windows.slice(paused.batchesDone).every((w) => w.partitions === 3)).toBe(true);
      await save('partitioned-paused-set-partitions.json', handle.workflowId, handle.firstExecutionRunId);
    } finally {
      await r.stop();
    }
  });
});
