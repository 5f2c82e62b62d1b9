import type { Knex } from 'knex';

/** Quarantine: one row per rejected staging row per run that saw it, with the raw row kept for the fix-up. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE product_etl_reject (
      id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      staging_id     BIGINT UNSIGNED NOT NULL,
      brand_code     VARCHAR(32)  NULL,
      sku            VARCHAR(64)  NULL,
      reason_code    VARCHAR(32)  NOT NULL,
      field          VARCHAR(32)  NOT NULL,
      message        TEXT         NOT NULL,
      raw_row        LONGTEXT     NOT NULL,
      src_updated_at DATETIME(6)  NOT NULL,
      workflow_id    VARCHAR(255) NOT NULL,
      run_id         VARCHAR(64)  NOT NULL,
      created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      UNIQUE KEY uq_reject_staging_run (staging_id, run_id),
      KEY idx_reject_reason (reason_code),
      KEY idx_reject_created (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('product_etl_reject');
}
