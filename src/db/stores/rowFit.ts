import type { BatchPlan, PreparedRow, RowTooLarge } from '../../domain/applyPlan';
import type { StoredProduct } from '../../domain/storedProduct';
import { PRODUCT_FIELDS, ProductField, StableProduct } from '../../domain/types';
import { changeStatementBytes, RunIdentity } from './changeLogStore';
import { productStatementBytes } from './productStore';
import { CHANGE_LOG_TABLE, PRODUCTS_TABLE } from '../tables';

/**
 * Finds the rows of a plan whose own writes cannot be sent in one statement on this connection (spec addendum in
 * docs/operations.md: they are rejected as ROW_TOO_LARGE). The change log carries a product's old and new values,
 * so it is usually the larger of a row's two writes.
 *
 * Escaping at most doubles a string's UTF-8 bytes, and UTF-8 is at most 3 bytes per UTF-16 unit, so 6 bytes per
 * character bound every write from its string lengths alone; only a write near the limit is rendered and measured,
 * which keeps this off the hot path's CPU (ordinary rows are a few KB against a limit of megabytes).
 */
const BOUND_PER_CHAR = 6;
/** Generously more than the heads, tails, ids, versions, timestamps and punctuation of one row's statement. */
const BOUND_FIXED = 2_000;

const len = (s: string | null | undefined) => (s ? s.length : 0);

/** The UTF-16 length of the record's fields as stored: an index loop, so nothing is allocated per write. */
function recordChars(p: StoredProduct): number {
  let chars = 0;
  for (let i = 0; i < PRODUCT_FIELDS.length; i++) chars += len(p[PRODUCT_FIELDS[i]]);
  return chars;
}

export function oversizedRows(plan: BatchPlan, prepared: readonly PreparedRow[], run: RunIdentity, limit: number): Map<string, RowTooLarge> {
  const over = new Map<string, { table: string; bytes: number }>();
  const runChars = run.workflowId.length + run.temporalRunId.length;
  for (const w of plan.writes.values()) {
    const p = w.product;
    const chars = recordChars(p);
    if (BOUND_FIXED + chars * BOUND_PER_CHAR <= limit || !p.source) continue;
    const bytes = productStatementBytes(w);
    if (bytes > limit) over.set(p.source.id, { table: PRODUCTS_TABLE, bytes });
  }
  for (const c of plan.changes) {
    if (over.has(c.staging_id)) continue;
    const chars = len(c.brand_code) + len(c.sku) + len(c.before) + len(c.after) + runChars + 200;
    if (BOUND_FIXED + chars * BOUND_PER_CHAR <= limit) continue;
    const bytes = changeStatementBytes(c, run);
    if (bytes > limit) over.set(c.staging_id, { table: CHANGE_LOG_TABLE, bytes });
  }
  const result = new Map<string, RowTooLarge>();
  if (over.size === 0) return result;
  for (const { row, result: normalized } of prepared) {
    const o = over.get(row.id);
    if (!o || !normalized.ok) continue;
    const field = largestField(normalized.product);
    result.set(row.id, {
      field,
      message:
        `row too large: writing it takes a ${o.table} statement of ${o.bytes} bytes, over the ${limit} bytes this ` +
        `connection's max_allowed_packet allows (its largest field is ${field}); the raw row is kept, cut if it must be`,
    });
  }
  return result;
}

/** The record's field with the longest stored text (attributes and tags as their stable JSON). */
function largestField(p: StableProduct): ProductField {
  let best: ProductField = PRODUCT_FIELDS[0];
  let bestSize = -1;
  for (const f of PRODUCT_FIELDS) {
    const size = len(f === 'attributes' ? p.attributesJson : f === 'tags' ? p.tagsJson : p[f]);
    if (size > bestSize) {
      best = f;
      bestSize = size;
    }
  }
  return best;
}
