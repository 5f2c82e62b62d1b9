import {
  MAX_ATTRIBUTES_DEPTH,
  normalizeAttributes,
  normalizeCategory,
  normalizeProduct,
  normalizeStatus,
  normalizeTags,
  scanJsonStructure,
} from '../../src/domain/normalizer';
import { stableStringify } from '../../src/domain/stableJson';
import type {
  JsonObject,
  NormalizedProduct,
  NormalizeRejection,
  RawProductFields,
  RejectReason,
} from '../../src/domain/types';

const base: RawProductFields = {
  brand_code: 'nike',
  sku: 'sku-1',
  name: 'Air Zoom',
  category: 'Shoes/Running',
  price: '1299',
  status: 'active',
  attributes: '{"color":"red"}',
  tags: '["b","a"]',
};

const row = (overrides: Partial<RawProductFields>): RawProductFields => ({ ...base, ...overrides });

function accept(overrides: Partial<RawProductFields>): NormalizedProduct {
  const r = normalizeProduct(row(overrides));
  if (!r.ok) throw new Error(`expected acceptance, got ${r.reason}: ${r.message}`);
  return r.product;
}

function reject(overrides: Partial<RawProductFields>): NormalizeRejection {
  const r = normalizeProduct(row(overrides));
  if (r.ok) throw new Error(`expected rejection, got ${JSON.stringify(r.product)}`);
  return r;
}

function attrs(raw: string | null): JsonObject {
  const r = normalizeAttributes(raw);
  if (!r.ok) throw new Error(`expected attributes to be accepted: ${r.message}`);
  return r.value;
}

function attrsMessage(raw: string): string {
  const r = normalizeAttributes(raw);
  if (r.ok) throw new Error(`expected attributes to be rejected, got ${JSON.stringify(r.value)}`);
  expect(r.reason).toBe('INVALID_ATTRIBUTES');
  expect(r.message.startsWith('attributes ')).toBe(true);
  return r.message;
}

function tags(raw: string | null): string[] {
  const r = normalizeTags(raw);
  if (!r.ok) throw new Error(`expected tags to be accepted: ${r.message}`);
  return r.value;
}

