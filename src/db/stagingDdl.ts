import type { Knex } from 'knex';
import { STAGING_TABLE } from './tables';

/**
 * `products_staging` belongs to the DBA: production migrations never create or change it.
 * Dev, test, demo and benchmark tooling create it with exactly the contract's DDL (spec section 2).
 */
export const PRODUCTS_STAGING_DDL = `CREATE TABLE ${STAGING_TABLE} (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_code     VARCHAR(32)  NULL,
  sku            VARCHAR(64)  NULL,
  name           VARCHAR(255) NULL,
  category       VARCHAR(128) NULL,
  price          VARCHAR(32)  NULL,
  status         VARCHAR(16)  NULL,
  attributes     LONGTEXT     NULL,
  tags           LONGTEXT     NULL,
  src_updated_at DATETIME(6)  NOT NULL,
  KEY idx_src_updated_at_id (src_updated_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export async function createStagingTableIfMissing(knex: Knex): Promise<boolean> {
  if (await knex.schema.hasTable(STAGING_TABLE)) return false;
  await knex.raw(PRODUCTS_STAGING_DDL);
  return true;
}
