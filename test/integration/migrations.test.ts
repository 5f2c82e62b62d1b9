/** Migrations against the real MariaDB: all the way up and down again, and P-ETL-2 over a table with old rows. */
import { migrateDown, migrateLatest, migrateRollbackAll, migrateUp, pendingMigrations } from '../../src/db/migrate';
import { MIGRATIONS } from '../../migrations';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

const OUR_TABLES = ['products', 'product_change_log', 'product_etl_reject', 'etl_watermark', 'etl_batch_log', 'etl_run_lock', 'etl_window', 'etl_window_partition'];

async function tables(db: TestDatabase): Promise<string[]> {
  const [rows] = await db.knex.raw('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1');
  return (rows as Array<{ t: string }>).map((r) => r.t).filter((t) => !t.startsWith('knex_')).sort();
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('migr', { migrate: false, staging: true });
  });
  afterEach(async () => {
    await db.drop();
  });

  it('go up and down cleanly, twice, and never touch products_staging', async () => {
    for (let round = 0; round < 2; round++) {
      const applied = await migrateLatest(db.knex);
      expect(applied).toEqual(MIGRATIONS.map(([name]) => name));
      expect(await tables(db)).toEqual([...OUR_TABLES, 'products_staging'].sort());
      expect(await pendingMigrations(db.knex)).toEqual([]);
      await migrateRollbackAll(db.knex);
      expect(await tables(db)).toEqual(['products_staging']);
    }
  });

  it('P-ETL-2 keeps every old-shape product, fills brand_code with LEGACY, and keys on (brand_code, sku)', async () => {
    await migrateUp(db.knex); // baseline: products keyed by sku alone
    await db.knex('products').insert([
      { sku: 'OLD-1', name: '旧款皮鞋', category: 'shoes', price: '99.50', status: 'active', attributes: '{"a":1}', tags: '["x"]' },
      { sku: 'OLD-2', name: 'Old boot', category: null, price: null, status: 'inactive', attributes: null, tags: null },
    ]);
    const before = await db.knex('products').select('id', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags').orderBy('id');
    await migrateLatest(db.knex);
    const after = await db.knex('products').select('id', 'brand_code', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags', 'data_version', 'source_id').orderBy('id');
    expect(after).toEqual(before.map((r) => ({ ...r, brand_code: 'LEGACY', data_version: null, source_id: null })));
    // The same sku under two brands is now allowed; the same (brand, sku) twice is not.
    await db.knex('products').insert({ brand_code: 'BELLE', sku: 'OLD-1', name: 'x', status: 'active' });
    await expect(db.knex('products').insert({ brand_code: 'BELLE', sku: 'OLD-1', name: 'y', status: 'active' })).rejects.toThrow(/Duplicate entry/);
    // Keys compare as binary strings: 'a1' and 'A1' are two products.
    await db.knex('products').insert({ brand_code: 'BELLE', sku: 'old-1', name: 'z', status: 'active' });
  });

  it('rolling P-ETL-2 back refuses to lose rows when two brands share a sku', async () => {
    await migrateLatest(db.knex);
    await db.knex('products').insert([
      { brand_code: 'A', sku: 'S1', name: 'a', status: 'active' },
      { brand_code: 'B', sku: 'S1', name: 'b', status: 'active' },
    ]);
    await expect(migrateRollbackAll(db.knex)).rejects.toThrow(/several brands share a sku/);
  });

  it('the reject dedup migration keeps the earliest of each (staging row version, reason), keys on it, and goes down', async () => {
    const dedup = MIGRATIONS.findIndex(([name]) => name === '20261203000100_product_etl_reject_dedup');
    for (let i = 0; i < dedup; i++) await migrateUp(db.knex);
    const reject = (stagingId: number, at: string, reason: string, runId: string) => ({
      staging_id: stagingId, reason_code: reason, field: 'price', message: 'm', raw_row: '{}', src_updated_at: at, workflow_id: 'wf', run_id: runId,
    });
    // Staging row 1 rejected by three runs (a lookback re-read it twice), then again after upstream re-stamped it;
    // row 2 rejected twice for two different reasons.
    await db.knex('product_etl_reject').insert([
      reject(1, '2026-01-01 00:00:00.000001', 'INVALID_PRICE', 'run-a'),
      reject(1, '2026-01-01 00:00:00.000001', 'INVALID_PRICE', 'run-b'),
      reject(2, '2026-01-01 00:00:00.000002', 'INVALID_PRICE', 'run-a'),
      reject(1, '2026-01-01 00:00:00.000001', 'INVALID_PRICE', 'run-c'),
      reject(2, '2026-01-01 00:00:00.000002', 'INVALID_STATUS', 'run-b'),
      reject(1, '2026-01-02 00:00:00.000000', 'INVALID_PRICE', 'run-d'),
    ]);
    const rows = () => db.knex('product_etl_reject').orderBy('id').select('staging_id', 'reason_code', 'run_id');
    expect(await migrateUp(db.knex)).toEqual(['20261203000100_product_etl_reject_dedup']);
    expect(await rows()).toEqual([
      { staging_id: '1', reason_code: 'INVALID_PRICE', run_id: 'run-a' },
      { staging_id: '2', reason_code: 'INVALID_PRICE', run_id: 'run-a' },
      { staging_id: '2', reason_code: 'INVALID_STATUS', run_id: 'run-b' },
      { staging_id: '1', reason_code: 'INVALID_PRICE', run_id: 'run-d' },
    ]);
    await expect(db.knex('product_etl_reject').insert(reject(1, '2026-01-01 00:00:00.000001', 'INVALID_PRICE', 'run-e'))).rejects.toThrow(/Duplicate entry/);

    expect(await migrateDown(db.knex)).toEqual(['20261203000100_product_etl_reject_dedup']);
    await db.knex('product_etl_reject').insert(reject(1, '2026-01-01 00:00:00.000001', 'INVALID_PRICE', 'run-e'));
    expect(await rows()).toHaveLength(5);
    // Up again over the new duplicate: deduplicated once more.
    await migrateUp(db.knex);
    expect(await rows()).toHaveLength(4);
  });
});
