/**
 * The sync end to end on the real Temporal dev server and MariaDB, checked against the independent oracle of spec
 * section 6 (tools/oracle/oracle.ts).
 */
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import { START_CURSOR } from '../../src/domain/cursor';
import { startSync } from '../../src/client';
import { actualState, createSyncEnv, expectedState, SyncEnv } from '../support/syncHarness';
import { insertStaging, misattributedChanges, snapshot, tableFingerprint } from '../support/testDatabase';
import { uniqueId } from '../support/temporalTestEnv';

const byStagingId = <T extends { staging_id: string }>(xs: T[]) => [...xs].sort((a, b) => Number(BigInt(a.staging_id) - BigInt(b.staging_id)));

describe('product sync', () => {
  const envs: SyncEnv[] = [];
  const env = async (label: string, seed?: { rows: number; seed?: number; keySpace?: number }) => {
    const e = await createSyncEnv(label, seed);
    envs.push(e);
    return e;
  };
  afterAll(async () => {
    for (const e of envs) await e.close();
  });

  it('ends with products, change log and rejects equal to the oracle', async () => {
    const e = await env('oracle', { rows: 3000, seed: 7 });
    const summary = await e.sync({ batchSize: 1000 });
    const expected = await expectedState(e.db.knex);
    const actual = await actualState(e.db.knex);
    expect(summary.status).toBe('completed');
    expect(summary.counts).toEqual(expected.counts);
    expect(summary.rowsRead).toBe(3000);
    expect(expected.counts.rejected).toBeGreaterThan(0);
    expect(expected.counts.updated).toBeGreaterThan(0);
    expect(expected.counts.stale + expected.counts.unchanged).toBeGreaterThan(0);
    expect(actual.products.size).toBe(expected.products.size);
    for (const [key, p] of expected.products) expect(actual.products.get(key)).toEqual(p);
    expect(byStagingId(actual.changes)).toEqual(byStagingId(expected.changes));
    expect(await misattributedChanges(e.db.knex)).toBe(0);
    expect(byStagingId(actual.rejects)).toEqual(byStagingId(expected.rejects));
    expect(actual.watermark).toEqual({ last_processed_at: summary.endCursor!.at, last_processed_id: summary.endCursor!.id });
  });

  it('gives identical tables with batch sizes 1, 7 and 1000', async () => {
    const results = [];
    for (const batchSize of [1, 7, 1000]) {
      const e = await env(`bs${batchSize}`, { rows: 250, seed: 11, keySpace: 60 });
      const summary = await e.sync({ batchSize });
      expect(summary.batches).toBe(Math.ceil(250 / batchSize)); // the batch that reaches the end cursor is the last
      expect(await misattributedChanges(e.db.knex)).toBe(0);
      const s = await snapshot(e.db.knex);
      results.push({ products: s.products, changeLog: s.changeLog, rejects: s.rejects.map(({ staging_id, reason_code }) => ({ staging_id, reason_code })), counts: summary.counts });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('neither loses nor repeats rows that share src_updated_at across a batch boundary', async () => {
    const e = await env('sameTs');
    const at = '2026-03-01 12:00:00.123456';
    await insertStaging(e.db.knex, Array.from({ length: 10 }, (_, i) => ({ brand_code: 'B', sku: `S${i}`, name: `n${i}`, src_updated_at: at })));
    await insertStaging(e.db.knex, [{ brand_code: 'B', sku: 'S0', name: 'renamed', src_updated_at: '2026-03-01 12:00:00.123457' }]);
    const summary = await e.sync({ batchSize: 3 });
    expect(summary.rowsRead).toBe(11);
    expect(summary.counts).toEqual({ inserted: 10, updated: 1, unchanged: 0, stale: 0, rejected: 0 });
    const log = await e.db.knex('product_change_log').select('staging_id').orderBy('staging_id');
    expect(log.map((r) => Number(r.staging_id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('resumes from the watermark after a run is stopped midway, and ends like an unbroken run', async () => {
    const unbroken = await env('unbroken', { rows: 1500, seed: 5 });
    await unbroken.sync({ batchSize: 50 });
    const broken = await env('broken', { rows: 1500, seed: 5 });
    const handle = await startSync(broken.worker.client, broken.worker.taskQueue, { batchSize: 50 }, uniqueId('stopped'));
    for (let i = 0; i < 200; i++) {
      const [[{ n }]] = await broken.db.knex.raw('SELECT COUNT(*) AS n FROM etl_batch_log');
      if (Number(n) >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await handle.terminate('simulated crash of the whole run');
    // The batch in flight when the run was terminated still commits or rolls back as a whole; give it a moment.
    await new Promise((r) => setTimeout(r, 1000));
    const summary = await broken.sync({ batchSize: 50 });
    const boundaries = await broken.db.knex('etl_batch_log').select('to_at', 'to_id', 'workflow_id').where('workflow_id', handle.workflowId);
    expect(boundaries.length).toBeGreaterThanOrEqual(5);
    expect(boundaries.map((b) => ({ at: b.to_at, id: String(b.to_id) }))).toContainEqual(summary.startCursor);
    expect(summary.rowsRead).toBe(1500 - 50 * boundaries.length);
    const a = await snapshot(unbroken.db.knex);
    const b = await snapshot(broken.db.knex);
    expect(b.products).toEqual(a.products);
    expect(b.changeLog).toEqual(a.changeLog);
    expect(b.watermark).toEqual(a.watermark);
  });

  it('changes nothing when a committed batch is applied a second time', async () => {
    const e = await env('twice', { rows: 300, seed: 3 });
    const acts = createActivities({ knex: e.db.knex, logger: silentLogger, config: { pipeline: 'products' } });
    const owner = { workflowId: 'wf-twice', pipelineRunId: 'run-twice' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    expect(plan.start).toEqual(START_CURSOR);
    const input = { ...owner, runId: 'run-twice', from: plan.start, end: plan.end!, batchSize: 100, dryRun: false };
    const first = await acts.applyBatch(input);
    const after = await tableFingerprint(e.db.knex);
    const second = await acts.applyBatch(input);
    expect(first.alreadyCommitted).toBe(false);
    expect(second.alreadyCommitted).toBe(true);
    expect({ ...second, alreadyCommitted: false, finishedAt: '', elapsedMs: 0 }).toEqual({ ...first, finishedAt: '', elapsedMs: 0 });
    expect(await tableFingerprint(e.db.knex)).toEqual(after);
  });

  it('processes nothing on a second run with no new rows; --no-resume re-applies without writing products or changes', async () => {
    const e = await env('again', { rows: 500, seed: 9 });
    const first = await e.sync({});
    const before = await snapshot(e.db.knex, { withTimestamps: true });
    const second = await e.sync({});
    expect(second.rowsRead).toBe(0);
    expect(second.batches).toBe(0);
    expect(await snapshot(e.db.knex, { withTimestamps: true })).toEqual(before);
    const full = await e.sync({ resume: false });
    expect(full.rowsRead).toBe(500);
    expect(full.counts.inserted + full.counts.updated).toBe(0);
    expect(full.counts.rejected).toBe(first.counts.rejected);
    const after = await snapshot(e.db.knex, { withTimestamps: true });
    expect(after.products).toEqual(before.products);
    expect(after.changeLog).toEqual(before.changeLog);
    expect(after.watermark).toEqual(before.watermark);
  });

  it('--dry-run writes nothing anywhere, and counts like a real run when each key appears once', async () => {
    const e = await env('dry');
    await insertStaging(e.db.knex, Array.from({ length: 120 }, (_, i) => ({
      brand_code: i % 17 === 0 ? null : 'ＢＥＬＬＥ', sku: `sku-${i}`, name: `商品 ${i}`, price: i % 11 === 0 ? 'N/A' : `¥${i},000.5`, status: i % 13 === 0 ? '待定' : 'ON',
      attributes: i % 19 === 0 ? '{bad json' : `{"i": ${i}}`, tags: '["a", 1]', src_updated_at: `2026-02-01 00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}`,
    })));
    const before = await tableFingerprint(e.db.knex);
    const dry = await e.sync({ dryRun: true, batchSize: 25 });
    expect(await tableFingerprint(e.db.knex)).toEqual(before);
    expect(dry.dryRun).toBe(true);
    expect(dry.sample?.rejects.length).toBeGreaterThan(0);
    expect(dry.sample?.changes.length).toBeGreaterThan(0);
    const real = await e.sync({ batchSize: 25 });
    expect(dry.counts).toEqual(real.counts);
    expect(real.counts.rejected).toBeGreaterThan(0);
  });
});
