import type { Knex } from 'knex';

/**
 * Progress. `etl_watermark` holds the cursor of the last committed batch; it advances in the same transaction as the
 * batch's writes, and is the fence that keeps a repeated batch from applying twice.
 * `etl_batch_log` remembers each committed batch's outcome, so a repeated attempt can return what was committed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE etl_watermark (
      id                INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      table_name        VARCHAR(64)  NOT NULL,
      last_processed_at DATETIME(6)  NULL,
      last_processed_id BIGINT UNSIGNED NULL,
      workflow_id       VARCHAR(255) NULL,
      run_id            VARCHAR(64)  NULL,
      updated_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
      UNIQUE KEY uq_watermark_table (table_name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  await knex.raw(`
    CREATE TABLE etl_batch_log (
      id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      table_name   VARCHAR(64)  NOT NULL,
      workflow_id  VARCHAR(255) NOT NULL,
      run_id       VARCHAR(64)  NOT NULL,
      from_at      DATETIME(6)  NOT NULL,
      from_id      BIGINT UNSIGNED NOT NULL,
      to_at        DATETIME(6)  NOT NULL,
      to_id        BIGINT UNSIGNED NOT NULL,
      rows_read    INT UNSIGNED NOT NULL,
      inserted     INT UNSIGNED NOT NULL,
      updated      INT UNSIGNED NOT NULL,
      unchanged    INT UNSIGNED NOT NULL,
      stale        INT UNSIGNED NOT NULL,
      rejected     INT UNSIGNED NOT NULL,
      elapsed_ms   INT UNSIGNED NOT NULL,
      committed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      UNIQUE KEY uq_batch_run_from (run_id, from_at, from_id),
      KEY idx_batch_committed (committed_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('etl_batch_log');
  await knex.schema.dropTableIfExists('etl_watermark');
}
