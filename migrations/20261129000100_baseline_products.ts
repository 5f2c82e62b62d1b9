import type { Knex } from 'knex';

/**
 * The `products` table as it stood before P-ETL-2: unique on `sku` alone, no brand.
 * Production already has this table, so `up` leaves an existing one alone; fresh databases (dev, test) get it here.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('products')) return;
  await knex.raw(`
    CREATE TABLE products (
      id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sku         VARCHAR(64)  NOT NULL,
      name        VARCHAR(255) NOT NULL,
      category    VARCHAR(128) NULL,
      price       DECIMAL(12,2) NULL,
      status      VARCHAR(16)  NOT NULL DEFAULT 'active',
      attributes  LONGTEXT     NULL,
      tags        LONGTEXT     NULL,
      created_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      updated_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
      UNIQUE KEY uq_products_sku (sku)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('products');
}
