import { stableStringify } from './stableJson';
import type { Cursor } from './cursor';
import type { JsonValue, NormalizedProduct, ProductField } from './types';

/** A product as the `products` table holds it: the record's fields in their column form, plus where it came from. */
export interface StoredProduct {
  brand_code: string;
  sku: string;
  name: string;
  category: string | null;
  /** DECIMAL(12,2) as text, "1299.00". */
  price: string | null;
  status: string;
  /** Stable JSON text. Legacy rows may hold anything, or NULL. */
  attributes: string | null;
  tags: string | null;
  data_version: string | null;
  /** The staging row last applied; null for rows that predate the sync. */
  source: Cursor | null;
}

export function toStoredProduct(p: NormalizedProduct, dataVersion: string, source: Cursor): StoredProduct {
  return {
    brand_code: p.brand_code,
    sku: p.sku,
    name: p.name,
    category: p.category,
    price: p.price,
    status: p.status,
    attributes: stableStringify(p.attributes),
    tags: stableStringify(p.tags),
    data_version: dataVersion,
    source,
  };
}

/** The field as it appears in a change-log `before`/`after` object: JSON values for attributes and tags. */
export function fieldValue(p: StoredProduct, field: ProductField): JsonValue {
  const raw = p[field];
  if ((field === 'attributes' || field === 'tags') && typeof raw === 'string') {
    try {
      return JSON.parse(raw) as JsonValue;
    } catch {
      return raw; // a legacy value that is not JSON: shown as the text it is
    }
  }
  return raw;
}

export const productKey = (brandCode: string, sku: string): string => `${brandCode}\u0000${sku}`;
