import { createHash } from 'node:crypto';
import { computeDataVersion } from '../../src/domain/dataVersion';
import { normalizeProduct } from '../../src/domain/normalizer';
import type { NormalizedProduct, RawProductFields } from '../../src/domain/types';

const product: NormalizedProduct = {
  brand_code: 'NIKE',
  sku: 'SKU-1',
  name: 'Air Zoom 😀',
  category: '鞋/跑鞋',
  price: '1299.00',
  status: 'active',
  attributes: { spec: { b: 'x', a: true }, size: [1, 2.5, 'L'], color: '红' },
  tags: ['a', 'b'],
};

// Written by hand: keys sorted at every level, no white space, non-ASCII as itself.
const EXPECTED_STABLE_JSON =
  '{"attributes":{"color":"红","size":[1,2.5,"L"],"spec":{"a":true,"b":"x"}},"brand_code":"NIKE",' +
  '"category":"鞋/跑鞋","name":"Air Zoom 😀","price":"1299.00","sku":"SKU-1","status":"active","tags":["a","b"]}';

const sha256 = (s: string): string => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');

describe('computeDataVersion', () => {
  test('is the SHA-256 of the hand-written stable JSON', () => {
    expect(computeDataVersion(product)).toBe(sha256(EXPECTED_STABLE_JSON));
  });

  test('matches fixed vectors (computed with `printf %s ... | sha256sum`)', () => {
    expect(computeDataVersion(product)).toBe('b7edb341ef7e451bc434bf46ca54b6054f28494540536802ba231f016a9f37a7');
    const minimal: NormalizedProduct = {
      brand_code: 'B',
      sku: 'S',
      name: 'N',
      category: null,
      price: null,
      status: 'inactive',
      attributes: {},
      tags: [],
    };
    // {"attributes":{},"brand_code":"B","category":null,"name":"N","price":null,"sku":"S","status":"inactive","tags":[]}
    expect(computeDataVersion(minimal)).toBe('239a05b2a0b2a83d0702df6dac36a8fc8df1bd69c5f5aa56ca09ffc83b3bd1c5');
  });

  test('is 64 lowercase hex characters', () => {
    expect(computeDataVersion(product)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('does not depend on key order of the record or of nested attributes', () => {
    const reordered: NormalizedProduct = {
      tags: ['a', 'b'],
      attributes: { color: '红', size: [1, 2.5, 'L'], spec: { a: true, b: 'x' } },
      status: 'active',
      price: '1299.00',
      category: '鞋/跑鞋',
      name: 'Air Zoom 😀',
      sku: 'SKU-1',
      brand_code: 'NIKE',
    };
    expect(computeDataVersion(reordered)).toBe(computeDataVersion(product));
  });

  test('hashes exactly the 8 record fields: extra runtime properties are ignored', () => {
    const withExtras = { ...product, id: '42', src_updated_at: '2024-01-01 00:00:00.000001' };
    expect(computeDataVersion(withExtras)).toBe(computeDataVersion(product));
  });

  test('any change of any field changes the hash', () => {
    const variants: NormalizedProduct[] = [
      product,
      { ...product, brand_code: 'ADIDAS' },
      { ...product, sku: 'SKU-2' },
      { ...product, name: 'Air Zoom 😁' },
      { ...product, name: 'Air Zoom  😀' },
      { ...product, category: null },
      { ...product, category: 'null' },
      { ...product, category: '鞋' },
      { ...product, price: null },
      { ...product, price: '1299.01' },
      { ...product, status: 'inactive' },
      { ...product, status: 'deleted' },
      { ...product, attributes: {} },
      { ...product, attributes: { ...product.attributes, color: '蓝' } },
      { ...product, attributes: { ...product.attributes, size: [2.5, 1, 'L'] } },
      { ...product, attributes: { ...product.attributes, size: [1, 2.5, 'l'] } },
      { ...product, attributes: { ...product.attributes, size: [1, '2.5', 'L'] } },
      { ...product, attributes: { ...product.attributes, spec: { a: false, b: 'x' } } },
      { ...product, attributes: { ...product.attributes, extra: true } },
      { ...product, tags: [] },
      { ...product, tags: ['a'] },
      { ...product, tags: ['a', 'b', 'c'] },
      { ...product, tags: ['b', 'a'] },
    ];
    const hashes = new Set(variants.map(computeDataVersion));
    expect(hashes.size).toBe(variants.length);
  });

  test('raw rows that normalise to the same record get the same data_version', () => {
    const a: RawProductFields = {
      brand_code: 'nike',
      sku: 'sku-1',
      name: 'Air  Zoom',
      category: 'Shoes / Running',
      price: '¥1,299',
      status: 'ON',
      attributes: '{"b":{"y":1,"x":" v "},"a":[1,null,"  "]}',
      tags: '["z","a","z"]',
    };
    const b: RawProductFields = {
      brand_code: 'ＮＩＫＥ',
      sku: ' SKU-1 ',
      name: '\ufeffAir\u3000Zoom',
      category: '/Shoes//Running/',
      price: '1299.00元',
      status: '1',
      attributes: '{"a":[1],"b":{"x":"v","y":1}}',
      tags: '["a",null,"z"]',
    };
    const ra = normalizeProduct(a);
    const rb = normalizeProduct(b);
    if (!ra.ok || !rb.ok) throw new Error('both rows should normalise');
    expect(computeDataVersion(ra.product)).toBe(computeDataVersion(rb.product));
  });
});
