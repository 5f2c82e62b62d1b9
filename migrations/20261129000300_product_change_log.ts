import type { Knex } from 'knex';

/**
 * One row per real change. The unique key (staging_id, run_id) is the last line of defence behind the watermark
 * fence: whatever retries, a staging row can produce at most one change in a run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE product_change_log (
      id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      product_id       BIGINT UNSIGNED NOT NULL,
      brand_code       VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      sku              VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      change_type      VARCHAR(8)   NOT NULL,
      changed_fields   TEXT         NOT NULL,
      \`before\`         LONGTEXT     NULL,
      \`after\`          LONGTEXT     NOT NULL,
      old_data_version CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NULL,
      new_data_version CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      staging_id       BIGINT UNSIGNED NOT NULL,
      src_updated_at   DATETIME(6)  NOT NULL,
      workflow_id      VARCHAR(255) NOT NULL,
      run_id           VARCHAR(64)  NOT NULL,
      created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      UNIQUE KEY uq_change_log_staging_run (staging_id, run_id),
      KEY idx_change_log_product (product_id),
      KEY idx_change_log_key (brand_code, sku),
      KEY idx_change_log_created (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('product_change_log');
}
