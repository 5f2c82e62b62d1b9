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
  return (
    `{"attributes":${p.attributesJson},"brand_code":${jsonText(p.brand_code, '', '')},"category":${recurringJsonOrNull(p.category)}` +
    `,"name":${JSON.stringify(p.name)},"price":${jsonOrNull(p.price)},"sku":${JSON.stringify(p.sku)}` +
    `,"status":${jsonText(p.status, '', '')},"tags":${p.tagsJson}}`
  );
}

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
