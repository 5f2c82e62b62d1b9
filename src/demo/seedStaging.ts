/**
 * Fills `products_staging` with generated messy rows, for demos, integration tests and benchmarks.
 *
 * DEV / TEST / BENCH DATABASES ONLY. In production `products_staging` belongs to the DBA and upstream systems; the
 * sync never writes it, and neither should this. `truncate: true` empties the table first, which on a real
 * catalogue would destroy the upstream's data: only pass it for a scratch, demo or benchmark database.
 *
 * Rows stream from the generator into a bounded buffer that is written with multi-row INSERTs (insertInChunks keeps
 * each statement under its row and byte caps), so memory stays flat whether 2,000 or 1,000,000 rows are seeded.
 * Statements run one after another on purpose: AUTO_INCREMENT then hands out ids in generation order, so with
 * `truncate` the same seed always gives the same table, ids included. (Overlapping generation with the previous
 * INSERT was tried and measured no faster: the server's work on the LONGTEXT values dominates.)
 */
import type { Knex } from 'knex';
import { createStagingTableIfMissing } from '../db/stagingDdl';
import { MAX_STATEMENT_ROWS, insertInChunks } from '../db/stores/chunkedInsert';
import { DEFAULT_START_AT, GeneratedStagingRow, generateStagingRows } from './stagingGenerator';
import { STAGING_TABLE } from '../db/tables';

export interface SeedStagingOptions {
  rows: number;
  seed?: number;
  /** src_updated_at of the first row. Default '2026-01-01 00:00:00.000000', fixed so a seed fully decides the table. */
  startAt?: string;
  /** Distinct (brand_code, sku) keys; default rows/3 (see generateStagingRows). */
  keySpace?: number;
  /** TRUNCATE products_staging first (resets ids). Dev/test/bench databases only: see the file comment. */
  truncate?: boolean;
}

/** Rows taken from the generator before each write: a few chunks' worth, so memory is bounded by this. */
const BUFFER_ROWS = 4 * MAX_STATEMENT_ROWS;

export async function seedStaging(knex: Knex, opts: SeedStagingOptions): Promise<{ inserted: number; elapsedMs: number }> {
  const started = performance.now();
  // Options are checked before anything is written: generateStagingRows validates when called.
  const rows = generateStagingRows({
    rows: opts.rows,
    seed: opts.seed,
    startAt: opts.startAt ?? DEFAULT_START_AT,
    keySpace: opts.keySpace,
  });
  await createStagingTableIfMissing(knex);
  if (opts.truncate === true) await knex.raw(`TRUNCATE TABLE ${STAGING_TABLE}`);

  let inserted = 0;
  let buffer: GeneratedStagingRow[] = [];
  const flush = async (): Promise<void> => {
    await insertInChunks(buffer, (chunk) => knex(STAGING_TABLE).insert(chunk));
    inserted += buffer.length;
    buffer = [];
  };
  for (const row of rows) {
    buffer.push(row);
    if (buffer.length >= BUFFER_ROWS) await flush();
  }
  if (buffer.length > 0) await flush();
  return { inserted, elapsedMs: Math.round(performance.now() - started) };
}
