import { normalizePrice } from '../../src/domain/price';

const valueOf = (raw: string | null): string | null => {
  const r = normalizePrice(raw);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${r.message}`);
  return r.value;
};

describe('normalizePrice: accepted', () => {
  test.each<[string | null, string | null]>([
    [null, null],
    ['', null],
    ['   ', null],
    ['\u3000', null],
    ['1299', '1299.00'],
    ['1299.5', '1299.50'],
    ['1299.00', '1299.00'],
    ['¥1,299.00', '1299.00'],
    ['¥ 1,299', '1299.00'],
    ['￥1299', '1299.00'], // full-width yen: NFKC makes it '¥'
    ['１２９９', '1299.00'], // full-width digits
    ['￥１，２９９．５', '1299.50'], // full-width comma and full stop
    ['CNY1299', '1299.00'],
    ['CNY 1299', '1299.00'],
    ['cny1299', '1299.00'],
    ['Cny 1299', '1299.00'],
    ['RMB1,299.5', '1299.50'],
    ['rmb 1299元', '1299.00'],
    ['1299元', '1299.00'],
    ['1299 元', '1299.00'],
    ['¥1299元', '1299.00'],
    [' \t1299\n ', '1299.00'],
    ['\ufeff1299', '1299.00'], // a BOM is white space for text()
    ['0', '0.00'],
    ['0.0', '0.00'],
    ['0012', '12.00'],
    ['000.50', '0.50'],
    ['00000000000000000000001.5', '1.50'],
    ['1,,2', '12.00'], // every ',' is removed, wherever it is
    ['12,34', '1234.00'], // a decimal comma is read as a thousands separator, as the rule says
    ['0.005', '0.01'],
    ['0.004', '0.00'],
    ['0.0049999999', '0.00'],
    ['1.005', '1.01'],
    ['1.004', '1.00'],
    ['1.015', '1.02'],
    ['1.995', '2.00'],
    ['99.995', '100.00'],
    ['１．００５', '1.01'],
    ['9999999999.99', '9999999999.99'],
    ['9,999,999,999.99', '9999999999.99'],
    ['9999999999.994', '9999999999.99'],
    ['9999999999.9949999999', '9999999999.99'],
    ['09999999999.99', '9999999999.99'],
  ])('%j -> %j', (raw, expected) => {
    expect(valueOf(raw)).toBe(expected);
  });
});

describe('normalizePrice: rejected', () => {
  test.each<[string, 'NOT_A_NUMBER' | 'TOO_LARGE']>([
    ['N/A', 'NOT_A_NUMBER'],
    ['free', 'NOT_A_NUMBER'],
    ['-1', 'NOT_A_NUMBER'],
    ['+1', 'NOT_A_NUMBER'],
    ['1.', 'NOT_A_NUMBER'],
    ['.5', 'NOT_A_NUMBER'],
    ['1e3', 'NOT_A_NUMBER'],
    ['1.2.3', 'NOT_A_NUMBER'],
    ['1 299', 'NOT_A_NUMBER'],
    ['¥', 'NOT_A_NUMBER'],
    ['CNY', 'NOT_A_NUMBER'],
    ['元', 'NOT_A_NUMBER'],
    [',', 'NOT_A_NUMBER'],
    ['¥¥1', 'NOT_A_NUMBER'], // only one prefix is stripped
    ['RMB¥1', 'NOT_A_NUMBER'],
    ['1元元', 'NOT_A_NUMBER'], // only one suffix is stripped
    ['1299¥', 'NOT_A_NUMBER'], // '¥' only as a prefix
    ['元1299', 'NOT_A_NUMBER'], // '元' only as a suffix
    ['$1299', 'NOT_A_NUMBER'],
    ['USD 1299', 'NOT_A_NUMBER'],
    ['٣', 'NOT_A_NUMBER'], // Arabic-Indic digit: NFKC keeps it, \d is ASCII only
    ['0x10', 'NOT_A_NUMBER'],
    ['Infinity', 'NOT_A_NUMBER'],
    ["1; DROP TABLE products; --", 'NOT_A_NUMBER'],
    ['1\u00002', 'NOT_A_NUMBER'],
    ['9999999999.995', 'TOO_LARGE'],
    ['10000000000', 'TOO_LARGE'],
    ['10000000000.00', 'TOO_LARGE'],
    ['99999999999999999999999999999999', 'TOO_LARGE'],
  ])('%j -> %s', (raw, problem) => {
    const r = normalizePrice(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toBe(problem);
      expect(r.message.startsWith(`price ${JSON.stringify(raw)} `)).toBe(true);
    }
  });

  test('the message names the field and the value', () => {
    const r = normalizePrice('N/A');
    expect(r).toEqual({
      ok: false,
      problem: 'NOT_A_NUMBER',
      message: 'price "N/A" is not a number (after removing currency marks and thousands separators)',
    });
    const big = normalizePrice('9999999999.995');
    expect(!big.ok && big.message).toBe('price "9999999999.995" is greater than 9999999999.99 (after rounding to 2 decimals)');
  });

  test('the message quotes a bounded excerpt of a huge value', () => {
    const r = normalizePrice('x'.repeat(100_000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeLessThan(300);
  });
});

describe('normalizePrice: rounding agrees with integer arithmetic', () => {
  test('every thousandth from 0.000 to 100.000 rounds half up', () => {
    for (let n = 0; n <= 100_000; n++) {
      const raw = `${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}`;
      const cents = Math.floor((n + 5) / 10);
      const expected = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const got = valueOf(raw);
      if (got !== expected) throw new Error(`${raw}: expected ${expected}, got ${String(got)}`);
    }
  });

  test('is exact where a double is not', () => {
    // As doubles, 1.005 is 1.00499999999999989..., so Math.round(1.005 * 100) / 100 gives 1 instead of 1.01.
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect(valueOf('1.005')).toBe('1.01');
    expect(valueOf('8.345')).toBe('8.35');
  });
});
