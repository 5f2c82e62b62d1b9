/**
 * The benchmark's reference: the whole staging table applied by one set-based statement, doing only what SQL does
 * cheaply. It is a yardstick for the sync's speed, not a second implementation of the contract: it does no NFKC,
 * no white-space collapsing, no JSON validation or canonical JSON, no change log, no rejects, no watermark, and its
 * data_version is not the spec's. Rows it cannot use (blank brand, sku or name, unknown status) are skipped.
 *
 * Works on MySQL 8 and MariaDB 10.11: VALUES() in ON DUPLICATE KEY UPDATE (MySQL 8 warns that it is deprecated, but
 * both accept it), REGEXP with a pattern both regex engines read the same, no '?' so knex sees no placeholder.
 */
import type { Knex } from 'knex';
import { PRODUCTS_TABLE, STAGING_TABLE } from '../db/tables';

/**
 * A price the crude cast may take: up to 9 integer digits (so rounding can never overflow DECIMAL(12,2)) and up to 6
 * decimals. Anything else becomes NULL instead of failing the whole statement in strict mode.
 */
const PRICE_TEXT = "REPLACE(TRIM(LEADING '¥' FROM TRIM(price)), ',', '')";
const PRICE_PATTERN = "'^[0-9]{1,9}([.][0-9]{1,6}){0,1}$'";

/** Every staging row, keyed and cleaned the cheap way (exported with the filter so tests can check "latest wins"). */
export const REFERENCE_SOURCE_SQL = `SELECT
    id,
    UPPER(TRIM(brand_code)) AS brand_code,
    UPPER(TRIM(sku)) AS sku,
    TRIM(name) AS name,
    NULLIF(TRIM(category), '') AS category,
    CASE WHEN ${PRICE_TEXT} REGEXP ${PRICE_PATTERN} THEN CAST(${PRICE_TEXT} AS DECIMAL(12,2)) END AS price,
    CASE
      WHEN status IS NULL OR TRIM(status) = '' THEN 'active'
      WHEN LOWER(TRIM(status)) IN ('active', 'on', '1', 'true', 'yes', '上架') THEN 'active'
      WHEN LOWER(TRIM(status)) IN ('inactive', 'off', '0', 'false', 'no', '下架') THEN 'inactive'
      WHEN LOWER(TRIM(status)) = 'deleted' THEN 'deleted'
    END AS status,
    NULLIF(TRIM(attributes), '') AS attributes,
    NULLIF(TRIM(tags), '') AS tags,
    src_updated_at
  FROM ${STAGING_TABLE}`;

/** The rows the reference skips, as a condition on REFERENCE_SOURCE_SQL aliased `s`: unknown status is NULL there. */
export const REFERENCE_SOURCE_FILTER = "s.brand_code <> '' AND s.sku <> '' AND s.name <> '' AND s.status IS NOT NULL";

/**
 * True when the incoming row is newer, by (src_updated_at, id), than what the product holds (a legacy product with no
 * source is older than everything). This, not the order the SELECT yields rows in, makes the latest row per key win.
 */
const P = PRODUCTS_TABLE;
const INCOMING_IS_NEWER = `(${P}.src_updated_at IS NULL
      OR VALUES(src_updated_at) > ${P}.src_updated_at
      OR (VALUES(src_updated_at) = ${P}.src_updated_at AND VALUES(source_id) > ${P}.source_id))`;

const PAYLOAD_COLUMNS = ['name', 'category', 'price', 'status', 'attributes', 'tags', 'data_version'] as const;

/**
 * Every column is guarded by the same condition, and the order is what keeps it right. MySQL and MariaDB evaluate
 * ON DUPLICATE KEY UPDATE assignments left to right, each seeing the columns already assigned: so the payload goes
 * first (judged against the old cursor), then source_id, and src_updated_at last. When it comes to src_updated_at,
 * the condition can only have turned false by source_id's assignment in the equal-timestamp case, where
 * src_updated_at already holds the incoming value. (Had the server evaluated every assignment against the old row,
 * the same statement would still be right.) Putting src_updated_at before source_id would break it.
 */
const ASSIGNMENTS = [...PAYLOAD_COLUMNS, 'source_id', 'src_updated_at']
  .map((c) => `${P}.${c} = IF(${INCOMING_IS_NEWER}, VALUES(${c}), ${P}.${c})`)
  .join(',\n  ');

export const REFERENCE_UPSERT_SQL = `INSERT INTO ${PRODUCTS_TABLE}
  (brand_code, sku, name, category, price, status, attributes, tags, data_version, source_id, src_updated_at)
SELECT
  s.brand_code, s.sku, s.name, s.category, s.price, s.status, s.attributes, s.tags,
  SHA2(CONCAT_WS(CHAR(31), s.brand_code, s.sku, s.name, s.category, s.price, s.status, s.attributes, s.tags), 256),
  s.id, s.src_updated_at
FROM (${REFERENCE_SOURCE_SQL}) AS s
WHERE ${REFERENCE_SOURCE_FILTER}
ON DUPLICATE KEY UPDATE
  ${ASSIGNMENTS}`;

interface InsertResultHeader {
  affectedRows: number;
  info?: string;
}

/**
 * Runs the reference statement once (autocommit: one atomic statement). `rows` is the number of staging rows the
 * SELECT fed into the INSERT (the server's "Records: N"), i.e. the rows left after the skip filter; it is the same
 * number however many of them were duplicates of one key.
 */
export async function runReferenceUpsert(knex: Knex): Promise<{ rows: number; elapsedMs: number }> {
  const started = performance.now();
  const result = (await knex.raw(REFERENCE_UPSERT_SQL)) as [InsertResultHeader, unknown];
  const elapsedMs = Math.round(performance.now() - started);
  const header = result[0];
  const records = /Records:\s*(\d+)/.exec(header.info ?? '');
  return { rows: records ? Number(records[1]) : header.affectedRows, elapsedMs };
}
