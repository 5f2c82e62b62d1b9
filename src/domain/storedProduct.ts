import { dataVersionFromStableParts } from './dataVersion';
import { stableStringify } from './stableJson';
import type { Cursor } from './cursor';
import { JsonValue, NormalizedProduct, PRODUCT_FIELDS, ProductField, StableProduct } from './types';

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

/**
 * The product a normalised row becomes, with its data_version. Per row, so the fields are written out rather than
 * copied in a loop over PRODUCT_FIELDS (test/unit/productFields.test.ts keeps the two in step).
 */
export function toStoredProduct(p: StableProduct, source: Cursor, dataVersion: string = dataVersionFromStableParts(p)): StoredProduct & { data_version: string } {
  return {
    brand_code: p.brand_code,
    sku: p.sku,
    name: p.name,
    category: p.category,
    price: p.price,
    status: p.status,
    attributes: p.attributesJson,
    tags: p.tagsJson,
    data_version: dataVersion,
    source,
  };
}

/** A normalised record in the hot path's form, serialised by the reference writer: for tools and tests. */
export function stablePartsOf(p: NormalizedProduct): StableProduct {
  const { attributes, tags, ...scalars } = p;
  return { ...scalars, attributesJson: stableStringify(attributes), tagsJson: stableStringify(tags) };
}

/**
 * The field as stable JSON text, for change-log `before`/`after`. Attributes and tags that the sync wrote are
 * already stable JSON; a legacy product's (data_version NULL) may be anything, so those are re-serialised.
 */
export function fieldJson(p: StoredProduct, field: ProductField): string {
  const raw = p[field];
  if (raw === null) return 'null';
  if ((field === 'attributes' || field === 'tags') && p.data_version === null) return stableStringify(fieldValue(p, field));
  return field === 'attributes' || field === 'tags' ? raw : JSON.stringify(raw);
}

/** `"field":` for each field, written once rather than per change. */
const MEMBER_PREFIX = Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, JSON.stringify(f) + ':'])) as Record<ProductField, string>;

/** Stable JSON of {field: value} for the given fields, which must be sorted. */
export function fieldsJson(p: StoredProduct, sortedFields: readonly ProductField[]): string {
  let out = '{';
  for (let i = 0; i < sortedFields.length; i++) out += (i > 0 ? ',' : '') + MEMBER_PREFIX[sortedFields[i]] + fieldJson(p, sortedFields[i]);
  return out + '}';
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

/**
 * One string per (brand_code, sku). Length-prefixed, because normalised text may contain any character (NUL
 * included), so no separator alone could keep ('a\0b', 'c') and ('a', 'b\0c') apart.
 */
export const productKey = (brandCode: string, sku: string): string => `${brandCode.length}:${brandCode}${sku}`;
