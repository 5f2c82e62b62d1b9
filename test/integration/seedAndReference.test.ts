/**
 * Real MariaDB/MySQL: seeds a scratch database with generated staging rows and runs the benchmark's reference upsert.
 * The scratch database has a random name and is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  REFERENCE_SOURCE_FILTER,
  REFERENCE_SOURCE_SQL,
  runReferenceUpsert,
} from '../../src/bench/referenceSql';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/connection';
import { DatabaseSettings, parseDatabaseUrl } from '../../src/db/databaseUrl';
import { migrateLatest } from '../../src/db/migrate';
import { seedStaging } from '../../src/demo/seedStaging';
import { generateStagingRowsArray } from '../../src/demo/stagingGenerator';

const SERVER_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const ROWS = 2000;
const STAGING_COLUMNS = ['brand_code', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags', 'src_updated_at'];

let settings: DatabaseSettings;
let knex: Knex;

beforeAll(async () => {
  settings = parseDatabaseUrl(`${SERVER_URL}/gen_scratch_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(settings);
  knex = createKnex(settings);
  await migrateLatest(knex);
}, 60_000);

afterAll(async () => {
  await knex?.destroy();
  if (settings) await dropDatabase(settings);
});

async function count(table: string): Promise<number> {
  const [row] = (await knex(table).count({ n: '*' })) as Array<{ n: string | number }>;
  return Number(row?.n);
}

async function stagingRows(): Promise<Array<Record<string, unknown>>> {
  return knex('products_staging').select('id', ...STAGING_COLUMNS).orderBy('id');
}

describe('seedStaging', () => {
  it('creates products_staging and stores exactly the generated rows, ids in generation order', async () => {
    const result = await seedStaging(knex, { rows: ROWS, seed: 11, truncate: true });
    expect(result.inserted).toBe(ROWS);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(await count('products_staging')).toBe(ROWS);

    // Round trip: U+3000, full-width text and microseconds survive unchanged.
    const stored = await stagingRows();
    const expected = generateStagingRowsArray({ rows: ROWS, seed: 11 }).map((r, i) => ({ id: String(i + 1), ...r }));
    expect(stored).toEqual(expected);
  });

  it('gives the same table for the same seed when truncating, and appends without truncate', async () => {
    const before = await stagingRows();
    await seedStaging(knex, { rows: ROWS, seed: 11, truncate: true });
    expect(await stagingRows()).toEqual(before);

    await seedStaging(knex, { rows: 10, seed: 12 });
    expect(await count('products_staging')).toBe(ROWS + 10);
    await seedStaging(knex, { rows: ROWS, seed: 11, truncate: true });
    expect(await count('products_staging')).toBe(ROWS);
  });
});

describe('runReferenceUpsert', () => {
  const T = (us: number): string => `2030-01-01 00:00:00.${String(us).padStart(6, '0')}`;

  beforeAll(async () => {
    // Hand-made cases the generator cannot make (its ids always follow its timestamps):
    // SKU-1: the newer row has the smaller id; SKU-2: two rows on one timestamp, the larger id wins, and an older
    // row in another spelling of the key comes last; SKU-3: a legacy product with no source cursor yet.
    const row = (sku: string, name: string, at: string, brand = 'ordertest'): Record<string, string> => ({
      brand_code: brand, sku, name, price: '1,299.00', status: 'ON', src_updated_at: at,
    });
    await knex('products_staging').insert([
      row('sku-1', 'newer', T(2)),
      row('sku-1', 'older', T(1)),
      row('sku-2', 'first', T(3)),
      row('sku-2', 'second', T(3)),
      row(' SKU-2 ', 'stale', T(0), ' OrderTest '),
      row('sku-3', 'from staging', T(5)),
    ]);
    await knex('products').insert({ brand_code: 'ORDERTEST', sku: 'SKU-3', name: 'legacy', status: 'active' });
  });

  it('upserts the staging rows into products in one statement without error', async () => {
    const result = await runReferenceUpsert(knex);
    expect(result.rows).toBeGreaterThan(ROWS / 2);
    expect(result.rows).toBeLessThanOrEqual(ROWS + 6);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);

    const [distinct] = (
      await knex.raw(`SELECT COUNT(DISTINCT s.brand_code, s.sku) AS n FROM (${REFERENCE_SOURCE_SQL}) AS s WHERE ${REFERENCE_SOURCE_FILTER}`)
    )[0] as Array<{ n: string | number }>;
    expect(await count('products')).toBe(Number(distinct?.n));
    expect(Number(distinct?.n)).toBeGreaterThan(100);

    const [bad] = (
      await knex.raw(
        "SELECT COUNT(*) AS n FROM products WHERE data_version IS NULL OR LENGTH(data_version) <> 64 OR status NOT IN ('active', 'inactive', 'deleted')",
      )
    )[0] as Array<{ n: string | number }>;
    expect(Number(bad?.n)).toBe(0);
  });

  it('leaves every product on the latest accepted staging row of its key, by (src_updated_at, id)', async () => {
    const [mismatches] = (await knex.raw(`
      SELECT p.brand_code, p.sku, p.source_id, p.src_updated_at, w.id AS expected_id, w.src_updated_at AS expected_at
      FROM products p
      LEFT JOIN (
        SELECT s.brand_code, s.sku, s.id, s.src_updated_at,
               ROW_NUMBER() OVER (PARTITION BY s.brand_code, s.sku ORDER BY s.src_updated_at DESC, s.id DESC) AS rn
        FROM (${REFERENCE_SOURCE_SQL}) AS s
        WHERE ${REFERENCE_SOURCE_FILTER}
      ) w ON w.brand_code = p.brand_code AND w.sku = p.sku AND w.rn = 1
      WHERE w.id IS NULL OR NOT (p.source_id <=> w.id) OR NOT (p.src_updated_at <=> w.src_updated_at)
      LIMIT 10`)) as [unknown[], unknown];
    expect(mismatches).toEqual([]);

    const names = await knex('products').where({ brand_code: 'ORDERTEST' }).orderBy('sku').select('sku', 'name', 'price', 'src_updated_at');
    expect(names).toEqual([
      { sku: 'SKU-1', name: 'newer', price: '1299.00', src_updated_at: T(2) },
      { sku: 'SKU-2', name: 'second', price: '1299.00', src_updated_at: T(3) },
      { sku: 'SKU-3', name: 'from staging', price: '1299.00', src_updated_at: T(5) },
    ]);
  });

  it('keeps the latest row across runs, whatever the ids (explicit ids out of timestamp order)', async () => {
    const apply = async (id: number, name: string, at: string): Promise<unknown> => {
      await knex('products_staging').insert({ id, brand_code: 'ORDERTEST', sku: 'SKU-4', name, status: '1', src_updated_at: at });
      await runReferenceUpsert(knex);
      return knex('products').where({ brand_code: 'ORDERTEST', sku: 'SKU-4' }).first('name', 'source_id', 'src_updated_at');
    };
    expect(await apply(900_000, 'first run', T(10))).toEqual({ name: 'first run', source_id: '900000', src_updated_at: T(10) });
    // Newer timestamp, smaller id: wins.
    expect(await apply(800_000, 'newer, smaller id', T(11))).toEqual({ name: 'newer, smaller id', source_id: '800000', src_updated_at: T(11) });
    // Same timestamp, smaller id: older by the cursor, ignored.
    expect(await apply(700_000, 'same time, smaller id', T(11))).toEqual({ name: 'newer, smaller id', source_id: '800000', src_updated_at: T(11) });
    // Same timestamp, larger id: wins.
    expect(await apply(950_000, 'same time, larger id', T(11))).toEqual({ name: 'same time, larger id', source_id: '950000', src_updated_at: T(11) });
  });

  it('changes nothing when run again over the same staging table', async () => {
    const snapshot = (): Promise<unknown[]> =>
      knex('products').orderBy('id').select('id', 'brand_code', 'sku', 'name', 'price', 'data_version', 'source_id', 'src_updated_at', 'updated_at');
    const before = await snapshot();
    await runReferenceUpsert(knex);
    expect(await snapshot()).toEqual(before);
  });
});
