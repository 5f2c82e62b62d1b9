/**
 * The hot path builds JSON from already-serialised parts instead of serialising whole objects; these tests pin it to
 * the reference functions, over thousands of generated messy rows.
 */
import { computeDataVersion, dataVersionFromStableParts, recordJsonFromStableParts } from '../../src/domain/dataVersion';
import { normalizeProduct } from '../../src/domain/normalizer';
import { stableStringify } from '../../src/domain/stableJson';
import { fieldsJson, fieldValue, stablePartsOf, StoredProduct, toStoredProduct } from '../../src/domain/storedProduct';
import { generateStagingRowsArray } from '../../src/demo/stagingGenerator';
import { JsonObject, PRODUCT_FIELDS, ProductField } from '../../src/domain/types';

const products = generateStagingRowsArray({ rows: 3000, seed: 42 })
  .map((r) => normalizeProduct(r))
  .flatMap((n) => (n.ok ? [n.product] : []));

const pickObject = (p: StoredProduct, fields: readonly ProductField[]): JsonObject =>
  Object.fromEntries(fields.map((f) => [f, fieldValue(p, f)]));

describe('JSON from stable parts', () => {
  it('has enough accepted rows to mean something', () => {
    expect(products.length).toBeGreaterThan(2000);
  });

  it('dataVersionFromStableParts equals computeDataVersion for every row', () => {
    for (const p of products) {
      const stored = toStoredProduct(stablePartsOf(p), { at: '2026-01-01 00:00:00.000000', id: '1' });
      expect(stored.data_version).toBe(computeDataVersion(p));
      expect(dataVersionFromStableParts({ ...p, attributesJson: stableStringify(p.attributes), tagsJson: stableStringify(p.tags) })).toBe(computeDataVersion(p));
    }
  });

  it('recordJsonFromStableParts is the stable JSON of the record, and what fieldsJson gives for all fields (an INSERT\'s after)', () => {
    const all = [...PRODUCT_FIELDS].sort();
    for (const p of products) {
      const parts = stablePartsOf(p);
      const record = Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, p[f]])) as JsonObject;
      expect(recordJsonFromStableParts(parts)).toBe(stableStringify(record));
      expect(recordJsonFromStableParts(parts)).toBe(fieldsJson(toStoredProduct(parts, { at: '2026-01-01 00:00:00.000000', id: '1' }), all));
    }
  });

  it('fieldsJson equals stableStringify of the picked fields, for written and legacy products', () => {
    const all = [...PRODUCT_FIELDS].sort();
    for (const p of products.slice(0, 500)) {
      const stored = toStoredProduct(stablePartsOf(p), { at: '2026-01-01 00:00:00.000000', id: '1' });
      expect(fieldsJson(stored, all)).toBe(stableStringify(pickObject(stored, all)));
      expect(fieldsJson(stored, ['name', 'price'])).toBe(stableStringify(pickObject(stored, ['name', 'price'])));
    }
    const legacy: StoredProduct = {
      brand_code: 'LEGACY', sku: 'X', name: 'n', category: null, price: '1.00', status: 'active',
      attributes: '{ "b": 1, "a": [2, 1] }', tags: 'not json', data_version: null, source: null,
    };
    expect(fieldsJson(legacy, ['attributes', 'tags'])).toBe('{"attributes":{"a":[2,1],"b":1},"tags":"not json"}');
  });
});
