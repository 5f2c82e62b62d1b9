/**
 * The per-row code that copies or renders a product field by field is written out by hand, for speed (no loop, no
 * intermediate object per row). These tests keep each of those hand-written lists in step with PRODUCT_FIELDS: a
 * field added there and forgotten in one of them fails here.
 */
import { computeDataVersion, dataVersionFromStableParts } from '../../src/domain/dataVersion';
import { stableStringify } from '../../src/domain/stableJson';
import { stablePartsOf, toStoredProduct } from '../../src/domain/storedProduct';
import { NormalizedProduct, PRODUCT_FIELDS, ProductField } from '../../src/domain/types';
import { idLiteral, nullableString } from '../../src/db/sql/literal';
import { INSERT_HEAD, PAYLOAD, ProductRow, productTuple, toExisting, UPDATE_HEAD } from '../../src/db/stores/productStore';

/** A different value in every field, so a field copied from the wrong place shows too. */
const marker = (f: string) => `v-${f}`;
const markers = (fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, marker(f)]));

/** A normalised product whose every field differs from every other. */
const product: NormalizedProduct = {
  ...(markers(PRODUCT_FIELDS) as unknown as NormalizedProduct),
  status: 'inactive',
  attributes: { field: 'attributes' },
  tags: ['tags'],
};

const source = { at: '2026-01-02 03:04:05.678901', id: '42' };

describe('the hand-written field lists match PRODUCT_FIELDS', () => {
  test('toStoredProduct carries every record field, attributes and tags as stable JSON', () => {
    const stored = toStoredProduct(stablePartsOf(product), source) as unknown as Record<ProductField, unknown>;
    for (const f of PRODUCT_FIELDS) {
      const expected = f === 'attributes' || f === 'tags' ? stableStringify(product[f]) : product[f];
      expect([f, stored[f]]).toEqual([f, expected]);
    }
  });

  test('dataVersionFromStableParts hashes every record field, as computeDataVersion does', () => {
    const parts = { ...product, attributesJson: stableStringify(product.attributes), tagsJson: stableStringify(product.tags) };
    expect(dataVersionFromStableParts(parts)).toBe(computeDataVersion(product));
  });

  test('toExisting (products as read) carries every record field', () => {
    const row = { ...markers(PRODUCT_FIELDS), id: 7, data_version: 'v-data_version', source_id: 42, src_updated_at: source.at } as unknown as ProductRow;
    const existing = toExisting(row) as unknown as Record<ProductField, unknown>;
    for (const f of PRODUCT_FIELDS) expect([f, existing[f]]).toEqual([f, marker(f)]);
  });

  test('the products statements name the key, every record field and the tracking columns, and the tuple renders them in that order', () => {
    const columnsOf = (head: string) => /\(([^)]*)\)/.exec(head)![1].split(', ');
    const columns = columnsOf(INSERT_HEAD);
    expect(columns).toEqual(['brand_code', 'sku', ...PAYLOAD]);
    expect(columnsOf(UPDATE_HEAD)).toEqual(['id', ...columns]);
    expect(PAYLOAD).toEqual(expect.arrayContaining(PRODUCT_FIELDS.filter((f) => f !== 'brand_code' && f !== 'sku')));

    const stored = { ...markers(PRODUCT_FIELDS), data_version: marker('data_version'), source };
    const literal = (c: string) => (c === 'source_id' ? idLiteral(source.id) : c === 'src_updated_at' ? nullableString(source.at) : nullableString(marker(c)));
    expect(productTuple({ product: stored as never })).toBe('(' + columns.map(literal).join(',') + ')');
    expect(productTuple({ id: '5', product: stored as never })).toBe('(' + ['5', ...columns.map(literal)].join(',') + ')');
  });
});
