/**
 * The batch's fast path: hand-built multi-row statements, product ids learnt from insertId, and the next batch read
 * while the current one writes. Each is checked against the slow, obvious way of doing the same thing.
 */
import { createActivities } from '../../src/activities';
import { silentLogger } from '../../src/activities/logger';
import { productStore, readIdAllocation } from '../../src/db/stores/productStore';
import type { ProductWrite } from '../../src/domain/applyPlan';
import { productKey } from '../../src/domain/storedProduct';
import { seedStaging } from '../../src/demo/seedStaging';
import { runBatchesDirectly } from '../../src/bench/directRun';
import { BatchReadAhead, prepareRowsInSlices, readStagingBatch, readStagingBatchInSlices } from '../../src/activities/batchReadAhead';
import { prepareRows } from '../../src/domain/applyPlan';
import { FETCH_BATCH_SQL } from '../../src/db/stores/stagingRepository';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expectedState, actualState } from '../support/syncHarness';
import { createTestDatabase, insertStaging, misattributedChanges, snapshot, TestDatabase } from '../support/testDatabase';

class RolledBack extends Error {}

const product = (sku: string, id?: string): ProductWrite => ({
  ...(id ? { id } : {}),
  product: { brand_code: 'B', sku, name: `n ${sku}`, category: null, price: '1.00', status: 'active', attributes: '{}', tags: '[]', data_version: 'x'.repeat(64), source: { at: '2026-01-01 00:00:00.000000', id: '1' } },
});

