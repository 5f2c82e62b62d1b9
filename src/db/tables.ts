/**
 * The name of every table the sync reads or writes, in one place: src/ and tools/ name tables only through these.
 * Migrations keep their own literals, since each records the schema as it was when it ran.
 */

/** The DBA's table (spec section 2): read, never written. Also the watermark row's `table_name`. */
export const STAGING_TABLE = 'products_staging';
export const PRODUCTS_TABLE = 'products';
export const CHANGE_LOG_TABLE = 'product_change_log';
export const REJECT_TABLE = 'product_etl_reject';
export const WATERMARK_TABLE = 'etl_watermark';
/** The ledger of committed batches. */
export const BATCH_LOG_TABLE = 'etl_batch_log';
export const RUN_LOCK_TABLE = 'etl_run_lock';
/** Partitioned windows: boundaries and K fixed before a window is applied (docs/scaling.md). */
export const WINDOW_TABLE = 'etl_window';
/** One row per committed (window, partition): the partition's exactly-once fence. */
export const WINDOW_PARTITION_TABLE = 'etl_window_partition';
