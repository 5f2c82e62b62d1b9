/**
 * The oracle of spec section 6, the one the tests and the fault harness both judge by: staging rows applied one at a
 * time, in (src_updated_at, id) order, over ALL rows, with a plain Map standing in for `products`. It shares only the
 * pure normaliser and hash with the product (unit-tested on their own), none of the batch planning, SQL or workflow
 * code it is used to check. It lives in tools/ because it is test tooling that the harness runs outside jest.
 */
import { computeDataVersion } from '../../src/domain/dataVersion';
import { normalizeProduct } from '../../src/domain/normalizer';
import { stableStringify } from '../../src/domain/stableJson';
import { PRODUCT_FIELDS, ProductField, StagingRow } from '../../src/domain/types';

export interface ExpectedProduct {
  brand_code: string; sku: string; name: string; category: string | null; price: string | null; status: string;
  attributes: string; tags: string; data_version: string; source_id: string; src_updated_at: string;
}
export interface ExpectedChange {
  staging_id: string; change_type: 'INSERT' | 'UPDATE'; brand_code: string; sku: string; changed_fields: string[]; new_data_version: string;
}
export interface ExpectedReject {
  staging_id: string; reason_code: string;
}
export interface ExpectedState {
  products: ExpectedProduct[];
  changes: ExpectedChange[];
  rejects: ExpectedReject[];
  counts: { inserted: number; updated: number; unchanged: number; stale: number; rejected: number };
}
export type Oracle = (rows: StagingRow[]) => ExpectedState;

/** The record fields, sorted: the order `changed_fields` lists them in. */
const FIELDS: readonly ProductField[] = [...PRODUCT_FIELDS].sort();

/** (src_updated_at, id) order; ids compared as numbers of any size. */
function byCursor(a: StagingRow, b: StagingRow): number {
  if (a.src_updated_at !== b.src_updated_at) return a.src_updated_at < b.src_updated_at ? -1 : 1;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isNewer(p: ExpectedProduct, row: StagingRow): boolean {
  return byCursor({ src_updated_at: p.src_updated_at, id: p.source_id } as StagingRow, row) > 0;
}

type Prepared = { ok: false; reason: string } | { ok: true; key: string; record: ExpectedProduct };

/**
 * Normalising and hashing is most of the oracle's cost, and the harness asks it again after every fault for a longer
 * prefix of the same rows: remember each row's result (keyed by the row object, so nothing stale can be reused).
 */
const preparedRows = new WeakMap<StagingRow, Prepared>();

function prepare(row: StagingRow): Prepared {
  const cached = preparedRows.get(row);
  if (cached) return cached;
  const n = normalizeProduct(row);
  const prepared: Prepared = !n.ok ? { ok: false, reason: n.reason } : {
    ok: true,
    key: JSON.stringify([n.product.brand_code, n.product.sku]),
    record: {
      brand_code: n.product.brand_code, sku: n.product.sku, name: n.product.name, category: n.product.category, price: n.product.price,
      status: n.product.status, attributes: stableStringify(n.product.attributes), tags: stableStringify(n.product.tags),
      data_version: computeDataVersion(n.product), source_id: row.id, src_updated_at: row.src_updated_at,
    },
  };
  preparedRows.set(row, prepared);
  return prepared;
}

export const runOracle: Oracle = (rowsInAnyOrder) => {
  const products = new Map<string, ExpectedProduct>();
  const out: ExpectedState = { products: [], changes: [], rejects: [], counts: { inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0 } };
  for (const row of [...rowsInAnyOrder].sort(byCursor)) {
    const p = prepare(row);
    if (!p.ok) {
      out.counts.rejected++;
      out.rejects.push({ staging_id: row.id, reason_code: p.reason });
      continue;
    }
    const next = p.record;
    const current = products.get(p.key);
    const change = (change_type: ExpectedChange['change_type'], changed_fields: string[]) =>
      out.changes.push({ staging_id: row.id, change_type, brand_code: next.brand_code, sku: next.sku, changed_fields, new_data_version: next.data_version });
    if (!current) {
      out.counts.inserted++;
      products.set(p.key, next);
      change('INSERT', [...FIELDS]);
    } else if (isNewer(current, row)) {
      out.counts.stale++;
    } else if (current.data_version === next.data_version) {
      out.counts.unchanged++;
    } else {
      out.counts.updated++;
      products.set(p.key, next);
      change('UPDATE', FIELDS.filter((f) => current[f] !== next[f]));
    }
  }
  out.products = [...products.values()];
  return out;
};
