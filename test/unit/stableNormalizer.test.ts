/**
 * The sync's hot path normalises attributes and tags straight to stable JSON text (normalizeProductStable) instead of
 * building the normalised objects and serialising them (normalizeProduct, then stableStringify). These tests hold the
 * two to the same result, accepted or rejected with the same reason and message, over generated messy rows, the
 * hostile corpus and inputs chosen for each branch of the one-walk writer (small and large objects and tag lists,
 * collisions, dropped members, ordering).
 */
import { normalizeAttributes, normalizeAttributesJson, normalizeProduct, normalizeProductStable, normalizeTags, normalizeTagsJson } from '../../src/domain/normalizer';
import { sortByKey, sortStrings } from '../../src/domain/sortStrings';
import { stableStringify } from '../../src/domain/stableJson';
import { stablePartsOf } from '../../src/domain/storedProduct';
import { generateStagingRowsArray } from '../../src/demo/stagingGenerator';
import type { RawProductFields } from '../../src/domain/types';
import { hostileRows } from '../support/hostileCorpus';

/** What normalizeProductStable must return for `row`: the reference, with its JSON fields serialised. */
function reference(row: RawProductFields) {
  const r = normalizeProduct(row);
  return r.ok ? { ok: true, product: stablePartsOf(r.product) } : r;
}

const manyKeys = (n: number, value: (i: number) => string) => `{${Array.from({ length: n }, (_, i) => `"k${(i * 7919) % n}":${value(i)}`).join(',')}}`;

const ATTRIBUTES: Array<string | null> = [
  null, '', '  ', '\u3000', '{}', ' {} ', '\ufeff{"a":1}', '[]', '"x"', '42', 'null', '{', '{"a":1,}',
  '{"b":1,"a":2,"c":{"z":null,"y":[3,null,"  ",{"q":" Ｑ "}]}}',
  '{"10":1,"2":2,"a":3,"B":4,"é":5,"e\u0301":6}',
  '{"ｃｏｌｏｒ":"黑","color":"白"}', '{"a":null," a ":1}', '{"a":1,"a":2}', '{"":1}', '{"\u3000":1}', '{"x":{" ":2}}',
  '{"__proto__":{"polluted":true},"constructor":1}',
  '{"n":-0,"m":1e21,"o":1e-7,"p":0.1,"q":12345678901234567890}', '{"big":1e400}', '{"neg":-1e400}',
  '{"s":"\\ud800"}', '{"\\udc00":1}', '{"ok":"\\ud83d\\ude00"}', '{"emoji😀":1,"emoji":2,"ｅ":3}',
  '{"t":true,"f":false,"z":null,"e":{},"l":[]}', '{"arr":[[],[null],[[1]],{"a":null}]}',
  `{"d":${'['.repeat(99)}1${']'.repeat(99)}}`, `{"d":${'['.repeat(100)}1${']'.repeat(100)}}`,
  manyKeys(16, (i) => String(i)), manyKeys(17, (i) => `" v${i} "`), manyKeys(40, (i) => (i % 3 ? String(i) : 'null')),
  `{${Array.from({ length: 30 }, (_, i) => `"k${i}":1`).join(',')},"k 7":2}`, `{${Array.from({ length: 30 }, (_, i) => `"k${i}":1`).join(',')},"ｋ7":2}`,
];

const TAGS: Array<string | null> = [
  null, '', '[]', '{}', '"a"', '[1', '[" b ","a","b",null,"","  ","Ａ","a"]', '[1,2,1,"1",-0,1e21]', '[1e400]', '[true]', '[[1]]',
  '["\\ud800"]', '["😀","\\ud83d\\ude00","ｚ","z"]',
  JSON.stringify(Array.from({ length: 20 }, (_, i) => `t${i % 13}`)), JSON.stringify(Array.from({ length: 60 }, (_, i) => ` t${(i * 37) % 45} `)),
];

describe('normalizeProductStable equals normalizeProduct serialised', () => {
  test('over 20,000 generated messy rows', () => {
    const rows = [1, 2, 3, 4].flatMap((seed) => generateStagingRowsArray({ rows: 5000, seed }));
    let accepted = 0;
    for (const row of rows) {
      const expected = reference(row);
      expect(normalizeProductStable(row)).toEqual(expected);
      if (expected.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(15000);
  });

  test('over the hostile corpus', () => {
    const rows = hostileRows();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const raw = { brand_code: null, sku: null, name: null, category: null, price: null, status: null, attributes: null, tags: null, ...row } as RawProductFields;
      expect(normalizeProductStable(raw)).toEqual(reference(raw));
    }
  });

  test.each(ATTRIBUTES.map((a) => [a]))('attributes %j', (raw) => {
    const expected = normalizeAttributes(raw);
    const got = normalizeAttributesJson(raw);
    expect(got).toEqual(expected.ok ? { ok: true, value: stableStringify(expected.value) } : expected);
  });

  test.each(TAGS.map((t) => [t]))('tags %j', (raw) => {
    const expected = normalizeTags(raw);
    const got = normalizeTagsJson(raw);
    expect(got).toEqual(expected.ok ? { ok: true, value: stableStringify(expected.value) } : expected);
  });

  test('tags keep the reference rule: distinct, sorted by code unit', () => {
    expect(normalizeTags('["b","a","b","Ａ","A","é","😀","\uffff"]')).toEqual({ ok: true, value: ['A', 'a', 'b', 'é', '😀', '\uffff'] });
  });
});

describe('sortStrings and sortByKey sort as the default .sort() does', () => {
  // A fixed pseudo-random sequence, so a failure can be reproduced.
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const ALPHABET = ['a', 'b', 'B', 'é', 'e\u0301', '😀', '\ud83d', '\ude00', '\uffff', ' ', '1', '10', '2', ''];
  const word = () => Array.from({ length: Math.floor(next() * 4) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');

  test('arrays of 0 to 60 strings, with repeats, on both sides of the insertion-sort cut-off', () => {
    for (let n = 0; n <= 60; n++) {
      for (let round = 0; round < 20; round++) {
        const a = Array.from({ length: n }, word);
        expect(sortStrings([...a])).toEqual([...a].sort());
      }
    }
  });

  test('keys with their values, 0 to 60 distinct keys', () => {
    for (let n = 0; n <= 60; n++) {
      const keys = [...new Set(Array.from({ length: n * 2 }, word))].slice(0, n);
      const values = keys.map((k) => `v:${k}`);
      const expected = [...keys].sort();
      sortByKey(keys, values);
      expect(keys).toEqual(expected);
      expect(values).toEqual(expected.map((k) => `v:${k}`));
    }
  });

  test('a range of the arrays, leaving what is outside it alone', () => {
    for (let n = 0; n <= 60; n++) {
      const keys = [...new Set(Array.from({ length: n * 2 }, word))].slice(0, n);
      const lo = Math.floor(next() * (n + 1));
      const hi = lo + Math.floor(next() * (n - lo + 1));
      const values = keys.map((k) => `v:${k}`);
      const expectedKeys = [...keys.slice(0, lo), ...keys.slice(lo, hi).sort(), ...keys.slice(hi)];
      sortByKey(keys, values, lo, hi);
      expect(keys).toEqual(expectedKeys);
      expect(values).toEqual(expectedKeys.map((k) => `v:${k}`));
    }
  });
});
