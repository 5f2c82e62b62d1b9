/**
 * An independent oracle for spec section 6: staging rows applied one at a time, in (src_updated_at, id) order, over
 * ALL rows, with a plain Map for `products`. It shares the pure normaliser and hash (unit-tested on their own) but
 * none of the batch planning, SQL or workflow code it is used to check.
 */
import { computeDataVersion } from '../../src/domain/dataVersion';
import { normalizeProduct } from '../../src/domain/normalizer';
import { stableStringify } from '../../src/domain/stableJson';
import type { StagingRow } from '../../src/domain/types';

export interface OracleProduct {
  brand_code: string; sku: string; name: string; category: string | null; price: string | null; status: string;
  attributes: string; tags: string; data_version: string; source_id: string; src_updated_at: string;
}

export interface OracleResult {
  products: OracleProduct[];
  changes: Array<{ staging_id: string; change_type: 'INSERT' | 'UPDATE'; brand_code: string; sku: string; changed_fields: string[]; new_data_version: string }>;
  rejects: Array<{ staging_id: string; reason_code: string }>;
  counts: { inserted: number; updated: number; unchanged: number; stale: number; rejected: number };
}

function newer(a: { at: string; id: string }, b: { at: string; id: string }): boolean {
  if (a.at !== b.at) return a.at > b.at;
  return BigInt(a.id) > BigInt(b.id);
}

export function runOracle(rowsInAnyOrder: StagingRow[], initial: OracleProduct[] = []): OracleResult {
  const rows = [...rowsInAnyOrder].sort((x, y) => (x.src_updated_at !== y.src_updated_at ? (x.src_updated_at < y.src_updated_at ? -1 : 1) : Number(BigInt(x.id) - BigInt(y.id))));
  const products = new Map<string, OracleProduct>(initial.map((p) => [JSON.stringify([p.brand_code, p.sku]), p]));
  const out: OracleResult = { products: [], changes: [], rejects: [], counts: { inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0 } };
  for (const row of rows) {
    const n = normalizeProduct(row);
    if (!n.ok) {
      out.counts.rejected++;
      out.rejects.push({ staging_id: row.id, reason_code: n.reason });
      continue;
    }
    const p = n.product;
    const key = JSON.stringify([p.brand_code, p.sku]);
    const next: OracleProduct = {
      brand_code: p.brand_code, sku: p.sku, name: p.name, category: p.category, price: p.price, status: p.status,
      attributes: stableStringify(p.attributes), tags: stableStringify(p.tags), data_version: computeDataVersion(p),
      source_id: row.id, src_updated_at: row.src_updated_at,
    };
    const cur = products.get(key);
    if (!cur) {
      out.counts.inserted++;
      products.set(key, next);
      out.changes.push({ staging_id: row.id, change_type: 'INSERT', brand_code: p.brand_code, sku: p.sku,
        changed_fields: ['attributes', 'brand_code', 'category', 'name', 'price', 'sku', 'status', 'tags'], new_data_version: next.data_version });
    } else if (newer({ at: cur.src_updated_at, id: cur.source_id }, { at: row.src_updated_at, id: row.id })) {
      out.counts.stale++;
    } else if (cur.data_version === next.data_version) {
      out.counts.unchanged++;
    } else {
      out.counts.updated++;
      const changed = (['attributes', 'brand_code', 'category', 'name', 'price', 'sku', 'status', 'tags'] as const).filter((f) => cur[f] !== next[f]);
      products.set(key, next);
      out.changes.push({ staging_id: row.id, change_type: 'UPDATE', brand_code: p.brand_code, sku: p.sku, changed_fields: [...changed], new_data_version: next.data_version });
    }
  }
  out.products = [...products.values()].sort((a, b) => (a.brand_code !== b.brand_code ? (a.brand_code < b.brand_code ? -1 : 1) : a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return out;
}
