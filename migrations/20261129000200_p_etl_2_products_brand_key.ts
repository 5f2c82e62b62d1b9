import type { Knex } from 'knex';

/**
 * P-ETL-2: `products` becomes keyed by (brand_code, sku) and learns where each row came from.
 *
 * Rows already in `products` are kept. They have no brand, so `brand_code` is filled with
 * PRODUCT_ETL_LEGACY_BRAND_CODE (default `LEGACY`). Their data_version, source_id and src_updated_at stay NULL, so the
 * first staging row with the same (brand_code, sku) updates them (a NULL source cursor is older than any row).
 * If the brands of the legacy rows are known, set them with an UPDATE before the first sync; see docs/operations.md.
 */
export const LEGACY_BRAND_CODE_ENV = 'PRODUCT_ETL_LEGACY_BRAND_CODE';

export function legacyBrandCode(): string {
  const value = (process.env[LEGACY_BRAND_CODE_ENV] ?? 'LEGACY').trim().toUpperCase();
  if (value.length === 0 || value.length > 32) {
    throw new Error(`${LEGACY_BRAND_CODE_ENV} must be 1 to 32 characters (got "${value}")`);
  }
  return value;
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE products
      ADD COLUMN brand_code VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER id,
      MODIFY COLUMN sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      ADD COLUMN data_version CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER tags,
      ADD COLUMN source_id BIGINT UNSIGNED NULL AFTER data_version,
      ADD COLUMN src_updated_at DATETIME(6) NULL AFTER source_id`);
  await knex('products').whereNull('brand_code').update({ brand_code: legacyBrandCode() });
  await knex.raw(`
    ALTER TABLE products
      MODIFY COLUMN brand_code VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      DROP INDEX uq_products_sku,
      ADD UNIQUE KEY uq_products_brand_sku (brand_code, sku),
      ADD KEY idx_products_sku (sku)`);
}

export async function down(knex: Knex): Promise<void> {
  const [dupes] = await knex.raw(
    'SELECT sku, COUNT(*) AS n FROM products GROUP BY sku HAVING COUNT(*) > 1 LIMIT 5',
  );
  if ((dupes as unknown[]).length > 0) {
    throw new Error(
      'Cannot roll back P-ETL-2: several brands share a sku, and the old unique key on sku alone would lose rows. ' +
        'Resolve the duplicates first (SELECT sku FROM products GROUP BY sku HAVING COUNT(*) > 1).',
    );
  }
  await knex.raw(`
    ALTER TABLE products
      DROP INDEX uq_products_brand_sku,
      DROP INDEX idx_products_sku,
      ADD UNIQUE KEY uq_products_sku (sku),
      DROP COLUMN brand_code,
      DROP COLUMN data_version,
      DROP COLUMN source_id,
      DROP COLUMN src_updated_at`);
}
