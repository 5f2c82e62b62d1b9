import type { Knex } from 'knex';
import type { ExistingProduct, ProductWrite } from '../../domain/applyPlan';
import { normalizeDatetime6 } from '../../domain/cursor';
import { productKey } from '../../domain/storedProduct';
import { ProductModel } from '../models';
import { insertInChunks } from './chunkedInsert';

const READ_COLUMNS = ['id', 'brand_code', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags', 'data_version', 'source_id', 'src_updated_at'] as const;
const WRITE_COLUMNS = ['brand_code', 'sku', 'name', 'category', 'price', 'status', 'attributes', 'tags', 'data_version', 'source_id', 'src_updated_at'] as const;

export interface ProductKey {
  brand_code: string;
  sku: string;
}

function toExisting(r: ProductModel): ExistingProduct {
  return {
    id: String(r.id),
    brand_code: r.brand_code,
    sku: r.sku,
    name: r.name,
    category: r.category,
    price: r.price,
    status: r.status,
    attributes: r.attributes,
    tags: r.tags,
    data_version: r.data_version,
    source: r.source_id !== null && r.src_updated_at !== null ? { at: normalizeDatetime6(r.src_updated_at), id: String(r.source_id) } : null,
  };
}

/** Key lookups are chunked so one statement never carries more than a few thousand placeholders. */
const KEY_CHUNK = 1000;

export const productStore = {
  /** One read (per 1000 keys) of the products with the given keys, as a map by productKey. */
  async findByKeys(db: Knex | Knex.Transaction, keys: readonly ProductKey[]): Promise<Map<string, ExistingProduct>> {
    const found = new Map<string, ExistingProduct>();
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const chunk = keys.slice(i, i + KEY_CHUNK);
      const rows = await ProductModel.query(db)
        .select(...READ_COLUMNS)
        .whereIn(['brand_code', 'sku'], chunk.map((k) => [k.brand_code, k.sku]));
      for (const r of rows) found.set(productKey(r.brand_code, r.sku), toExisting(r));
    }
    return found;
  },

  /**
   * Writes the batch's final product states with multi-row INSERT ... ON DUPLICATE KEY UPDATE (VALUES(), which both
   * MySQL 8 and MariaDB accept), then returns the ids of every written key.
   */
  async upsert(trx: Knex.Transaction, writes: readonly ProductWrite[]): Promise<Map<string, string>> {
    if (writes.length === 0) return new Map();
    const rows = writes.map(({ product: p }) => ({
      brand_code: p.brand_code,
      sku: p.sku,
      name: p.name,
      category: p.category,
      price: p.price,
      status: p.status,
      attributes: p.attributes,
      tags: p.tags,
      data_version: p.data_version,
      source_id: p.source?.id ?? null,
      src_updated_at: p.source?.at ?? null,
    }));
    await insertInChunks(rows, (chunk) =>
      trx('products').insert(chunk).onConflict(['brand_code', 'sku']).merge([...WRITE_COLUMNS.filter((c) => c !== 'brand_code' && c !== 'sku')]),
    );
    const ids = new Map<string, string>();
    const missing: ProductKey[] = [];
    for (const w of writes) {
      if (w.id) ids.set(productKey(w.product.brand_code, w.product.sku), w.id);
      else missing.push(w.product);
    }
    for (let i = 0; i < missing.length; i += KEY_CHUNK) {
      const chunk = missing.slice(i, i + KEY_CHUNK);
      const rows2 = await trx('products').select('id', 'brand_code', 'sku').whereIn(['brand_code', 'sku'], chunk.map((k) => [k.brand_code, k.sku]));
      for (const r of rows2 as Array<{ id: string; brand_code: string; sku: string }>) ids.set(productKey(r.brand_code, r.sku), String(r.id));
    }
    return ids;
  },
};
