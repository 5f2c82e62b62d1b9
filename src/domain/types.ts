/**
 * Domain types shared by the normaliser, the apply step and the workflow.
 * Kept free of any database or Temporal import so the pure rules stay pure.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A staging row as read from `products_staging`: raw text, exactly as upstream sent it. */
export interface StagingRow {
  /** BIGINT UNSIGNED, kept as a decimal string so no precision is ever lost. */
  id: string;
  brand_code: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  price: string | null;
  status: string | null;
  attributes: string | null;
  tags: string | null;
  /** DATETIME(6) as the database writes it: 'YYYY-MM-DD HH:MM:SS.ffffff'. Never a JS Date (milliseconds only). */
  src_updated_at: string;
}

export type ProductStatus = 'active' | 'inactive' | 'deleted';

/** The normalised record whose stable JSON is hashed into `data_version` (spec section 4). */
export interface NormalizedProduct {
  brand_code: string;
  sku: string;
  name: string;
  category: string | null;
  /** Two decimals, as text: "1299.00". */
  price: string | null;
  status: ProductStatus;
  attributes: JsonObject;
  tags: string[];
}

export const PRODUCT_FIELDS = [
  'brand_code',
  'sku',
  'name',
  'category',
  'price',
  'status',
  'attributes',
  'tags',
] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];

export type RejectReason =
  | 'MISSING_BRAND_CODE'
  | 'MISSING_SKU'
  | 'MISSING_NAME'
  | 'FIELD_TOO_LONG'
  | 'INVALID_PRICE'
  | 'INVALID_STATUS'
  | 'INVALID_ATTRIBUTES'
  | 'INVALID_TAGS'
  /** Not a rule of the normaliser: the row's writes cannot fit in one statement (docs/operations.md, addendum). */
  | 'ROW_TOO_LARGE';

export interface NormalizeRejection {
  ok: false;
  reason: RejectReason;
  field: ProductField;
  /** Human-readable, names the field and (a bounded excerpt of) the value. */
  message: string;
}

export interface NormalizeSuccess {
  ok: true;
  product: NormalizedProduct;
}

export type NormalizeResult = NormalizeSuccess | NormalizeRejection;

/** The normalised record with attributes and tags as their stable JSON text: what the sync stores and hashes. */
export type StableProduct = Omit<NormalizedProduct, 'attributes' | 'tags'> & { attributesJson: string; tagsJson: string };

export type StableNormalizeResult = { ok: true; product: StableProduct } | NormalizeRejection;

/** The staging fields the normaliser reads (id and src_updated_at are not part of the record). */
export type RawProductFields = Pick<StagingRow, ProductField>;
