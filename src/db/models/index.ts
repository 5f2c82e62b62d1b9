/**
 * Objection models for the tables read or written a row at a time: staging (read-only, guarded), the watermark, the
 * batch ledger and the run lock. `products`, `product_change_log` and `product_etl_reject` have none: their stores
 * build multi-row SQL by hand (src/db/sql), since knex's query compiler was a large part of a batch's CPU
 * (docs/benchmarks.md).
 */
export { ProductStagingModel, ReadOnlyTableError } from './ProductStagingModel';
export { EtlWatermarkModel } from './EtlWatermarkModel';
export { EtlBatchLogModel } from './EtlBatchLogModel';
export { EtlRunLockModel } from './EtlRunLockModel';
