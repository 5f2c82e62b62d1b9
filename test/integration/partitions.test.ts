/**
 * Partitioned windows (docs/scaling.md) on the real Temporal dev server and MariaDB: for K = 1, 2, 3 and 8 and batch
 * sizes 1, 7 and 1000 the tables equal the oracle and a K = 1 run; a repeated partition writes nothing; the watermark
 * never passes a window with a partition missing; a failed partition is retried; a run killed with some partitions of
 * a window committed is resumed, by a new run, with the same window and K.
 */
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import { partitionOf } from '../../src/domain/partition';
import { seedStaging } from '../../src/demo/seedStaging';
import { actualState, createSyncEnv, expectedState, SyncEnv } from '../support/syncHarness';
import { createTestDatabase, insertStaging, misattributedChanges, snapshot, tableFingerprint, TestDatabase } from '../support/testDatabase';
import { startTestWorker, TestWorker, uniqueId } from '../support/temporalTestEnv';
import { WorkflowFailedError } from '@temporalio/client';
import { startSync } from '../../src/client';
import { pauseSignal, progressQuery, resumeSignal, setPartitionsUpdate } from '../../src/workflows/definitions';
import type { Knex } from 'knex';

const byStagingId = <T extends { staging_id: string }>(xs: T[]) => [...xs].sort((a, b) => Number(BigInt(a.staging_id) - BigInt(b.staging_id)));

/**
 * 90 generated rows (20 for batch size 1, to keep it quick) over one key per 8 rows (many versions of each product), then one product under five spellings that
 * normalise alike, spread over the whole range, and runs of rows that share one src_updated_at, so window and
 * partition edges fall between rows of one product and between rows of one timestamp.
 */
async function seed(knex: Knex, generated = 90): Promise<void> {
  await seedStaging(knex, { rows: generated, seed: 21, keySpace: Math.ceil(generated / 8) });
  const spellings = ['belle', ' BELLE', 'ｂｅｌｌｅ', 'Belle ', 'BELLE'];
  const rows = [];
  for (let i = 0; i < 40; i++) {
    const at = `2026-01-01 00:00:${String(10 + Math.floor(i / 6)).padStart(2, '0')}.000000`; // six rows per timestamp
    rows.push({ brand_code: spellings[i % 5], sku: i % 3 === 0 ? 'one-sku' : `sku-${i % 4}`, name: `name ${i % 7}`, price: `${i % 5}.5`, status: 'on', src_updated_at: at });
  }
  rows.push({ brand_code: null, sku: 'no-brand', name: 'x', src_updated_at: '2026-01-01 00:00:12.000000' });
  await insertStaging(knex, rows);
}

async function equalsOracle(knex: Knex): Promise<void> {
  const expected = await expectedState(knex);
  const actual = await actualState(knex);
  expect(actual.products.size).toBe(expected.products.size);
  for (const [key, p] of expected.products) expect(actual.products.get(key)).toEqual(p);
  expect(byStagingId(actual.changes)).toEqual(byStagingId(expected.changes));
  expect(byStagingId(actual.rejects)).toEqual(byStagingId(expected.rejects));
  expect(await misattributedChanges(knex)).toBe(0);
}

const tables = async (knex: Knex) => {
  const s = await snapshot(knex);
  return { products: s.products, changeLog: s.changeLog, rejects: s.rejects, watermark: s.watermark };
};

describe('partitioned windows', () => {
  const envs: SyncEnv[] = [];
  const env = async (label: string, generated: number) => {
    const e = await createSyncEnv(label);
    envs.push(e);
    await seed(e.db.knex, generated);
    return e;
  };
  afterAll(async () => {
    for (const e of envs) await e.close();
  });

  it('the same key in any spelling lands in one partition', () => {
    for (const k of [2, 3, 8]) {
      const parts = new Set(['belle', ' BELLE', 'ｂｅｌｌｅ', 'Belle '].map((b, i) => partitionOf({ id: String(i + 1), brand_code: b, sku: ' one-sku' }, k)));
      expect(parts.size).toBe(1);
    }
    // Spread: 1000 keys over 8 partitions, none empty and none with more than twice its share.
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 1000; i++) counts[partitionOf({ id: String(i + 1), brand_code: 'B', sku: `S${i}` }, 8)]++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(250);
  });

  for (const batchSize of [1, 7, 1000]) {
    it(`batch size ${batchSize}: K = 1, 2, 3 and 8 all equal the oracle and each other`, async () => {
      const results = [];
      const generated = batchSize === 1 ? 20 : 90;
      const rows = generated + 41;
      for (const partitions of [1, 2, 3, 8]) {
        const e = await env(`p${partitions}b${batchSize}`, generated);
        const summary = await e.sync({ batchSize, partitions });
        expect(summary.status).toBe('completed');
        expect(summary.rowsRead).toBe(rows);
        const expected = await expectedState(e.db.knex);
        expect(summary.counts).toEqual(expected.counts);
        await equalsOracle(e.db.knex);
        expect((await actualState(e.db.knex)).watermark).toEqual({ last_processed_at: summary.endCursor!.at, last_processed_id: summary.endCursor!.id });
        const [[{ windows }]] = await e.db.knex.raw('SELECT COUNT(*) AS windows FROM etl_window');
        // K = 1 takes the batch path of old; K > 1 windows of batchSize × K rows.
        expect(Number(windows)).toBe(partitions === 1 ? 0 : Math.ceil(rows / (batchSize * partitions)));
        results.push(await tables(e.db.knex));
      }
      for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    }, 600_000);
  }
});

