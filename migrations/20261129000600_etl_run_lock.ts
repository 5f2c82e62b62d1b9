import type { Knex } from 'knex';

/**
 * One active sync per pipeline, whoever starts it. Temporal's workflow id already refuses a second `product-sync`;
 * this row also refuses a run under another id (a UI start, a schedule tick) while one is active.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE etl_run_lock (
      pipeline     VARCHAR(64)  NOT NULL PRIMARY KEY,
      workflow_id  VARCHAR(255) NOT NULL,
      run_id       VARCHAR(64)  NOT NULL,
      acquired_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('etl_run_lock');
}
