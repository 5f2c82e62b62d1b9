import type { Knex } from 'knex';

const KEY = 'uq_reject_row_version_reason';

/**
 * Rejects don't pile up (spec section 5, amended 2026-12-02): a staging row is recorded again only when its
 * src_updated_at or the reason changed. Existing duplicates (one per run that re-read the row) are removed first,
 * keeping the earliest (lowest id, so its run and created_at say when the row was first rejected); then the unique
 * key makes the server skip a repeat (the reject insert ends ON DUPLICATE KEY UPDATE id = id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE later FROM product_etl_reject later
    JOIN product_etl_reject earlier
      ON earlier.staging_id = later.staging_id
     AND earlier.src_updated_at = later.src_updated_at
     AND earlier.reason_code = later.reason_code
     AND earlier.id < later.id`);
  await knex.raw(`ALTER TABLE product_etl_reject ADD UNIQUE KEY ${KEY} (staging_id, src_updated_at, reason_code)`);
}

/** Drops the key, so every run that reads a bad row records it again; the duplicates removed by up() do not come back. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE product_etl_reject DROP INDEX ${KEY}`);
}
