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
