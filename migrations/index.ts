import type { Knex } from 'knex';
import * as baseline from './20261129000100_baseline_products';
import * as pEtl2 from './20261129000200_p_etl_2_products_brand_key';
import * as changeLog from './20261129000300_product_change_log';
import * as reject from './20261129000400_product_etl_reject';
import * as watermark from './20261129000500_etl_watermark';
import * as runLock from './20261129000600_etl_run_lock';
import * as rejectDedup from './20261203000100_product_etl_reject_dedup';
import * as window from './20261203000200_etl_window';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * The migrations in order. A static list rather than a directory scan, so the same code runs from TypeScript (tests)
 * and from the compiled JavaScript (the command line) with no loader tricks. Names match the files.
 */
export const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['20261129000100_baseline_products', baseline],
  ['20261129000200_p_etl_2_products_brand_key', pEtl2],
  ['20261129000300_product_change_log', changeLog],
  ['20261129000400_product_etl_reject', reject],
  ['20261129000500_etl_watermark', watermark],
  ['20261129000600_etl_run_lock', runLock],
  ['20261203000100_product_etl_reject_dedup', rejectDedup],
  ['20261203000200_etl_window', window],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`Unknown migration ${name}`);
    return found[1];
  },
};
