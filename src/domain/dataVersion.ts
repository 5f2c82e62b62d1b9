/** data_version (spec section 4): the fingerprint that decides whether a staging row changes a product. */
import { createHash } from 'node:crypto';
import { stableStringify } from './stableJson';
import type { NormalizedProduct } from './types';

/** Exactly the 8 record fields are hashed, so extra runtime properties on `p` can never change the version. */
export function computeDataVersion(p: NormalizedProduct): string {
  const record = {
    brand_code: p.brand_code,
    sku: p.sku,
    name: p.name,
    category: p.category,
    price: p.price,
    status: p.status,
    attributes: p.attributes,
    tags: p.tags,
  };
  return createHash('sha256').update(stableStringify(record), 'utf8').digest('hex');
}

/** JSON text of a string-or-null field, as stableStringify writes it. */
const jsonOrNull = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/**
 * The same hash as computeDataVersion, from fields whose attributes and tags are already stable JSON text: the
 * record's keys are written in their sorted order by hand, so each row's JSON documents are serialised once.
 * (test/unit/dataVersion.test.ts checks the two agree.)
 */
export function dataVersionFromStableParts(p: {
  brand_code: string; sku: string; name: string; category: string | null; price: string | null; status: string;
  attributesJson: string; tagsJson: string;
}): string {
  const text =
    `{"attributes":${p.attributesJson},"brand_code":${JSON.stringify(p.brand_code)},"category":${jsonOrNull(p.category)}` +
    `,"name":${JSON.stringify(p.name)},"price":${jsonOrNull(p.price)},"sku":${JSON.stringify(p.sku)}` +
    `,"status":${JSON.stringify(p.status)},"tags":${p.tagsJson}}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
