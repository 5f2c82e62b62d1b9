import { compareCursors, Cursor } from './cursor';
import { dataVersionOfRecordJson, recordJsonFromStableParts } from './dataVersion';
import { normalizeProductStable } from './normalizer';
import { OutcomeCounts, zeroCounts } from './outcome';
import { fieldsJson, productKey, StoredProduct, toStoredProduct } from './storedProduct';
import { PRODUCT_FIELDS, ProductField, RejectReason, StableNormalizeResult, StagingRow } from './types';

export interface ChangeEntry {
  key: string;
  brand_code: string;
  sku: string;
  change_type: 'INSERT' | 'UPDATE';
  /** Sorted; INSERTs share one array of all the fields, so never mutate it. */
  changed_fields: readonly ProductField[];
  /** Stable JSON text of the changed fields' old values; null for INSERT. */
  before: string | null;
  /** Stable JSON text of the changed fields' new values; the whole record for INSERT. */
  after: string;
  old_data_version: string | null;
  new_data_version: string;
  staging_id: string;
  src_updated_at: string;
}

export interface RejectEntry {
  staging_id: string;
  brand_code: string | null;
  sku: string | null;
  reason_code: RejectReason;
  field: ProductField;
  message: string;
  raw_row: StagingRow;
  src_updated_at: string;
}

export interface ProductWrite {
  /** The product's id when it existed before the batch; undefined for keys this batch inserts. */
  id?: string;
  product: StoredProduct;
}

export interface BatchPlan {
  counts: OutcomeCounts;
  /** Final state of every key the batch changed, in first-touched order. */
  writes: Map<string, ProductWrite>;
  /** One per insert or update, in staging order. */
  changes: ChangeEntry[];
  rejects: RejectEntry[];
}

/** The record's fields in sorted order: change-log entries list and render fields in this order. */
const ALL_FIELDS_SORTED: readonly ProductField[] = Object.freeze([...PRODUCT_FIELDS].sort());

export interface ExistingProduct extends StoredProduct {
  id: string;
}

/** A staging row with its normalisation done once: the keys to read and the plan both come from it. */
export interface PreparedRow {
  row: StagingRow;
  result: StableNormalizeResult;
}

export function prepareRows(rows: readonly StagingRow[]): PreparedRow[] {
  return rows.map((row) => ({ row, result: normalizeProductStable(row) }));
}

/** The distinct (brand_code, sku) keys of the rows that normalised. */
export function keysOf(prepared: readonly PreparedRow[]): Array<{ brand_code: string; sku: string }> {
  const keys = new Map<string, { brand_code: string; sku: string }>();
  for (const { result } of prepared) {
    if (result.ok) keys.set(productKey(result.product.brand_code, result.product.sku), { brand_code: result.product.brand_code, sku: result.product.sku });
  }
  return [...keys.values()];
}

/**
 * Applies staging rows one at a time, in the order given (the caller reads them in (src_updated_at, id) order), to
 * the products that exist, by the rules of spec section 6. Pure: the caller reads and writes the database.
 * Rows of the same key inside the batch see each other's effects, so the outcome does not depend on batch size.
 */
export function planBatch(prepared: readonly PreparedRow[], existing: ReadonlyMap<string, ExistingProduct>): BatchPlan {
  const counts = zeroCounts();
  const writes = new Map<string, ProductWrite>();
  const changes: ChangeEntry[] = [];
  const rejects: RejectEntry[] = [];
  const current = (key: string): StoredProduct | undefined => writes.get(key)?.product ?? existing.get(key);

  for (const { row, result: normalized } of prepared) {
    if (!normalized.ok) {
      counts.rejected++;
      rejects.push({
        staging_id: row.id,
        brand_code: row.brand_code,
        sku: row.sku,
        reason_code: normalized.reason,
        field: normalized.field,
        message: normalized.message,
        raw_row: row,
        src_updated_at: row.src_updated_at,
      });
      continue;
    }
    const p = normalized.product;
    const key = productKey(p.brand_code, p.sku);
    const rowCursor: Cursor = { at: row.src_updated_at, id: row.id };
    // The record's stable JSON is hashed into data_version and, for a new product, is the change log's `after`
    // itself: built once per row, not again for the change.
    const recordJson = recordJsonFromStableParts(p);
    const next = toStoredProduct(p, rowCursor, dataVersionOfRecordJson(recordJson));
    const version = next.data_version;
    const before = current(key);

    if (!before) {
      counts.inserted++;
      writes.set(key, { product: next });
      changes.push(changeEntry(key, 'INSERT', ALL_FIELDS_SORTED, undefined, next, row, recordJson));
      continue;
    }
    if (before.source && compareCursors(before.source, rowCursor) > 0) {
      counts.stale++;
      continue;
    }
    if (before.data_version === version) {
      counts.unchanged++;
      continue;
    }
    counts.updated++;
    const changed = ALL_FIELDS_SORTED.filter((f) => !sameField(before, next, f));
    writes.set(key, { id: existing.get(key)?.id, product: next });
    changes.push(changeEntry(key, 'UPDATE', changed, before, next, row, fieldsJson(next, changed)));
  }
  return { counts, writes, changes, rejects };
}

function sameField(a: StoredProduct, b: StoredProduct, f: ProductField): boolean {
  return a[f] === b[f];
}

/**
 * `sorted`: the changed fields, in ALL_FIELDS_SORTED's order. `afterJson`: their new values as stable JSON (an INSERT's
 * is the whole record's, the text its data_version hashes).
 */
function changeEntry(
  key: string,
  type: 'INSERT' | 'UPDATE',
  sorted: readonly ProductField[],
  before: StoredProduct | undefined,
  after: StoredProduct,
  row: StagingRow,
  afterJson: string,
): ChangeEntry {
  return {
    key,
    brand_code: after.brand_code,
    sku: after.sku,
    change_type: type,
    changed_fields: sorted,
    before: before ? fieldsJson(before, sorted) : null,
    after: afterJson,
    old_data_version: before?.data_version ?? null,
    new_data_version: after.data_version as string,
    staging_id: row.id,
    src_updated_at: row.src_updated_at,
  };
}

/** A row whose writes cannot be sent in one statement on this connection, and which of its fields is the largest. */
export interface RowTooLarge {
  field: ProductField;
  message: string;
}

/**
 * planBatch, with every row whose writes would not fit (as `oversized` measures a plan) rejected as ROW_TOO_LARGE
 * and the batch planned again without it, so later rows of the same product see the state it left. Each round
 * rejects at least one more row, so this ends; on ordinary batches `oversized` finds nothing and it is one plan.
 */
export function planBatchWithin(
  prepared: readonly PreparedRow[],
  existing: ReadonlyMap<string, ExistingProduct>,
  oversized: (plan: BatchPlan) => ReadonlyMap<string, RowTooLarge>,
): BatchPlan {
  let rows = prepared;
  for (;;) {
    const plan = planBatch(rows, existing);
    const over = oversized(plan);
    if (over.size === 0) return plan;
    let rejected = 0;
    rows = rows.map((p) => {
      const tooLarge = p.result.ok ? over.get(p.row.id) : undefined;
      if (!tooLarge) return p;
      rejected++;
      return { row: p.row, result: { ok: false, reason: 'ROW_TOO_LARGE', field: tooLarge.field, message: tooLarge.message } };
    });
    if (rejected === 0) throw new Error(`oversized rows ${[...over.keys()].join(', ')} are not rows of this batch that normalised`);
  }
}
