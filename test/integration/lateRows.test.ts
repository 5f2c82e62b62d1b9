/**
 * Late-arriving rows (issue 5, item 3). An upstream transaction stamps a row with an old src_updated_at and commits
 * only after a sync has moved the watermark past that time: a plain cursor never sees it. `lookback` re-reads the
 * window behind the watermark, where rows already applied change nothing (spec section 6). Also: the default lookback
 * of scheduled runs, and proof that the held-open transaction does not block the sync's reads.
 */
import type { Knex } from 'knex';
import { DEFAULT_SCHEDULED_LOOKBACK, scheduledInputFromFlags } from '../../src/client';
import { createKnex } from '../../src/db/connection';
import { ConfigError } from '../../src/errors';
import { actualState, createSyncEnv, expectedState, SyncEnv } from '../support/syncHarness';
import { insertStaging } from '../support/testDatabase';

const DAY = '2026-05-01';
const row = (key: string, name: string, time: string, extra: Record<string, string> = {}) => ({ brand_code: 'late', sku: key, name, src_updated_at: `${DAY} ${time}`, ...extra });

const changeLogIds = async (knex: Knex): Promise<string[]> => (await knex('product_change_log').orderBy('id').pluck('staging_id')).map(String);
const rejectCount = async (knex: Knex, stagingId: string): Promise<number> => Number((await knex('product_etl_reject').where('staging_id', stagingId).count({ n: '*' }))[0].n);
const productNamed = async (knex: Knex, sku: string) => knex('products').where({ brand_code: 'LATE', sku }).first('name', 'source_id');
const idOf = async (knex: Knex, sku: string, time: string): Promise<string> => String((await knex('products_staging').where({ sku, src_updated_at: `${DAY} ${time}` }).first('id')).id);

describe('scheduled runs look back by default', () => {
  it(`adds lookback ${DEFAULT_SCHEDULED_LOOKBACK} unless --lookback is given; --lookback 0 turns it off`, () => {
    expect(DEFAULT_SCHEDULED_LOOKBACK).toBe('15m');
    expect(scheduledInputFromFlags({})).toEqual({ lookback: '15m' });
    expect(scheduledInputFromFlags({ limit: '500' })).toEqual({ batchSize: 500, lookback: '15m' });
    expect(scheduledInputFromFlags({ lookback: '2h' })).toEqual({ lookback: '2h' });
    expect(scheduledInputFromFlags({ lookback: '0' })).toEqual({ lookback: '0' });
    // --no-resume re-reads everything: a lookback would be ignored, so none is added.
    expect(scheduledInputFromFlags({ resume: false })).toEqual({ resume: false });
    expect(() => scheduledInputFromFlags({ lookback: 'soon' })).toThrow(ConfigError);
  });
});

describe('a row committed after the sync passed its src_updated_at', () => {
  let env: SyncEnv;
  let upstream: Knex;
  let held: Knex.Transaction | undefined;
  beforeAll(async () => {
    env = await createSyncEnv('late_rows');
    upstream = createKnex(env.db.settings, { poolMax: 1 });
  });
  afterAll(async () => {
    if (held && !held.isCompleted()) await held.rollback();
    await upstream?.destroy();
    await env?.close();
  });

  it('is missed without lookback, and picked up by a lookback that covers it, with nothing else changed', async () => {
    const { knex } = env.db;
    await insertStaging(knex, [
      row('K0', 'before the window', '09:00:00'),
      row('K1', 'first', '10:06:00'),
      row('KR', 'rejected', '10:07:00', { price: 'N/A' }),
    ]);
    // Connection A: the upstream transaction that stamps its row 10:08 and holds it open.
    held = await upstream.transaction();
    await held('products_staging').insert(row('KL', 'late', '10:08:00'));
    // Meanwhile other writers commit rows after 10:08; their ids are greater than the late row's.
    await insertStaging(knex, [row('K1', 'second', '10:10:00'), row('K2', 'last', '10:20:00')]);

    // The sync's reads are consistent (non-locking) reads: they neither wait for A nor see its row. A locking read would
    // wait, so the same query LOCK IN SHARE MODE times out against A's uncommitted insert.
    const [[{ timeout }]] = await knex.raw('SELECT @@innodb_lock_wait_timeout AS timeout');
    await knex.transaction(async (trx) => {
      await trx.raw('SET SESSION innodb_lock_wait_timeout = 1');
      expect((await trx('products_staging').pluck('sku')).sort()).toEqual(['K0', 'K1', 'K1', 'K2', 'KR']);
      await expect(trx.raw('SELECT sku FROM products_staging WHERE src_updated_at >= ? LOCK IN SHARE MODE', [`${DAY} 10:00:00`])).rejects.toMatchObject({ code: 'ER_LOCK_WAIT_TIMEOUT' });
    });
    const started = Date.now();
    const first = await env.sync({ batchSize: 2 });
    expect(Date.now() - started).toBeLessThan(Number(timeout) * 1000);
    expect(first).toMatchObject({ status: 'completed', rowsRead: 5, counts: { inserted: 3, updated: 1, unchanged: 0, stale: 0, rejected: 1 } });
    expect((await knex('etl_watermark').first('last_processed_at')).last_processed_at).toBe(`${DAY} 10:20:00.000000`);

    await held.commit();
    const late = await idOf(knex, 'KL', '10:08:00');
    const rejectedId = await idOf(knex, 'KR', '10:07:00');
    const logBefore = await changeLogIds(knex);
    expect(logBefore).toHaveLength(4);

    // Without lookback, and with --lookback 0 as a schedule would pass it, the late row is never read.
    const plain = await env.sync({});
    expect(plain).toMatchObject({ rowsRead: 0 });
    const zero = await env.sync(scheduledInputFromFlags({ lookback: '0' }));
    expect(zero).toMatchObject({ rowsRead: 0 });
    expect(await productNamed(knex, 'KL')).toBeUndefined();

    // A window that does not reach back to 10:08 re-reads only what it covers, and still misses the row.
    const short = await env.sync({ lookback: '5m' });
    expect(short).toMatchObject({ rowsRead: 1, counts: { inserted: 0, updated: 0, unchanged: 1, stale: 0, rejected: 0 } });
    expect(await productNamed(knex, 'KL')).toBeUndefined();

    // The scheduled default (15m behind 10:20 = from 10:05) covers it: one INSERT; the rows already applied in the
    // window are unchanged (K1 'second', K2) or stale (K1 'first'), and write no change-log row.
    const caught = await env.sync(scheduledInputFromFlags({}));
    expect(caught).toMatchObject({ status: 'completed', rowsRead: 5, counts: { inserted: 1, updated: 0, unchanged: 2, stale: 1, rejected: 1 } });
    expect(await productNamed(knex, 'KL')).toEqual({ name: 'late', source_id: late });
    expect(await changeLogIds(knex)).toEqual([...logBefore, late]);
    expect(await knex('product_change_log').where('staging_id', late).first('change_type')).toEqual({ change_type: 'INSERT' });
    // Re-reading the window counts the bad row as rejected again but records no second reject row: the row and the
    // reason are the same (spec section 5, amended 2026-12-02).
    expect(await rejectCount(knex, rejectedId)).toBe(1);

    const expected = await expectedState(knex);
    const actual = await actualState(knex);
    expect(actual.products).toEqual(expected.products);
    expect(actual.watermark).toEqual({ last_processed_at: `${DAY} 10:20:00.000000`, last_processed_id: await idOf(knex, 'K2', '10:20:00') });
  });
});