describe('fast path of a batch', () => {
  const dbs: TestDatabase[] = [];
  const db = async (label: string) => {
    const d = await createTestDatabase(label);
    dbs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('learns new product ids from insertId, for any auto_increment_increment, exactly as reading them back gives', async () => {
    const { knex } = await db('ids');
    await knex.transaction(async (trx) => {
      await productStore.upsert(trx, ['A', 'C'].map((s) => product(s)), await readIdAllocation(trx));
    });
    const existing = await productStore.findByKeys(knex, [{ brand_code: 'B', sku: 'A' }]);
    for (const increment of [1, 3]) {
      for (const consecutive of [true, false]) {
        await knex.transaction(async (trx) => {
          await trx.raw('SET SESSION auto_increment_increment = ?', [increment]);
          const allocation = await readIdAllocation(trx);
          expect(allocation).toEqual({ consecutive: true, increment }); // MariaDB's default lock mode 1
          const writes = [product('A', existing.get(productKey('B', 'A'))!.id), ...Array.from({ length: 25 }, (_, i) => product(`new-${i}`))];
          const ids = await productStore.upsert(trx, writes, { ...allocation, consecutive });
          const [rows] = await trx.raw("SELECT id, sku FROM products WHERE brand_code = 'B'");
          const actual = new Map((rows as Array<{ id: string; sku: string }>).filter((r) => r.sku !== 'C').map((r) => [productKey('B', r.sku), String(r.id)]));
          expect(ids).toEqual(actual);
          await trx.raw('SET SESSION auto_increment_increment = 1');
          throw new RolledBack();
        }).catch((err: unknown) => {
          if (!(err instanceof RolledBack)) throw err;
        });
      }
    }
  });

  it('gives the same tables with and without reading ahead, both equal to the oracle', async () => {
    const snapshots = [];
    for (const readAhead of [true, false]) {
      const { knex } = await db(`ahead_${readAhead}`);
      await seedStaging(knex, { rows: 1500, seed: 5, keySpace: 400 });
      // R: a batch's read of staging rows; W: a write of products, change log or rejects.
      let order = '';
      const see = (q: { sql: string }): void => {
        if (q.sql === FETCH_BATCH_SQL) order += 'R';
        else if (/^INSERT INTO (products|product_change_log|product_etl_reject) /i.test(q.sql)) order += 'W';
      };
      knex.on('query', see);
      const run = await runBatchesDirectly(knex, { batchSize: 100, runId: `run-${readAhead}`, config: { readAhead } });
      knex.removeListener('query', see);
      expect(order.match(/R/g)).toHaveLength(15);
      // The next batch is read ahead only once this batch's writes are on their way, never before (its normalisation
      // would hold up this batch's plan and writes).
      expect(order).not.toMatch(/RR/);
      const expected = await expectedState(knex);
      const actual = await actualState(knex);
      expect(run.counts).toEqual(expected.counts);
      expect(actual.products).toEqual(expected.products);
      expect(await misattributedChanges(knex)).toBe(0);
      snapshots.push(await snapshot(knex));
    }
    expect(snapshots[1]).toEqual(snapshots[0]);
  });

  it('a staging row that upstream moves past the end cursor after it was read ahead is applied by the next run', async () => {
    const { knex } = await db('moved');
    await insertStaging(knex, Array.from({ length: 30 }, (_, i) => ({ brand_code: 'M', sku: `S${i}`, name: `n${i}`, src_updated_at: `2026-02-01 00:00:${String(i).padStart(2, '0')}.000000` })));
    const acts = createActivities({ knex, logger: silentLogger, config: { pipeline: 'products' } });
    const owner = { workflowId: 'wf-moved', pipelineRunId: 'run-moved' };
    const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
    const first = await acts.applyBatch({ ...owner, runId: 'run-moved', from: plan.start, end: plan.end!, batchSize: 10, dryRun: false });
    await new Promise((r) => setTimeout(r, 300)); // the read-ahead of rows 10..19 has finished by now
    await knex('products_staging').where({ sku: 'S15' }).update({ name: 'renamed', src_updated_at: '2026-02-02 00:00:00.000000' });
    let from = first.to;
    for (;;) {
      const r = await acts.applyBatch({ ...owner, runId: 'run-moved', from, end: plan.end!, batchSize: 10, dryRun: false });
      from = r.to;
      if (r.done) break;
    }
    const next = await runBatchesDirectly(knex, { batchSize: 10, runId: 'run-after' });
    expect(next.counts).toEqual({ inserted: 0, updated: 1, unchanged: 0, stale: 0, rejected: 0 });
    const expected = await expectedState(knex);
    expect((await actualState(knex)).products).toEqual(expected.products);
    expect((await knex('products').where({ sku: 'S15' }).first()).name).toBe('renamed');
    expect(await misattributedChanges(knex)).toBe(0);
  });

  it('hands a read-ahead only to exactly its range, once, and lets it go when nobody takes it', async () => {
    const { knex } = await db('readahead');
    await insertStaging(knex, Array.from({ length: 5 }, (_, i) => ({ brand_code: 'R', sku: `S${i}`, name: `n${i}`, src_updated_at: `2026-02-01 00:00:0${i}.000000` })));
    const range = { pipelineRunId: 'p', from: { at: '1000-01-01 00:00:00.000000', id: '0' }, end: { at: '2026-02-01 00:00:04.000000', id: '999' }, batchSize: 3 };
    const ahead = new BatchReadAhead(knex, 100);
    ahead.start(range);
    expect(await ahead.take({ ...range, batchSize: 4 })).toBeUndefined();
    expect(await ahead.take({ ...range, pipelineRunId: 'q' })).toBeUndefined();
    const taken = await ahead.take(range);
    expect(taken?.rows.map((r) => r.sku)).toEqual(['S0', 'S1', 'S2']);
    expect(taken?.prepared.every((p) => p.result.ok)).toBe(true);
    expect(await ahead.take(range)).toBeUndefined();

    ahead.start(range);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ahead.take(range)).toBeUndefined();
  });

  it('normalises a read-ahead in slices, letting the event loop turn between them, to the same rows as in one go', async () => {
    const { knex } = await db('readahead_slices');
    await seedStaging(knex, { rows: 250, seed: 7 });
    const range = { from: { at: '1000-01-01 00:00:00.000000', id: '0' }, end: { at: '9999-12-31 23:59:59.999999', id: '18446744073709551615' }, batchSize: 250 };
    const whole = await readStagingBatch(knex, range);
    const sliced = await readStagingBatchInSlices(knex, range, 40);
    expect(sliced.rows).toEqual(whole.rows);
    expect(sliced.prepared).toEqual(whole.prepared);
    expect(sliced.prepared.filter((p) => !p.result.ok).length).toBeGreaterThan(0); // the seed's bad rows are in it

    // Turns of the event loop taken by others while the rows are normalised: none when done in one go (the promise
    // settles in microtasks), one per slice boundary when sliced.
    const turnsDuring = async (prepare: () => Promise<unknown>): Promise<number> => {
      let turns = 0;
      let running = true;
      const tick = (): void => {
        turns++;
        if (running) setImmediate(tick);
      };
      setImmediate(tick);
      await prepare();
      running = false;
      return turns;
    };
    expect(await turnsDuring(async () => prepareRows(whole.rows))).toBe(0);
    expect(await turnsDuring(() => prepareRowsInSlices(whole.rows, 40))).toBe(Math.ceil(250 / 40) - 1);
  });

  it('lets a taken read-ahead be collected at once, not after its time-out', async () => {
    const { knex } = await db('readahead_gc');
    await insertStaging(knex, Array.from({ length: 3 }, (_, i) => ({ brand_code: 'R', sku: `S${i}`, name: `n${i}`, src_updated_at: `2026-02-01 00:00:0${i}.000000` })));
    const range = { pipelineRunId: 'p', from: { at: '1000-01-01 00:00:00.000000', id: '0' }, end: { at: '2026-02-01 00:00:04.000000', id: '999' }, batchSize: 3 };
    const ahead = new BatchReadAhead(knex, 60_000);
    ahead.start(range);
    // Only a weak reference to the rows is kept here: once the batch is done with them nothing else should hold them.
    const rows = await (async () => new WeakRef((await ahead.take(range))?.rows ?? []))();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await new Promise((r) => setTimeout(r, 10)); // a WeakRef target is kept until the job that made it ends
    gc();
    // Before the fix the time-out's closure held the read, so every batch's rows lived for its full 60 s.
    expect(rows.deref()).toBeUndefined();
  });
});