function tagsMessage(raw: string): string {
  const r = normalizeTags(raw);
  if (r.ok) throw new Error(`expected tags to be rejected, got ${JSON.stringify(r.value)}`);
  expect(r.reason).toBe('INVALID_TAGS');
  expect(r.message.startsWith('tags ')).toBe(true);
  return r.message;
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('normalizeProduct: a clean row', () => {
  test('normalises every field', () => {
    expect(normalizeProduct(base)).toEqual({
      ok: true,
      product: {
        brand_code: 'NIKE',
        sku: 'SKU-1',
        name: 'Air Zoom',
        category: 'Shoes/Running',
        price: '1299.00',
        status: 'active',
        attributes: { color: 'red' },
        tags: ['a', 'b'],
      },
    });
  });

  test('optional fields left null get their defaults', () => {
    expect(accept({ category: null, price: null, status: null, attributes: null, tags: null })).toEqual({
      brand_code: 'NIKE',
      sku: 'SKU-1',
      name: 'Air Zoom',
      category: null,
      price: null,
      status: 'active',
      attributes: {},
      tags: [],
    });
  });

  test('optional fields left blank get their defaults', () => {
    const p = accept({ category: ' ', price: '\u3000', status: '', attributes: '  \n', tags: '\ufeff' });
    expect([p.category, p.price, p.status, p.attributes, p.tags]).toEqual([null, null, 'active', {}, []]);
  });

  test('does not mutate its input', () => {
    const input = row({});
    const copy = { ...input };
    normalizeProduct(input);
    expect(input).toEqual(copy);
  });
});

describe('brand_code', () => {
  test.each([null, '', '   ', '\t\n', '\u3000', '\ufeff'])('%j -> MISSING_BRAND_CODE', (v) => {
    const r = reject({ brand_code: v });
    expect(r.reason).toBe('MISSING_BRAND_CODE');
    expect(r.field).toBe('brand_code');
    expect(r.message).toContain('brand_code');
  });

  test.each([
    [' nike ', 'NIKE'],
    ['ｎｉｋｅ', 'NIKE'],
    ['Ｎｉｋｅ\u3000Ｊｐ', 'NIKE JP'],
    ['li  ning', 'LI NING'],
    ['straße', 'STRASSE'],
    ['李宁', '李宁'],
    ['\ufeffnike', 'NIKE'],
    ["o'neill", "O'NEILL"],
  ])('%j -> %j', (input, expected) => {
    expect(accept({ brand_code: input }).brand_code).toBe(expected);
  });

  test('32 code points is accepted, 33 is FIELD_TOO_LONG', () => {
    expect(accept({ brand_code: 'a'.repeat(32) }).brand_code).toBe('A'.repeat(32));
    const r = reject({ brand_code: 'a'.repeat(33) });
    expect(r.reason).toBe('FIELD_TOO_LONG');
    expect(r.field).toBe('brand_code');
    expect(r.message).toContain('33 code points');
  });

  test('lengths are code points: 32 emoji (.length 64) pass, 33 emoji fail', () => {
    const ok32 = '😀'.repeat(32);
    expect(ok32.length).toBe(64);
    expect(accept({ brand_code: ok32 }).brand_code).toBe(ok32);
    expect(reject({ brand_code: '😀'.repeat(33) }).reason).toBe('FIELD_TOO_LONG');
  });

  test('4-byte CJK characters count as one each', () => {
    expect(accept({ brand_code: '𠀀'.repeat(32) }).brand_code).toBe('𠀀'.repeat(32));
    expect(reject({ brand_code: '𠀀'.repeat(33) }).reason).toBe('FIELD_TOO_LONG');
  });

  test('length is measured after upper-casing: ß becomes SS', () => {
    expect(accept({ brand_code: 'ß'.repeat(16) }).brand_code).toBe('SS'.repeat(16));
    const r = reject({ brand_code: 'ß'.repeat(17) });
    expect(r.reason).toBe('FIELD_TOO_LONG');
    expect(r.message).toContain('34 code points');
  });

  test('length is measured after NFKC and white-space collapsing', () => {
    // 40 raw characters, 32 after collapsing and trimming.
    expect(accept({ brand_code: `    ${'a'.repeat(32)}    ` }).brand_code).toBe('A'.repeat(32));
    // 'ﬃ' is 1 code point raw, 3 after NFKC.
    expect(reject({ brand_code: 'ﬃ'.repeat(11) }).reason).toBe('FIELD_TOO_LONG');
  });
});

describe('sku', () => {
  test.each([null, '', '  ', '\u3000\u3000'])('%j -> MISSING_SKU', (v) => {
    const r = reject({ sku: v });
    expect([r.reason, r.field]).toEqual(['MISSING_SKU', 'sku']);
  });

  test('text then upper case', () => {
    expect(accept({ sku: ' ａｂｃ－１２３ ' }).sku).toBe('ABC-123');
    expect(accept({ sku: 'a  b\tc' }).sku).toBe('A B C');
  });

  test('64 code points is accepted, 65 is FIELD_TOO_LONG', () => {
    expect(accept({ sku: 'x'.repeat(64) }).sku).toBe('X'.repeat(64));
    const r = reject({ sku: 'x'.repeat(65) });
    expect([r.reason, r.field]).toEqual(['FIELD_TOO_LONG', 'sku']);
  });

  test('emoji and ß: code points after upper-casing', () => {
    expect(accept({ sku: '😀'.repeat(64) }).sku).toBe('😀'.repeat(64));
    expect(reject({ sku: '😀'.repeat(65) }).reason).toBe('FIELD_TOO_LONG');
    expect(accept({ sku: 'ß'.repeat(32) }).sku).toBe('SS'.repeat(32));
    expect(reject({ sku: 'ß'.repeat(33) }).reason).toBe('FIELD_TOO_LONG');
  });
});

describe('name', () => {
  test.each([null, '', ' \n ', '\u3000'])('%j -> MISSING_NAME', (v) => {
    const r = reject({ name: v });
    expect([r.reason, r.field]).toEqual(['MISSING_NAME', 'name']);
  });

  test('text, case kept', () => {
    expect(accept({ name: '  Air\u3000\u3000Zoom\n\tPegasus ' }).name).toBe('Air Zoom Pegasus');
    expect(accept({ name: 'ＡＩＲ ｚｏｏｍ' }).name).toBe('AIR zoom');
  });

  test('255 code points is accepted, 256 is FIELD_TOO_LONG', () => {
    expect(accept({ name: 'n'.repeat(255) }).name).toHaveLength(255);
    const r = reject({ name: 'n'.repeat(256) });
    expect([r.reason, r.field]).toEqual(['FIELD_TOO_LONG', 'name']);
  });

  test('emoji count as one code point each', () => {
    expect(accept({ name: '😀'.repeat(255) }).name).toBe('😀'.repeat(255));
    expect(reject({ name: '😀'.repeat(256) }).reason).toBe('FIELD_TOO_LONG');
  });

  test('length after NFKC composition: 255 × (e + combining acute) is 255 code points', () => {
    const raw = 'e\u0301'.repeat(255);
    expect(accept({ name: raw }).name).toBe('é'.repeat(255));
  });

  test('NUL bytes are kept', () => {
    expect(accept({ name: 'a\u0000b' }).name).toBe('a\u0000b');
  });

  test('a leading byte-order mark is removed, an inner one becomes a space', () => {
    expect(accept({ name: '\ufeffAir Zoom' }).name).toBe('Air Zoom');
    expect(accept({ name: 'Air\ufeffZoom' }).name).toBe('Air Zoom');
  });

  test('SQL-looking text is kept verbatim', () => {
    const sql = "Robert'); DROP TABLE products; -- \\ \" `x`";
    expect(accept({ name: sql }).name).toBe(sql);
  });

  test('a 1 MB name is rejected with a short message', () => {
    const r = reject({ name: '名'.repeat(1_000_000) });
    expect(r.reason).toBe('FIELD_TOO_LONG');
    expect(r.message.length).toBeLessThan(300);
    expect(r.message).toContain('1000000 code points');
  });
});

describe('category', () => {
  test.each<[string | null, string | null]>([
    [null, null],
    ['', null],
    ['   ', null],
    ['/', null],
    [' // / ', null],
    ['Shoes', 'Shoes'],
    ['Shoes/Running', 'Shoes/Running'],
    [' Shoes / Running ', 'Shoes/Running'],
    ['/Shoes//Running/', 'Shoes/Running'],
    ['鞋／跑鞋', '鞋/跑鞋'], // full-width solidus -> '/' by NFKC
    ['a\u3000/\u3000b', 'a/b'],
    ['Men  Shoes / Trail   Running', 'Men Shoes/Trail Running'],
    ['shoes', 'shoes'], // case kept
  ])('%j -> %j', (input, expected) => {
    expect(accept({ category: input }).category).toBe(expected);
  });

  test('128 code points is accepted, 129 is FIELD_TOO_LONG', () => {
    expect(accept({ category: 'c'.repeat(128) }).category).toHaveLength(128);
    const r = reject({ category: 'c'.repeat(129) });
    expect([r.reason, r.field]).toEqual(['FIELD_TOO_LONG', 'category']);
  });

  test('length is measured on the joined result', () => {
    const raw = ' ab / '.repeat(43); // 258 raw characters
    expect(raw.length).toBeGreaterThan(128);
    const joined = Array(43).fill('ab').join('/'); // 128 code points
    expect(joined).toHaveLength(128);
    expect(accept({ category: raw }).category).toBe(joined);
    expect(reject({ category: ' ab / '.repeat(44) }).reason).toBe('FIELD_TOO_LONG');
  });

  test('emoji count as one code point', () => {
    expect(accept({ category: '😀'.repeat(128) }).category).toBe('😀'.repeat(128));
    expect(reject({ category: '😀'.repeat(129) }).reason).toBe('FIELD_TOO_LONG');
  });
});

describe('price (in the row)', () => {
  test('valid prices are canonical two-decimal strings', () => {
    expect(accept({ price: '¥1,299.00' }).price).toBe('1299.00');
    expect(accept({ price: '１２９９' }).price).toBe('1299.00');
    expect(accept({ price: '1.005' }).price).toBe('1.01');
    expect(accept({ price: '9999999999.994' }).price).toBe('9999999999.99');
  });

  test.each(['N/A', '9999999999.995', '-5', '¥', '1e3'])('%j -> INVALID_PRICE', (p) => {
    const r = reject({ price: p });
    expect([r.reason, r.field]).toEqual(['INVALID_PRICE', 'price']);
  });

  test('message', () => {
    expect(reject({ price: 'N/A' }).message).toBe(
      'price "N/A" is not a number (after removing currency marks and thousands separators)',
    );
  });
});

describe('status', () => {
  test.each([
    'active', 'ACTIVE', ' Active ', 'on', 'ON', 'On', '1', 'true', 'TRUE', 'yes', 'Yes', '上架', 'ＯＮ', '１', ' 上架 ',
  ])('%j -> active', (s) => {
    expect(accept({ status: s }).status).toBe('active');
  });

  test.each(['inactive', 'INACTIVE', 'off', 'OFF', '0', 'false', 'False', 'no', 'NO', '下架', '０'])(
    '%j -> inactive',
    (s) => {
      expect(accept({ status: s }).status).toBe('inactive');
    },
  );

  test.each(['deleted', 'DELETED', ' Deleted\n'])('%j -> deleted', (s) => {
    expect(accept({ status: s }).status).toBe('deleted');
  });

  test.each([null, '', '   ', '\u3000'])('%j (null or blank) -> active', (s) => {
    expect(accept({ status: s }).status).toBe('active');
  });

  test.each(['enabled', '2', 'y', 'n', 'on sale', 'in active', '删除', 'delete', 'activ', '1.0', 'null'])(
    '%j -> INVALID_STATUS',
    (s) => {
      const r = reject({ status: s });
      expect([r.reason, r.field]).toEqual(['INVALID_STATUS', 'status']);
      expect(r.message).toContain(`status ${JSON.stringify(s)}`);
    },
  );

  test('exported helper agrees', () => {
    expect(normalizeStatus('下架')).toEqual({ ok: true, value: 'inactive' });
  });
});

describe('attributes', () => {
  test.each([null, '', '   ', '\u3000', '\ufeff', '\n\t'])('%j -> {}', (raw) => {
    expect(attrs(raw)).toEqual({});
  });

  test('an empty object stays empty', () => {
    expect(attrs('{}')).toEqual({});
    expect(attrs(' { } ')).toEqual({});
  });

  test('normalises keys and strings recursively, drops nulls, keeps order, numbers and booleans', () => {
    const raw = JSON.stringify({
      ' Color ': ' Red \u3000 Dark ',
      size: {
        'ｗ': ' １０ ',
        list: [' a ', null, '  ', 1, true, false, { k: null }, [null], 'b'],
        empty: {},
        emptyList: [],
      },
      gone: null,
      blank: ' \t ',
      n: 0,
      f: false,
    });
    expect(attrs(raw)).toEqual({
      Color: 'Red Dark',
      size: { w: '10', list: ['a', 1, true, false, {}, [], 'b'], empty: {}, emptyList: [] },
      n: 0,
      f: false,
    });
  });

  test('an object that only held nulls stays as an empty object', () => {
    expect(attrs('{"a":{"b":null,"c":"  "}}')).toEqual({ a: {} });
  });

  test('the same key at different levels is fine', () => {
    expect(attrs('{"a":{"a":{"a":1}}}')).toEqual({ a: { a: { a: 1 } } });
  });

  test.each([
    ['full-width and ASCII', '{"Ａ":1,"A":2}'],
    ['trailing space', '{"a ":1,"a":2}'],
    ['U+3000 vs space', '{"a\u3000b":1,"a b":2}'],
    ['NFKC ligature', '{"ﬁ":1,"fi":2}'],
    ['nested level', '{"x":{"a":1," a":2}}'],
    ['inside an array', '{"x":[{"k":1,"k ":2}]}'],
    ['even when one value is null', '{"a":null,"a ":1}'],
  ])('keys colliding after normalisation reject the row (%s)', (_label, raw) => {
    expect(attrsMessage(raw)).toContain('both become');
  });

  test('the collision message names both keys, the result and the path', () => {
    const m = attrsMessage('{"x":{"y":[{"Ａ":1,"A":2}]}}');
    expect(m).toContain('"Ａ"');
    expect(m).toContain('"A"');
    expect(m).toContain('$.x.y[0]');
  });

  test.each(['{"":1}', '{" ":1}', '{"\u3000":1}', '{"\ufeff":1}', '{"a":{"  ":null}}'])(
    'a key that becomes null rejects the row: %j',
    (raw) => {
      expect(attrsMessage(raw)).toContain('blank');
    },
  );

  test('raw duplicate keys (which JSON.parse would merge) reject the row', () => {
    expect(attrsMessage('{"a":1,"a":2}')).toContain('twice');
    expect(attrsMessage('{"a":1,"\\u0061":2}')).toContain('twice');
    expect(attrsMessage('{"x":[{"k":1,"k":1}]}')).toContain('twice');
  });

  test('equal keys in different objects are not duplicates', () => {
    expect(attrs('{"l":[{"a":1},{"a":2}],"m":{"a":3}}')).toEqual({ l: [{ a: 1 }, { a: 2 }], m: { a: 3 } });
  });

  test('brackets, quotes and escapes inside strings do not confuse the structure scan', () => {
    const raw = '{"a{[\\"":"]]}}\\\\","b":"\\"{\\"","c":{"a{[\\"":1}}';
    expect(attrs(raw)).toEqual({ 'a{["': ']]}}\\', b: '"{"', c: { 'a{["': 1 } });
  });

  test.each(['{', '{a:1}', "{'a':1}", '{"a":1,}', '{"a":NaN}', 'NaN', '{"a":undefined}', '{"a":1}}', '{"a":01}', 'x'])(
    'invalid JSON is rejected: %j',
    (raw) => {
      expect(attrsMessage(raw)).toContain('is not valid JSON');
    },
  );

  test.each([
    ['[]', 'an array'],
    ['[{"a":1}]', 'an array'],
    ['"str"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
    ['null', 'null'],
  ])('JSON that is not an object is rejected: %j', (raw, what) => {
    expect(attrsMessage(raw)).toContain(`is not a JSON object (it is ${what})`);
  });

  test('the literal "null" is not blank: it is JSON null, which is not an object', () => {
    const r = reject({ attributes: 'null' });
    expect([r.reason, r.field]).toEqual(['INVALID_ATTRIBUTES', 'attributes']);
  });

  test('numbers are the numbers JavaScript parses them to', () => {
    const a = attrs('{"big":12345678901234567890,"tiny":1e-400,"neg":-0,"one":1.0,"f":0.1,"e":1e21}');
    expect(a).toEqual({ big: 12345678901234567000, tiny: 0, neg: -0, one: 1, f: 0.1, e: 1e21 });
    expect(Object.is(a.neg, -0)).toBe(true);
    expect(stableStringify(a)).toBe('{"big":12345678901234567000,"e":1e+21,"f":0.1,"neg":0,"one":1,"tiny":0}');
  });

  test.each(['{"a":1e400}', '{"a":-1e400}', '{"a":[1,1e400]}', '{"a":{"b":1' + '0'.repeat(400) + '}}'])(
    'a number too large for a double rejects the row: %#',
    (raw) => {
      expect(attrsMessage(raw)).toContain('too large for a double');
    },
  );

  test('the message gives the path of the offending value', () => {
    expect(attrsMessage('{"a":{"b c":[1,1e400]}}')).toContain('$.a["b c"][1]');
  });

  test('NUL in strings and keys is kept', () => {
    expect(attrs('{"k\\u0000":"x\\u0000y"}')).toEqual({ 'k\u0000': 'x\u0000y' });
  });

  test('escaped surrogate pairs decode to the character, lone surrogates reject', () => {
    expect(attrs('{"e":"\\ud83d\\ude00"}')).toEqual({ e: '😀' });
    expect(attrsMessage('{"a":"\\ud800"}')).toContain('unpaired UTF-16 surrogate');
    expect(attrsMessage('{"a":["x\\udc00"]}')).toContain('unpaired UTF-16 surrogate');
    expect(attrsMessage('{"\\udc00":1}')).toContain('unpaired UTF-16 surrogate');
  });

  test('4-byte characters and emoji in keys and values', () => {
    expect(attrs('{"𠀀":"😀 👍🏽","颜色":"红"}')).toEqual({ '𠀀': '😀 👍🏽', 颜色: '红' });
  });

  test('a leading byte-order mark before the document is ignored; one inside a string is white space', () => {
    expect(attrs('\ufeff{"a":1}')).toEqual({ a: 1 });
    expect(attrs('\u3000{"a":1}\u3000')).toEqual({ a: 1 });
    expect(attrs('{"a":"\ufeffx\ufeffy"}')).toEqual({ a: 'x y' });
  });

  test('SQL-looking text is kept verbatim', () => {
    const raw = JSON.stringify({ q: "1'; DROP TABLE products; --", "'": '"' });
    expect(attrs(raw)).toEqual({ q: "1'; DROP TABLE products; --", "'": '"' });
  });

  test('a "__proto__" key stays an ordinary own key and pollutes nothing', () => {
    const a = attrs('{"__proto__":{"polluted":true}," __proto__x ":1}');
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.keys(a)).toEqual(['__proto__', '__proto__x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(stableStringify(a)).toBe('{"__proto__":{"polluted":true},"__proto__x":1}');
  });

  test('the document is parsed as raw JSON, not after NFKC (full-width braces and quotes are not JSON)', () => {
    expect(attrsMessage('｛＂a＂:1｝')).toContain('is not valid JSON');
  });

  describe('depth', () => {
    test(`${MAX_ATTRIBUTES_DEPTH} levels (MySQL's limit) are accepted`, () => {
      expect(MAX_ATTRIBUTES_DEPTH).toBe(100);
      const raw = `{"a":${nested(99)}}`; // 1 object + 99 arrays
      const value = attrs(raw);
      expect(stableStringify(value)).toBe(raw);
    });

    test('101 levels are rejected', () => {
      expect(attrsMessage(`{"a":${nested(100)}}`)).toContain('nested more than 100 levels deep');
      expect(attrsMessage('{"a":'.repeat(101) + '1' + '}'.repeat(101))).toContain('nested more than 100 levels');
    });

    test('JSON.parse itself copes with 10,000-deep input in this Node version', () => {
      expect(() => JSON.parse(`{"a":${nested(10_000)}}`)).not.toThrow();
    });

    test('10,000-deep input is rejected cleanly (no RangeError)', () => {
      expect(attrsMessage(`{"a":${nested(10_000)}}`)).toContain('nested more than 100 levels deep');
      expect(attrsMessage('{"a":'.repeat(10_000) + 'null' + '}'.repeat(10_000))).toContain('nested more than');
      const r = reject({ attributes: `{"a":${nested(10_000)}}` });
      expect([r.reason, r.field]).toEqual(['INVALID_ATTRIBUTES', 'attributes']);
      expect(r.message.length).toBeLessThan(400);
    });

    test('1,000,000-deep input is rejected cleanly too', () => {
      expect(attrsMessage(`{"a":${nested(1_000_000)}}`)).toContain('nested more than');
    });
  });

  test('a 1 MB document is accepted, reasonably fast', () => {
    const doc: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) {
      doc[`key_${i}`] = { name: ` value ${i}  with  spaces `, list: [i, `x${i}`, null, true], n: i / 7 };
    }
    const raw = JSON.stringify(doc);
    expect(raw.length).toBeGreaterThan(1_000_000);
    const started = process.hrtime.bigint();
    const value = attrs(raw);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(Object.keys(value)).toHaveLength(20_000);
    expect(value.key_19999).toEqual({ name: 'value 19999 with spaces', list: [19999, 'x19999', true], n: 19999 / 7 });
    expect(ms).toBeLessThan(3000);
  });

  test('a 1 MB string value is accepted and a 1 MB invalid document gets a short message', () => {
    expect(attrs(JSON.stringify({ blob: 'a'.repeat(1_000_000) })).blob).toHaveLength(1_000_000);
    const m = attrsMessage(`{"blob":"${'a'.repeat(1_000_000)}"`);
    expect(m).toContain('is not valid JSON');
    expect(m.length).toBeLessThan(600);
  });
});

describe('tags', () => {
  test.each([null, '', '  ', '\u3000', '\ufeff'])('%j -> []', (raw) => {
    expect(tags(raw)).toEqual([]);
  });

  test('text each, drop nulls and blanks, dedupe, sort', () => {
    expect(tags('["b","a","b"," a ","",null,"  ","\\u3000"]')).toEqual(['a', 'b']);
    expect(tags('[]')).toEqual([]);
    expect(tags('[null]')).toEqual([]);
  });

  test('duplicates after normalisation are merged', () => {
    expect(tags('["ｔａｇ","tag"," tag ","TAG"]')).toEqual(['TAG', 'tag']);
  });

  test('numbers become String(n) and merge with equal strings', () => {
    expect(tags('[1, 2.5, 1e21, -0, 1, "1", 0.1, 1.0, 100]')).toEqual(['0', '0.1', '1', '100', '1e+21', '2.5']);
  });

  test('sorting uses UTF-16 code units', () => {
    expect(tags(JSON.stringify(['\uffff', '😀', 'é', 'b', 'B', '10', '9']))).toEqual([
      '10',
      '9',
      'B',
      'b',
      'é',
      '😀',
      '\uffff',
    ]);
  });

  test('4-byte characters, NUL and SQL-looking text are kept', () => {
    expect(tags(JSON.stringify(['𠀀', 'a\u0000b', "x'; DROP TABLE t; --"]))).toEqual([
      'a\u0000b',
      "x'; DROP TABLE t; --",
      '𠀀',
    ]);
  });

  test('a leading byte-order mark around the document is ignored', () => {
    expect(tags('\ufeff["a"]')).toEqual(['a']);
  });

  test.each(['[1e400]', '[-1e400]'])('a number too large for a double is INVALID_TAGS: %j', (raw) => {
    expect(tagsMessage(raw)).toContain('too large for a double');
  });

  test.each(['[{"a":1}]', '[[1]]', '[true]', '["a",false]', '[{}]'])('element of another type: %j', (raw) => {
    expect(tagsMessage(raw)).toContain('only strings, numbers and null are allowed');
  });

  test.each([
    ['{}', 'an object'],
    ['"a"', 'a string'],
    ['1', 'a number'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ])('not an array: %j', (raw, what) => {
    expect(tagsMessage(raw)).toContain(`is not a JSON array (it is ${what})`);
  });

  test.each(['["a",', "['a']", '[a]', '["a",]'])('invalid JSON: %j', (raw) => {
    expect(tagsMessage(raw)).toContain('is not valid JSON');
  });

  test('an unpaired surrogate is rejected', () => {
    expect(tagsMessage('["\\ud800"]')).toContain('unpaired UTF-16 surrogate');
    expect(tags('["\\ud83d\\ude00"]')).toEqual(['😀']);
  });

  test('10,000-deep nesting is rejected cleanly', () => {
    expect(tagsMessage(nested(10_000))).toContain('only strings, numbers and null are allowed');
  });

  test('in the row: INVALID_TAGS names the field', () => {
    const r = reject({ tags: '{"a":1}' });
    expect([r.reason, r.field]).toEqual(['INVALID_TAGS', 'tags']);
  });
});

describe('order of reasons: the first failing field in table order decides', () => {
  const broken: RawProductFields = {
    brand_code: null,
    sku: null,
    name: null,
    category: 'c'.repeat(200),
    price: 'N/A',
    status: 'weird',
    attributes: '[',
    tags: '{',
  };
  const fixes: Array<[Partial<RawProductFields>, RejectReason, string]> = [
    [{}, 'MISSING_BRAND_CODE', 'brand_code'],
    [{ brand_code: 'b' }, 'MISSING_SKU', 'sku'],
    [{ sku: 's' }, 'MISSING_NAME', 'name'],
    [{ name: 'n' }, 'FIELD_TOO_LONG', 'category'],
    [{ category: 'c' }, 'INVALID_PRICE', 'price'],
    [{ price: '1' }, 'INVALID_STATUS', 'status'],
    [{ status: 'on' }, 'INVALID_ATTRIBUTES', 'attributes'],
    [{ attributes: '{}' }, 'INVALID_TAGS', 'tags'],
  ];

  test('fixing fields one by one reveals the next reason each time', () => {
    let current: RawProductFields = { ...broken };
    for (const [fix, reason, field] of fixes) {
      current = { ...current, ...fix };
      const r = normalizeProduct(current);
      expect(r.ok ? 'ok' : [r.reason, r.field]).toEqual([reason, field]);
    }
    const done = normalizeProduct({ ...current, tags: '[]' });
    expect(done.ok).toBe(true);
  });

  test('a too-long brand_code beats a missing sku', () => {
    const r = reject({ brand_code: 'b'.repeat(33), sku: null });
    expect([r.reason, r.field]).toEqual(['FIELD_TOO_LONG', 'brand_code']);
  });

  test('a too-long sku beats a too-long name (same reason, first field named)', () => {
    const r = reject({ sku: 's'.repeat(65), name: 'n'.repeat(256) });
    expect([r.reason, r.field]).toEqual(['FIELD_TOO_LONG', 'sku']);
    expect(r.message.startsWith('sku ')).toBe(true);
  });

  test('invalid status beats invalid attributes, which beat invalid tags', () => {
    expect(reject({ status: 'x', attributes: '[', tags: '{' }).reason).toBe('INVALID_STATUS');
    expect(reject({ attributes: `{"a":${nested(10_000)}}`, tags: '{' }).reason).toBe('INVALID_ATTRIBUTES');
  });
});

describe('messages', () => {
  test('name the field and quote the offending raw value', () => {
    expect(reject({ brand_code: '  ' }).message).toBe('brand_code is missing (got "  ")');
    expect(reject({ sku: null }).message).toBe('sku is missing (got null)');
    expect(reject({ name: 'n'.repeat(256) }).message).toBe(
      `name ${JSON.stringify('n'.repeat(80))}… (256 code points) is too long: 256 code points after normalisation, at most 255`,
    );
    expect(reject({ status: 'weird' }).message).toContain('status "weird" is not one of');
    expect(reject({ attributes: '[1]' }).message).toBe('attributes "[1]" is not a JSON object (it is an array)');
    expect(reject({ tags: '[true]' }).message).toBe(
      'tags "[true]" has element [0] that is a boolean (only strings, numbers and null are allowed)',
    );
  });

  test('stay on one line and bounded even for hostile values', () => {
    const hostile = 'x\n'.repeat(500_000);
    for (const r of [reject({ status: hostile }), reject({ attributes: hostile }), reject({ tags: hostile })]) {
      expect(r.message).not.toContain('\n');
      expect(r.message.length).toBeLessThan(600);
    }
  });
});

describe('scanJsonStructure', () => {
  test.each<[string, number, ReturnType<typeof scanJsonStructure>]>([
    ['{}', 1, { kind: 'ok' }],
    ['[]', 1, { kind: 'ok' }],
    ['[[]]', 1, { kind: 'too-deep' }],
    ['[[]]', 2, { kind: 'ok' }],
    ['{"a":"[[[[["}', 1, { kind: 'ok' }],
    ['{"a":1,"b":2,"a":3}', 100, { kind: 'duplicate-key', key: 'a' }],
    ['{"a":["a","a"]}', 100, { kind: 'ok' }],
    ['{"a":{"b":1},"b":2}', 100, { kind: 'ok' }],
    ['{"\\"":1,"\\u0022":2}', 100, { kind: 'duplicate-key', key: '"' }],
    ['"no containers"', 1, { kind: 'ok' }],
  ])('%j with max %i', (json, max, expected) => {
    expect(scanJsonStructure(json, max)).toEqual(expected);
  });
});

describe('normalizeCategory: the already-joined fast path gives what splitting and joining gives', () => {
  /** The rule as written in the spec: text(), split on '/', trim, drop empty parts, join with '/'. */
  function byTheRule(raw: string): string | null {
    const t = raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (t === '') return null;
    const joined = t.split('/').map((p) => p.trim()).filter((p) => p !== '').join('/');
    return joined === '' ? null : joined;
  }

  test('every string of up to 5 characters over a small alphabet', () => {
    const ALPHABET = ['a', '/', ' ', '鞋', '\u3000', '／', '\t'];
    let strings = [''];
    for (let len = 1; len <= 5; len++) {
      strings = strings.flatMap((s) => (s.length === len - 1 ? [s, ...ALPHABET.map((c) => s + c)] : [s]));
    }
    for (const raw of strings) {
      const r = normalizeCategory(raw);
      expect([raw, r.ok && r.value]).toEqual([raw, byTheRule(raw)]);
    }
  });
});
