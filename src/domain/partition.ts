/**
 * Which partition of a window a staging row belongs to (docs/scaling.md). The hash is of the NORMALISED key, by the
 * very functions the apply path uses, so every row of one product lands in the same partition whatever its raw
 * spelling ('belle ' and 'ＢＥＬＬＥ' are one product). Only the two key fields are normalised here: the cheap part
 * of normalisation. A row whose key does not normalise is rejected whichever partition applies it, so it goes by id.
 */
import { normalizeBrandCode, normalizeSku } from './normalizer';
import { productKey } from './storedProduct';

export { DEFAULT_PARTITIONS, MAX_PARTITIONS, MIN_PARTITIONS, partitionsProblem } from '../shared/partitions';

/** FNV-1a over the UTF-16 code units: stable across processes and versions of Node, unlike anything seeded. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface KeyFields {
  id: string;
  brand_code: string | null;
  sku: string | null;
}

export function partitionOf(row: KeyFields, partitions: number): number {
  if (partitions <= 1) return 0;
  const brand = normalizeBrandCode(row.brand_code);
  const sku = brand.ok ? normalizeSku(row.sku) : undefined;
  if (!brand.ok || !sku?.ok) return Number(BigInt(row.id) % BigInt(partitions));
  return fnv1a32(productKey(brand.value, sku.value)) % partitions;
}
