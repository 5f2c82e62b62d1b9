import type { Knex } from 'knex';

/**
 * Partitioned windows (docs/scaling.md). `etl_window` fixes a window's boundaries and K before any of it is applied,
 * so a restarted or replaced run re-uses the same window; `etl_window_partition` is the per-(window, partition)
 * ledger row written in the partition's own transaction: the fence that makes a partition exactly-once.
 * `batch_log_high` is the greatest etl_batch_log id when the window was planned: a window is re-used only while no
 * batch or window has committed since (anything else means the watermark went elsewhere and came back).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE etl_window (
      id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      table_name     VARCHAR(64)  NOT NULL,
      workflow_id    VARCHAR(255) NOT NULL,
      run_id         VARCHAR(64)  NOT NULL,
      from_at        DATETIME(6)  NOT NULL,
      from_id        BIGINT UNSIGNED NOT NULL,
      to_at          DATETIME(6)  NOT NULL,
      to_id          BIGINT UNSIGNED NOT NULL,
      partitions     SMALLINT UNSIGNED NOT NULL,
      batch_size     INT UNSIGNED NOT NULL,
      rows_planned   INT UNSIGNED NOT NULL,
      batch_log_high BIGINT UNSIGNED NOT NULL,
      finished_at    DATETIME(6)  NULL,
      created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      KEY idx_window_from (table_name, from_at, from_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  await knex.raw(`
    CREATE TABLE etl_window_partition (
      window_id    BIGINT UNSIGNED NOT NULL,
      partition_no SMALLINT UNSIGNED NOT NULL,
      workflow_id  VARCHAR(255) NOT NULL,
      run_id       VARCHAR(64)  NOT NULL,
      rows_read    INT UNSIGNED NOT NULL DEFAULT 0,
      inserted     INT UNSIGNED NOT NULL DEFAULT 0,
      updated      INT UNSIGNED NOT NULL DEFAULT 0,
      unchanged    INT UNSIGNED NOT NULL DEFAULT 0,
      stale        INT UNSIGNED NOT NULL DEFAULT 0,
      rejected     INT UNSIGNED NOT NULL DEFAULT 0,
      elapsed_ms   INT UNSIGNED NOT NULL DEFAULT 0,
      committed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      PRIMARY KEY (window_id, partition_no)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('etl_window_partition');
  await knex.schema.dropTableIfExists('etl_window');
}