describe('partition fencing', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('pfence');
    await seed(db.knex);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('a repeated partition attempt writes nothing; the watermark waits for all K; a finished window is not finished twice', async () => {
    const acts = createActivities({ knex: db.knex, logger: silentLogger, config: { pipeline: 'products' } });
    const owner = { workflowId: 'wf-fence', pipelineRunId: 'run-fence' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    const w = await acts.planWindow({ ...owner, from: plan.start, end: plan.end!, batchSize: 50, partitions: 3 });
    expect(w.rowsPlanned).toBe(131);
    expect(w.done).toBe(true);
    const input = (partition: number) => ({ ...owner, runId: 'run-fence', windowId: w.windowId!, partition });
    const first = await acts.applyPartition(input(0));
    const after = await tableFingerprint(db.knex);
    const again = await acts.applyPartition(input(0));
    expect(first.alreadyCommitted).toBe(false);
    expect(again.alreadyCommitted).toBe(true);
    expect({ rowsRead: again.rowsRead, counts: again.counts }).toEqual({ rowsRead: first.rowsRead, counts: first.counts });
    expect(await tableFingerprint(db.knex)).toEqual(after);
    // Planning again at the same watermark re-uses the window, K and all, even when asked for another K.
    const replanned = await acts.planWindow({ ...owner, from: plan.start, end: plan.end!, batchSize: 10, partitions: 5 });
    expect(replanned).toMatchObject({ windowId: w.windowId, to: w.to, partitions: 3, reused: true });

    await acts.applyPartition(input(1));
    await expect(acts.finishWindow({ ...owner, windowId: w.windowId!, end: plan.end! })).rejects.toThrow(/partition\(s\) 2 not committed/);
    expect((await snapshot(db.knex)).watermark).toEqual({ last_processed_at: null, last_processed_id: null });

    const last = await acts.applyPartition(input(2));
    expect(first.rowsRead + (await acts.applyPartition(input(1))).rowsRead + last.rowsRead).toBe(131);
    expect(first.keysRead + last.keysRead).toBe(2 * 131); // the read amplification: each partition reads the window's keys
    const finished = await acts.finishWindow({ ...owner, windowId: w.windowId!, end: plan.end! });
    expect(finished.to).toEqual(w.to);
    expect((await snapshot(db.knex)).watermark).toEqual({ last_processed_at: w.to.at, last_processed_id: w.to.id });
    const fingerprint = await tableFingerprint(db.knex);
    expect((await acts.finishWindow({ ...owner, windowId: w.windowId!, end: plan.end! })).alreadyCommitted).toBe(true);
    expect(await tableFingerprint(db.knex)).toEqual(fingerprint);
    await equalsOracle(db.knex);
  });

  it('a partition that keeps failing on a reachable server stops with BatchKeepsFailing, naming its window; nothing is committed', async () => {
    const acts = createActivities({
      knex: db.knex, logger: silentLogger, config: { pipeline: 'products', maxBatchAttempts: 1 },
      hooks: { beforePartitionCommit: () => Promise.reject(new Error('the same failure every time')) },
    });
    const owner = { workflowId: 'wf-stuck', pipelineRunId: 'run-stuck' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    const w = await acts.planWindow({ ...owner, from: plan.start, end: plan.end!, batchSize: 50, partitions: 2 });
    const before = await tableFingerprint(db.knex);
    const err = await acts.applyPartition({ ...owner, runId: 'run-stuck', windowId: w.windowId!, partition: 1 }).then(() => undefined, (e: unknown) => e as { type?: string; nonRetryable?: boolean; message: string });
    expect(err).toMatchObject({ type: 'BatchKeepsFailing', nonRetryable: true });
    expect(err!.message).toContain(`Partition 1 of window ${w.windowId} failed 1 times in a row; the last error: the same failure every time`);
    expect(await tableFingerprint(db.knex)).toEqual(before);
  });

  it('a deadlock with another transaction rolls the partition back; it is retried in the activity and counted', async () => {
    const acts = createActivities({ knex: db.knex, logger: silentLogger, config: { pipeline: 'products' } });
    const owner = { workflowId: 'wf-dl', pipelineRunId: 'run-dl' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    const first = await acts.planWindow({ ...owner, from: plan.start, end: plan.end!, batchSize: 30, partitions: 2 });
    for (const partition of [0, 1]) await acts.applyPartition({ ...owner, runId: 'run-dl', windowId: first.windowId!, partition });
    await acts.finishWindow({ ...owner, windowId: first.windowId!, end: plan.end! });
    const second = await acts.planWindow({ ...owner, from: first.to, end: plan.end!, batchSize: 30, partitions: 2 });
    // A product the second window updates, and the partition that holds it.
    const rows = await db.knex('products_staging').where('id', '>', Number(first.to.id)).andWhere('id', '<=', Number(second.to.id)).select('id', 'brand_code', 'sku');
    const products = await db.knex('products').select('id', 'brand_code', 'sku');
    const target = rows.map((r) => ({ r, p: products.find((x) => x.brand_code === String(r.brand_code ?? '').trim().toUpperCase() && x.sku === String(r.sku ?? '').trim().toUpperCase()) })).find((x) => x.p);
    expect(target).toBeDefined();
    const partition = partitionOf({ id: String(target!.r.id), brand_code: target!.r.brand_code, sku: target!.r.sku }, 2);
    await db.knex.raw('CREATE TABLE scratch (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB');
    const rival = await db.knex.transaction();
    try {
      // The rival is the bigger transaction (2000 rows written), so InnoDB picks the partition as the deadlock victim.
      await rival.raw('INSERT INTO scratch (v) SELECT seq FROM seq_1_to_2000');
      await rival.raw('SELECT id FROM products WHERE id = ? FOR UPDATE', [target!.p!.id]);
      const applying = acts.applyPartition({ ...owner, runId: 'run-dl', windowId: second.windowId!, partition });
      // Wait until the partition waits for the product row, holding its ledger row; then ask for that row.
      for (let i = 0; i < 200; i++) {
        const [[waiting]] = await db.knex.raw("SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'");
        if (Number(waiting.n) > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await rival.raw('SELECT * FROM etl_window_partition WHERE window_id = ? AND partition_no = ? FOR UPDATE', [second.windowId, partition]);
      await rival.rollback();
      const result = await applying;
      expect(result.alreadyCommitted).toBe(false);
      expect(result.lockRetries).toBeGreaterThanOrEqual(1);
    } finally {
      if (!rival.isCompleted()) await rival.rollback();
    }
    await acts.applyPartition({ ...owner, runId: 'run-dl', windowId: second.windowId!, partition: 1 - partition });
    await acts.finishWindow({ ...owner, windowId: second.windowId!, end: plan.end! });
    let from = second.to;
    while (from.id !== plan.end!.id || from.at !== plan.end!.at) {
      const w = await acts.planWindow({ ...owner, from, end: plan.end!, batchSize: 30, partitions: 2 });
      for (const p of [0, 1]) await acts.applyPartition({ ...owner, runId: 'run-dl', windowId: w.windowId!, partition: p });
      await acts.finishWindow({ ...owner, windowId: w.windowId!, end: plan.end! });
      from = w.to;
    }
    await equalsOracle(db.knex);
  });

  it('a partition that fails once is retried and the window completes', async () => {
    const failed = new Set<number>();
    const worker: TestWorker = await startTestWorker(db.knex, {
      hooks: {
        beforePartitionCommit(partition) {
          if (partition === 1 && !failed.has(partition)) {
            failed.add(partition);
            throw new Error('injected failure before the partition commit');
          }
        },
      },
    });
    try {
      const summary = await (await startSync(worker.client, worker.taskQueue, { batchSize: 20, partitions: 4 }, uniqueId('pfail'))).result();
      expect(failed.has(1)).toBe(true);
      expect(summary.status).toBe('completed');
      await equalsOracle(db.knex);
    } finally {
      await worker.stop();
    }
  });

  it('a run killed with some partitions of a window committed is resumed by a new run with the same window and K', async () => {
    const acts = createActivities({ knex: db.knex, logger: silentLogger, config: { pipeline: 'products' } });
    const owner = { workflowId: 'wf-killed', pipelineRunId: 'run-killed' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    const w = await acts.planWindow({ ...owner, from: plan.start, end: plan.end!, batchSize: 10, partitions: 4 });
    await acts.applyPartition({ ...owner, runId: 'run-killed', windowId: w.windowId!, partition: 0 });
    await acts.applyPartition({ ...owner, runId: 'run-killed', windowId: w.windowId!, partition: 2 });
    // The run dies here. A new run, with another K, takes over from the watermark.
    const worker = await startTestWorker(db.knex);
    try {
      const summary = await (await startSync(worker.client, worker.taskQueue, { batchSize: 7, partitions: 2 }, uniqueId('presume'))).result();
      expect(summary.status).toBe('completed');
      const windows = await db.knex('etl_window').select('id', 'from_id', 'to_id', 'partitions', 'finished_at').orderBy('id');
      expect(String(windows[0].id)).toBe(w.windowId);
      expect(String(windows[0].to_id)).toBe(w.to.id);
      expect(windows[0].partitions).toBe(4);
      expect(windows[0].finished_at).not.toBeNull();
      expect(windows.slice(1).every((x) => x.partitions === 2)).toBe(true);
      const [[{ n }]] = await db.knex.raw('SELECT COUNT(*) AS n FROM etl_window_partition WHERE window_id = ?', [w.windowId]);
      expect(Number(n)).toBe(4);
      await equalsOracle(db.knex);
    } finally {
      await worker.stop();
    }
  });

  it('pause, setPartitions and cancel act between windows: no window is left half-applied, and a new run finishes the job', async () => {
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    // Slow partitions, so the run can be caught with a window in flight.
    const worker = await startTestWorker(db.knex, { hooks: { beforePartitionCommit: () => sleep(150) } });
    const openWindows = async () => Number((await db.knex('etl_window').whereNull('finished_at').count({ n: '*' }))[0].n);
    const until = async (probe: () => Promise<boolean>) => {
      for (let i = 0; i < 600 && !(await probe()); i++) await sleep(50);
    };
    try {
      const handle = await startSync(worker.client, worker.taskQueue, { batchSize: 5, partitions: 2 }, uniqueId('pops'));
      await until(async () => (await handle.query(progressQuery)).window !== undefined);
      expect((await handle.query(progressQuery)).window).toMatchObject({ partitions: 2, rows: 10 });
      await handle.signal(pauseSignal);
      const refused = await handle.executeUpdate(setPartitionsUpdate, { args: [33] }).then(() => undefined, (err: { cause?: Error }) => err.cause?.message);
      expect(refused).toBe('partitions must be a whole number from 1 to 32 (got 33)');
      expect(await handle.executeUpdate(setPartitionsUpdate, { args: [3] })).toBe(2);
      await until(async () => (await handle.query(progressQuery)).state === 'paused');
      const paused = await handle.query(progressQuery);
      expect(paused).toMatchObject({ state: 'paused', partitions: 3 });
      expect(paused.window).toBeUndefined();
      expect(await openWindows()).toBe(0);
      const watermark = (await snapshot(db.knex)).watermark;
      expect(watermark).toEqual({ last_processed_at: paused.cursor!.at, last_processed_id: paused.cursor!.id });
      await handle.signal(resumeSignal);
      await until(async () => (await handle.query(progressQuery)).batchesDone >= paused.batchesDone + 1);
      await handle.cancel();
      const cancelled = await handle.result().then(() => undefined, (err: unknown) => err as WorkflowFailedError);
      expect(cancelled?.cause?.name).toBe('CancelledFailure');
      // Windows after the pause have K = 3; the cancel left none unfinished and the watermark at the last one's end.
      const windows = await db.knex('etl_window').select('partitions', 'to_at', 'to_id', 'finished_at').orderBy('id');
      expect(windows.slice(paused.batchesDone).every((w) => w.partitions === 3)).toBe(true);
      expect(await openWindows()).toBe(0);
      const last = windows[windows.length - 1];
      expect((await snapshot(db.knex)).watermark).toEqual({ last_processed_at: last.to_at, last_processed_id: String(last.to_id) });
      const rest = await (await startSync(worker.client, worker.taskQueue, { batchSize: 50, partitions: 3 }, uniqueId('prest'))).result();
      expect(rest.status).toBe('completed');
      await equalsOracle(db.knex);
    } finally {
      await worker.stop();
    }
  });
});
