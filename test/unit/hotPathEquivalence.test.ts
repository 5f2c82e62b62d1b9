/**
 * The hot path's shortcuts (docs/benchmarks.md, 2026-12-03) must give exactly what the rule they shortcut gives.
 * Each is checked against the rule written plainly, over every BMP code point where that is possible.
 */
import { hasNoWhiteSpaceToFix, isBlankText, isOtherWhiteSpace, normalizeText } from '../../src/domain/text';
import { normalizeDatetime6 } from '../../src/domain/cursor';
import { PRODUCT_FIELDS } from '../../src/domain/types';
import { FETCH_BATCH_SQL, StagingTuple, tupleToRow } from '../../src/db/stores/stagingRepository';

const plainText = (x: string | null | undefined): string | null => {
  if (x === null || x === undefined) return null;
  const out = x.normalize('NFKC').replace(/\s+/g, ' ').trim();
  return out === '' ? null : out;
};

describe('white space shortcuts', () => {
  test('isOtherWhiteSpace is exactly \\s without U+0020, over the whole BMP', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const expected = c !== 0x20 && /\s/.test(String.fromCharCode(c));
      if (isOtherWhiteSpace(c) !== expected) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
  });

  test.each([
    ['a b', true],
    ['中文 名字', true],
    [' a', false],
    ['a ', false],
    ['a  b', false],
    ['a\u3000b', false],
    ['a\tb', false],
    ['', false],
    [' ', false],
  ])('hasNoWhiteSpaceToFix(%j) is %s', (s, expected) => {
    expect(hasNoWhiteSpaceToFix(s)).toBe(expected);
    if (expected) expect(s.replace(/\s+/g, ' ').trim()).toBe(s);
  });

  test('normalizeText equals the plain rule on every BMP character alone and between letters and spaces', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const s of [ch, `a${ch}b`, ` ${ch} `, `${ch}${ch}`, `中${ch}`]) {
        if (normalizeText(s) !== plainText(s)) differ.push(`${c.toString(16)} in ${JSON.stringify(s)}`);
      }
    }
    expect(differ).toEqual([]);
  });

  test('isBlankText is text() === null on every BMP character alone, after a space, and before combining marks', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const s of [ch, ` ${ch}\u3000`, `${ch}\u0301\u0338`, `\u3000${ch}${ch}`]) {
        if (isBlankText(s) !== (plainText(s) === null)) differ.push(`${c.toString(16)} in ${JSON.stringify(s)}`);
      }
    }
    expect(differ).toEqual([]);
    expect(isBlankText(null)).toBe(true);
    expect(isBlankText(undefined)).toBe(true);
    expect(isBlankText(' \ufeff\u2028 ')).toBe(true);
    expect(isBlankText('\u3000{}')).toBe(false);
  });
});

describe('staging rows read as arrays', () => {
  test('the SELECT names id, the record fields and src_updated_at, in the order tupleToRow reads them', () => {
    const columns = /^SELECT (.*?) FROM/.exec(FETCH_BATCH_SQL)![1].split(', ');
    expect(columns).toEqual(['id', ...PRODUCT_FIELDS, 'src_updated_at']);
  });

  test('tupleToRow keys each value by its column, in the table column order (a reject stores its JSON)', () => {
    const columns = ['id', ...PRODUCT_FIELDS, 'src_updated_at'];
    const values: StagingTuple = ['18446744073709551615', 'B', null, 'n', 'c', '¥1', 'ON', '{"a":1}', '[]', '2026-01-01 00:00:00.000001'];
    expect(JSON.stringify(tupleToRow(values))).toBe(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i]]))));
    expect(tupleToRow([7, null, null, null, null, null, null, null, null, '2026-01-01 00:00:00']).id).toBe('7');
  });
});

describe('normalizeDatetime6', () => {
  test.each([
    ['2026-01-01 00:00:00.000001', '2026-01-01 00:00:00.000001'],
    ['2026-01-01 00:00:00', '2026-01-01 00:00:00.000000'],
    ['2026-01-01 00:00:00.5', '2026-01-01 00:00:00.500000'],
    ['2026-01-01 00:00:00.1234567', '2026-01-01 00:00:00.123456'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeDatetime6(input)).toBe(expected);
  });
});
