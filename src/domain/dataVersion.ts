/** data_version (spec section 4): the fingerprint that decides whether a staging row changes a product. */
import { createHash, hash } from 'node:crypto';
import { jsonText } from './jsonText';
import { stableStringify } from './stableJson';
import { JsonValue, NormalizedProduct, PRODUCT_FIELDS, StableProduct } from './types';

/**
 * Exactly the record's fields are hashed, so extra runtime properties on `p` can never change the version. The
 * reference the oracle and the tests use; the sync's hot path uses dataVersionFromStableParts.
 */
export function computeDataVersion(p: NormalizedProduct): string {
  const record: Record<string, JsonValue> = {};
  for (const f of PRODUCT_FIELDS) record[f] = p[f];
  return createHash('sha256').update(stableStringify(record), 'utf8').digest('hex');
}

/** JSON text of a string-or-null field, as stableStringify writes it. */
const jsonOrNull = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/** The same for fields whose values recur on many rows (brand codes, categories), from the cache of short texts. */
const recurringJsonOrNull = (v: string | null): string => (v === null ? 'null' : jsonText(v, '', ''));

/**
 * The record as stable JSON, from fields whose attributes and tags are already stable JSON text: the record's keys are
 * written in their sorted order by hand, so each row's JSON documents are serialised once and the hot path builds no
 * intermediate record. It is what data_version hashes, and, as the same text, an INSERT's change-log `after`.
 * (test/unit/stableParts.test.ts checks it against stableStringify, so a field added to PRODUCT_FIELDS and not here
 * fails it.)
 */
export function recordJsonFromStableParts(p: StableProduct): string {
  // Joined from an array of its pieces rather than concatenated: per row, and sixteen concatenations left a tree of
  // small strings that hashing then copied flat; join writes the flat text once (docs/benchmarks.md, 2026-12-05 night).
  const parts = RECORD_PARTS;
  parts[1] = p.attributesJson;
  parts[3] = jsonText(p.brand_code, '', '');
  parts[5] = recurringJsonOrNull(p.category);
  parts[7] = JSON.stringify(p.name);
  parts[9] = jsonOrNull(p.price);
  parts[11] = JSON.stringify(p.sku);
  parts[13] = jsonText(p.status, '', '');
  parts[15] = p.tagsJson;
  return parts.join('');
}

/** The record's JSON around its values, in the sorted order of its keys; recordJsonFromStableParts fills the gaps. */
const RECORD_PARTS: string[] = [
  '{"attributes":', '', ',"brand_code":', '', ',"category":', '', ',"name":', '', ',"price":', '', ',"sku":', '', ',"status":', '', ',"tags":', '', '}',
];

/** data_version of a record whose stable JSON is `recordJson` (recordJsonFromStableParts). */
export function dataVersionOfRecordJson(recordJson: string): string {
  // The one-shot crypto.hash (UTF-8 of a string, as update(text, 'utf8')) builds no Hash object: a third of the
  // time of createHash().update().digest() per row (docs/benchmarks.md, 2026-12-03).
  return hash('sha256', recordJson, 'hex');
}

/** The same hash as computeDataVersion, from the hot path's form of the record. */
export function dataVersionFromStableParts(p: StableProduct): string {
  return dataVersionOfRecordJson(recordJsonFromStableParts(p));
}
