/**
 * Operating a running sync the way a person does, from the UI or the command line: pause and resume, a new batch
 * size, cancel, a second start, the schedule, and history download and replay. Real dev server, real workers, real
 * MariaDB; every proof is made through Temporal's client API (what the UI calls) and the tables.
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { replayHistoryFiles, startSync } from '../../src/client';
import { runCommandLine } from '../../src/cli/program';
import { compareCursors } from '../../src/domain/cursor';
import { ConfigError } from '../../src/errors';
import { cliCacheDir } from '../../src/temporal/cliBinary';
import { pauseSignal, progressQuery, resumeSignal, setBatchSizeUpdate, SyncSummary } from '../../src/workflows/definitions';
import { actualState, createSyncEnv, readStaging, SyncEnv } from '../support/syncHarness';
import { runOracle } from '../../tools/oracle/oracle';
import { TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { insertStaging, snapshot, StagingInsert } from '../support/testDatabase';

jest.setTimeout(240_000);

const ROWS = 3000;
/** 1,000 products, each written three times at different times: inserts, then updates, in time order. */
function stagingRows(): StagingInsert[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    brand_code: 'B1',
    sku: `S${i % 1000}`,
    name: `Name ${i}`,
    price: `${(i % 97) + 1}.50`,
    src_updated_at: `2026-01-01 00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}`,
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function committedBatches(env: SyncEnv): Promise<number> {
  const [{ n }] = await env.db.knex('etl_batch_log').count({ n: '*' });
  return Number(n);
}

/** Runs a command line as `npx product-etl` does, in this process (to reach the test's workers), capturing what it prints. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  type Done = (error?: Error | null) => void;
  const capture = (into: 'out' | 'err') => ((chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | Done, done?: Done) => {
    if (into === 'out') out += String(chunk);
    else err += String(chunk);
    (typeof encodingOrDone === 'function' ? encodingOrDone : done)?.(); // a command may wait for its output to flush
    return true;
  }) as typeof process.stdout.write;
  const o = jest.spyOn(process.stdout, 'write').mockImplementation(capture('out'));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(capture('err'));
  try {
    const code = await runCommandLine(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const envs: SyncEnv[] = [];
async function env(label: string): Promise<SyncEnv> {
  const e = await createSyncEnv(label);
  envs.push(e);
  await insertStaging(e.db.knex, stagingRows());
  return e;
}

beforeAll(() => {
  // The commands connect the way the CLI does, from the environment.
  process.env.TEMPORAL_ADDRESS ??= TEMPORAL_ADDRESS;
});
afterAll(async () => {
  for (const e of envs) await e.close();
});

describe('pause and resume', () => {
  it('a paused run takes no new batch, and after resume ends with the same tables as an unpaused run', async () => {
    const [paused, plain] = await Promise.all([env('ops_pause'), env('ops_plain')]);
    const id = uniqueId('ops-pause');
    const handle = await startSync(paused.worker.client, paused.worker.taskQueue, { batchSize: 10 }, id);
    const reference = startSync(plain.worker.client, plain.worker.taskQueue, { batchSize: 10 }, uniqueId('ops-plain')).then((h) => h.result());

    await waitFor('a few batches', async () => (await handle.query(progressQuery)).batchesDone >= 5);
    await handle.signal(pauseSignal);
    await waitFor('state paused', async () => (await handle.query(progressQuery)).state === 'paused');
    await sleep(1000); // the batch in flight when the signal came may still commit
    const before = { logged: await committedBatches(paused), done: (await handle.query(progressQuery)).batchesDone };
    await sleep(2500);
    const after = await handle.query(progressQuery);
    expect(after.state).toBe('paused');
    expect(after.batchesDone).toBe(before.done);
    expect(await committedBatches(paused)).toBe(before.logged);
    expect(before.done).toBeLessThan(ROWS / 10);

    const status = await cli(['status', '--workflow-id', id]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/Product sync .*: paused/);
    expect(status.out).toMatch(/\[#*-+\] \d+% [\d,]+\/3,000 rows · [\d,]+ rows\/s · batch [\d,]+ · paused/);

    const resumed = await cli(['resume', '--workflow-id', id]);
    expect(resumed).toMatchObject({ code: 0, out: expect.stringContaining(`Resumed ${id}`) });
    await waitFor('a batch after resume', async () => (await committedBatches(paused)) > before.logged);

    const [summary, plainSummary] = await Promise.all([handle.result(), reference]);
    expect(summary).toMatchObject({ status: 'completed', rowsRead: ROWS, batches: ROWS / 10 });
    expect(summary.counts).toEqual(plainSummary.counts);
    expect(await snapshot(paused.db.knex)).toEqual(await snapshot(plain.db.knex));
    expect((await snapshot(paused.db.knex)).products).toHaveLength(1000);
  });

  it('pause, resume and status say clearly when there is no such run', async () => {
    for (const command of ['pause', 'resume', 'status', 'cancel']) {
      const r = await cli([command, '--workflow-id', uniqueId('ops-none')]);
      expect(r.code).toBe(3); // not found
      expect(r.err).toMatch(/^error: There is no workflow ops-none-\w+ in namespace default\./);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe('setBatchSize', () => {
  it('refuses bad values while the run goes on, and applies a good one from a following batch', async () => {
    const e = await env('ops_batch');
    const id = uniqueId('ops-batch');
    const handle = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, id);
    await waitFor('a few batches', async () => (await handle.query(progressQuery)).batchesDone >= 3);

    for (const bad of [0, 10001, 1.5]) {
      const err = await handle.executeUpdate(setBatchSizeUpdate, { args: [bad] }).then(() => undefined, (x: unknown) => x);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe(`batch size must be a whole number from 1 to 10000 (got ${bad})`);
      const r = await cli(['set-batch-size', String(bad), '--workflow-id', id]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error: The run refused the new batch size: batch size must be a whole number from 1 to 10000 (got ${bad})`);
      expect(r.err).not.toMatch(/\n\s+at |DEBUG/);
    }
    const meanwhile = await handle.query(progressQuery);
    expect(meanwhile).toMatchObject({ state: 'running', batchSize: 10 });
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const set = await cli(['set-batch-size', '250', '--workflow-id', id]);
    expect(set).toMatchObject({ code: 0, out: expect.stringContaining('10 -> 250') });
    expect((await handle.query(progressQuery)).batchSize).toBe(250);

    const summary = await handle.result();
    expect(summary).toMatchObject({ status: 'completed', rowsRead: ROWS });
    const sizes = (await e.db.knex('etl_batch_log').orderBy('id').select('rows_read')).map((r: { rows_read: number }) => r.rows_read);
    const firstBig = sizes.indexOf(250);
    expect(firstBig).toBeGreaterThanOrEqual(3);
    expect(sizes.slice(0, firstBig).every((s) => s === 10)).toBe(true);
    // From the change on, full batches of 250 only; the last one takes what is left.
    expect(sizes.slice(firstBig, -1).every((s) => s === 250)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ROWS);
  });
});

describe('cancel', () => {
  it('stops after the batch in flight and ends Cancelled, with the watermark at the last committed batch', async () => {
    const e = await env('ops_cancel');
    const id = uniqueId('ops-cancel');
    const handle = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, id);
    await waitFor('a few batches', async () => (await handle.query(progressQuery)).batchesDone >= 5);

    const r = await cli(['cancel', '--workflow-id', id, '--wait']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`Workflow ${id} \\(run [\\w-]+\\) ended CANCELLED\\.`));
    expect(r.out).toMatch(/Cancelled after \d+ batch\(es\)/);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await handle.result().then(() => 'completed', (err: unknown) => (err as WorkflowFailedError).cause?.name)).toBe('CancelledFailure');

    const last = await e.db.knex('etl_batch_log').orderBy('id', 'desc').first();
    const { watermark, products } = await actualState(e.db.knex);
    expect(watermark).toEqual({ last_processed_at: last.to_at, last_processed_id: last.to_id });
    const wm = { at: String(last.to_at), id: String(last.to_id) };
    expect(compareCursors(wm, { at: '2026-01-01 00:00:59.999999', id: '0' })).toBeLessThan(0); // stopped early
    // No half batch: the products are exactly every staging row up to the watermark applied, and nothing after it.
    const upToWatermark = (await readStaging(e.db.knex)).filter((row) => compareCursors({ at: row.src_updated_at, id: row.id }, wm) <= 0);
    const expected = runOracle(upToWatermark).products;
    expect(products.size).toBe(expected.length);
    for (const p of expected) expect(products.get(JSON.stringify([p.brand_code, p.sku]))).toEqual(p);
    for (const p of products.values()) expect(compareCursors({ at: p.src_updated_at, id: p.source_id }, wm)).toBeLessThanOrEqual(0);
    const [{ n: locks }] = await e.db.knex('etl_run_lock').count({ n: '*' });
    expect(Number(locks)).toBe(0); // the lock is released

    const again = await cli(['cancel', '--workflow-id', id]);
    expect(again.code).toBe(3); // no running run to act on
    expect(again.err).toContain(`Workflow ${id} is not running`);
  });
});

describe('one run at a time', () => {
  it('refuses a second start with the same id, and ends one under another id as refused (not failed), naming the active run', async () => {
    const e = await env('ops_twice');
    const id = uniqueId('ops-first');
    const first = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, id);
    await waitFor('the first run to hold the lock', async () => (await first.query(progressQuery)).batchesDone >= 1);

    const same = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, id).then(() => undefined, (x: unknown) => x);
    expect(same).toBeInstanceOf(ConfigError);
    expect((same as ConfigError).message).toContain(`A product sync is already running (workflow ${id}, run ${first.firstExecutionRunId}`);

    // Started anyway under another id (as the UI or a schedule tick would): the run lock refuses it, and it completes.
    const other = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 10 }, uniqueId('ops-second'));
    const summary = await other.result();
    expect(summary).toMatchObject({ status: 'refused', batches: 0, rowsRead: 0, refused: { activeRun: { workflowId: id, runId: first.firstExecutionRunId } } });
    expect(summary.refused?.message).toContain(`workflow ${id} (run ${first.firstExecutionRunId}`);
    expect((await other.describe()).status.name).toBe('COMPLETED');
    expect((await first.describe()).status.name).toBe('RUNNING');

    await first.cancel();
    await first.result().catch(() => undefined);
  });
});

describe('schedule', () => {
  it('creates, describes, triggers a run that completes, and deletes', async () => {
    const e = await env('ops_schedule');
    const scheduleId = uniqueId('ops-schedule');
    const prefix = uniqueId('ops-scheduled');
    const previousQueue = process.env.PRODUCT_ETL_TASK_QUEUE;
    process.env.PRODUCT_ETL_TASK_QUEUE = e.worker.taskQueue;
    const S = ['--schedule-id', scheduleId];
    try {
      expect((await cli(['schedule', 'create', ...S, '--every', '1h', '--cron', '0 * * * *'])).err).toContain('Give exactly one of --every');
      expect((await cli(['schedule', 'create', ...S, '--every', 'soon'])).err).toContain('--every: "soon" is not a duration');
      expect((await cli(['schedule', 'create', ...S, '--cron', '0 * *'])).code).toBe(2);
      const badField = await cli(['schedule', 'create', ...S, '--cron', '61 * * * *']);
      expect(badField).toMatchObject({ code: 2, err: expect.stringContaining('Temporal refused the schedule') });
      expect((await cli(['schedule', 'describe', ...S])).err).toContain(`There is no schedule ${scheduleId}`);

      const created = await cli(['schedule', 'create', ...S, '--every', '1h', '--time-zone', 'Asia/Shanghai', '--catchup-window', '10m', '--note', 'ops test', '--limit', '500', '--workflow-id', prefix]);
      expect(created).toMatchObject({ code: 0, out: expect.stringContaining(`Created schedule ${scheduleId}`) });
      expect(created.out).toContain('every 1h · time zone Asia/Shanghai');
      expect((await cli(['schedule', 'create', ...S, '--every', '1h'])).err).toMatch(/already exists[\s\S]*schedule update/);

      const d = await e.worker.client.schedule.getHandle(scheduleId).describe();
      expect(d.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 600_000 });
      expect(d.action).toMatchObject({ workflowType: 'productSyncWorkflow', taskQueue: e.worker.taskQueue, workflowId: prefix, args: [{ batchSize: 500 }], staticSummary: 'products sync · batch 500 · lookback 15m' });
      expect(d.state).toMatchObject({ paused: false, note: 'ops test' });

      const triggered = await cli(['schedule', 'trigger', ...S]);
      expect(triggered.code).toBe(0);
      const runId = triggered.out.match(new RegExp(`started (${prefix}-\\S+)\\.`))?.[1];
      expect(runId).toBeDefined();
      const summary: SyncSummary = await e.worker.client.workflow.getHandle(runId as string).result();
      expect(summary).toMatchObject({ status: 'completed', rowsRead: ROWS, batches: ROWS / 500 });

      const described = await cli(['schedule', 'describe', ...S]);
      expect(described.out).toContain('overlap SKIP · catchup window 10m');
      expect(described.out).toContain('1 taken');
      expect(described.out).toMatch(new RegExp(`${runId}\\s+COMPLETED`));
      expect(described.out).toMatch(/next runs\s+\d{4}-\d\d-\d\d \d\d:00:00 Asia\/Shanghai/);

      expect(await cli(['schedule', 'delete', ...S])).toMatchObject({ code: 0, out: expect.stringContaining(`Deleted schedule ${scheduleId}`) });
      expect((await cli(['schedule', 'trigger', ...S])).err).toContain(`There is no schedule ${scheduleId}`);
    } finally {
      process.env.PRODUCT_ETL_TASK_QUEUE = previousQueue;
      await e.worker.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    }
  });
});

function temporalCli(): string | undefined {
  for (const path of [process.env.TEMPORAL_CLI, join(cliCacheDir(), 'temporal')]) {
    try {
      if (path) accessSync(path, constants.X_OK);
      if (path) return path;
    } catch {
      /* not there */
    }
  }
  return undefined;
}

