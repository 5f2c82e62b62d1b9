import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/connection';
import { DatabaseSettings, parseDatabaseUrl, withDatabase } from '../../src/db/databaseUrl';
import { migrateLatest } from '../../src/db/migrate';
import { createStagingTableIfMissing } from '../../src/db/stagingDdl';

/** The server tests use: TEST_DATABASE_URL's server (default the local MariaDB); the database part is ignored. */
export function testServer(): DatabaseSettings {
  return parseDatabaseUrl(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/unused');
}

export interface TestDatabase {
  knex: Knex;
  settings: DatabaseSettings;
  url: string;
  drop(): Promise<void>;
}

/** A database of the test's own, migrated, with products_staging created as the DBA would; dropped by drop(). */
export async function createTestDatabase(label: string, options: { migrate?: boolean; staging?: boolean; server?: DatabaseSettings } = {}): Promise<TestDatabase> {
  const name = `pe_test_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const settings = withDatabase(options.server ?? testServer(), name);
  await ensureDatabase(settings);
  const knex = createKnex(settings, { poolMax: 8 });
  if (options.migrate ?? true) await migrateLatest(knex);
  if (options.staging ?? true) await createStagingTableIfMissing(knex);
  return {
    knex,
    settings,
    url: `mysql://${settings.user}${settings.password ? ':' + encodeURIComponent(settings.password) : ''}@${settings.host}:${settings.port}/${name}`,
    async drop() {
      await knex.destroy();
      await dropDatabase(settings);
    },
  };
}

export interface StagingInsert {
  brand_code?: string | null;
  sku?: string | null;
  name?: string | null;
  category?: string | null;
  price?: string | null;
  status?: string | null;
  attributes?: string | null;
  tags?: string | null;
  src_updated_at: string;
}

/** Plays the upstream system: writes staging rows (tests only; the sync itself never writes this table). */
export async function insertStaging(knex: Knex, rows: StagingInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await knex('products_staging').insert(rows.slice(i, i + 500).map((r) => ({
      brand_code: null, sku: null, name: null, category: null, price: null, status: null, attributes: null, tags: null, ...r,
    })));
  }
}

/** Every table the sync writes, as plain sorted data, for before/after and run-vs-run comparisons. */
export async function snapshot(knex: Knex, opts: { withTimestamps?: boolean } = {}) {
  const products = await knex('products')
    .select('brand_code', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags', 'data_version', 'source_id', 'src_updated_at',
      ...(opts.withTimestamps ? ['id', 'created_at', 'updated_at'] : []))
    .orderBy(['brand_code', 'sku']);
  const changeLog = await knex('product_change_log')
    .select('brand_code', 'sku', 'change_type', 'changed_fields', 'before', 'after', 'old_data_version', 'new_data_version', 'staging_id', 'src_updated_at')
    .orderBy('staging_id');
  const rejects = await knex('product_etl_reject').select('staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'message', 'raw_row', 'src_updated_at').orderBy('staging_id');
  const watermark = await knex('etl_watermark').select('last_processed_at', 'last_processed_id').first();
  return { products, changeLog, rejects, watermark };
}

/** Row counts and a checksum of everything in the tables the sync may write. */
export async function tableFingerprint(knex: Knex): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['products', 'product_change_log', 'product_etl_reject', 'etl_watermark', 'etl_batch_log', 'etl_run_lock']) {
    const [rows] = await knex.raw(`CHECKSUM TABLE ${t}`);
    const [[{ n }]] = await knex.raw(`SELECT COUNT(*) AS n FROM ${t}`);
    out[t] = `${n}:${(rows as Array<{ Checksum: string }>)[0].Checksum}`;
  }
  return out;
}

/** Change-log rows whose product_id is not the id of the product with their (brand_code, sku): must be none. */
export async function misattributedChanges(knex: Knex): Promise<number> {
  const [[{ n }]] = await knex.raw(
    'SELECT COUNT(*) AS n FROM product_change_log c LEFT JOIN products p ON p.id = c.product_id AND p.brand_code = c.brand_code AND p.sku = c.sku WHERE p.id IS NULL',
  );
  return Number(n);
}