describe('history and replay', () => {
  let dir: string;
  let file: string;
  let workflowId: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pe-ops-'));
    const e = await env('ops_history');
    workflowId = uniqueId('ops-history');
    // A run whose history has signals and an update in it, not only activities.
    const handle = await startSync(e.worker.client, e.worker.taskQueue, { batchSize: 200 }, workflowId);
    await handle.signal(pauseSignal);
    await waitFor('paused', async () => (await handle.query(progressQuery)).state === 'paused');
    await handle.executeUpdate(setBatchSizeUpdate, { args: [500] });
    await handle.signal(resumeSignal);
    expect(await handle.result()).toMatchObject({ status: 'completed', rowsRead: ROWS });
    const r = await cli(['history', workflowId]);
    expect(r.code).toBe(0);
    file = join(dir, 'history.json');
    writeFileSync(file, r.out);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const temporal = temporalCli();
  (temporal ? it : it.skip)('writes exactly what `temporal workflow show --output json` writes', () => {
    const shown = spawnSync(temporal as string, ['workflow', 'show', '--output', 'json', '-w', workflowId, '--address', process.env.TEMPORAL_ADDRESS ?? TEMPORAL_ADDRESS], { encoding: 'utf8' });
    expect(shown.status).toBe(0);
    const mine = readFileSync(file, 'utf8');
    expect(mine).toBe(shown.stdout);
  });

  it('replays OK against the current workflow code, from the CLI format and the UI download forms', async () => {
    const r = await cli(['replay', file]);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining(`OK    ${file}`) });
    const events = (JSON.parse(readFileSync(file, 'utf8')) as { events: unknown[] }).events;
    const newestFirst = join(dir, 'ui-array.json');
    writeFileSync(newestFirst, JSON.stringify([...events].reverse()));
    const wrapped = join(dir, 'ui-wrapped.json');
    writeFileSync(wrapped, JSON.stringify({ history: { events } }));
    expect(await replayHistoryFiles([newestFirst, wrapped])).toEqual([{ file: newestFirst, result: 'ok' }, { file: wrapped, result: 'ok' }]);
  });

  it('catches a changed workflow as non-deterministic, and says which file is not a history', async () => {
    const [changed] = await replayHistoryFiles([file], require.resolve('../fixtures/changedWorkflow'));
    expect(changed.result).toBe('failed');
    expect(changed.message).toMatch(/DeterminismViolationError: .*[Nn]ondeterminism/);

    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"foo": 1}');
    const r = await cli(['replay', file, junk]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`OK    ${file}`);
    expect(r.out).toContain(`ERROR ${junk}`);
  });
});
