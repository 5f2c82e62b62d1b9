import { codePointLength, isAlreadyNormal, normalizeText, quoteExcerpt, truncateCodePoints } from '../../src/domain/text';

describe('normalizeText', () => {
  test.each([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['spaces', '   '],
    ['tabs and newlines', '\t\n\r\f\v'],
    ['ideographic spaces', '\u3000\u3000'],
    ['no-break space', '\u00a0'],
    ['line/paragraph separators', '\u2028\u2029'],
    ['byte-order mark alone', '\ufeff'],
  ])('%s -> null', (_label, input) => {
    expect(normalizeText(input)).toBeNull();
  });

  test.each([
    ['plain', 'abc', 'abc'],
    ['trim', '  abc  ', 'abc'],
    ['collapses runs of mixed white space', 'a \t\n\r  b', 'a b'],
    ['U+3000 ideographic space inside', 'a\u3000\u3000b', 'a b'],
    ['U+3000 around', '\u3000a\u3000', 'a'],
    ['full-width letters and digits (NFKC)', 'ＡＢＣ１２３', 'ABC123'],
    ['full-width punctuation (NFKC)', '１，２９９．００', '1,299.00'],
    ['full-width yen sign becomes yen sign', '￥', '¥'],
    ['ligature (NFKC)', 'ﬁne', 'fine'],
    ['circled digit (NFKC)', '①', '1'],
    ['half-width katakana (NFKC)', 'ｶﾀｶﾅ', 'カタカナ'],
    ['combining sequence composes', 'e\u0301', 'é'],
    ['leading byte-order mark is removed (U+FEFF is \\s in JS)', '\ufeffabc', 'abc'],
    ['inner byte-order mark becomes one space', 'a\ufeffb', 'a b'],
    ['NUL is not white space and is kept', 'a\u0000b', 'a\u0000b'],
    ['zero-width space is not \\s and is kept', 'a\u200bb', 'a\u200bb'],
    ['NEL U+0085 is not \\s in JS and is kept', 'a\u0085b', 'a\u0085b'],
    ['emoji are kept', ' 😀  👍🏽 ', '😀 👍🏽'],
    ['4-byte CJK extension B', '𠀀𠀁', '𠀀𠀁'],
    ['SQL-looking text is just text', "Robert'); DROP TABLE products;--", "Robert'); DROP TABLE products;--"],
    ['lone surrogate passes through', 'a\ud800', 'a\ud800'],
  ])('%s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  test('NFKC happens before white-space collapsing (U+3000 next to a space is one run)', () => {
    expect(normalizeText('a \u3000 b')).toBe('a b');
  });

  test('is idempotent', () => {
    const samples = ['  Ａ\u3000b  ', 'ﬁ\t\tx', 'e\u0301\ufeff', '😀 \n 😀', '１２３'];
    for (const s of samples) {
      const once = normalizeText(s);
      expect(normalizeText(once)).toBe(once);
    }
  });
});

describe('codePointLength', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['中文', 2],
    ['😀', 1],
    ['😀'.repeat(32), 32],
    ['𠀀', 1],
    ['e\u0301', 2],
    ['\ud800', 1],
    ['\udc00\ud800', 2],
    ['a\ud83d', 2],
    ['\u0000', 1],
  ])('%j has %i code points', (s, n) => {
    expect(codePointLength(s)).toBe(n);
  });

  test('differs from .length for astral characters', () => {
    const s = '😀'.repeat(33);
    expect(s.length).toBe(66);
    expect(codePointLength(s)).toBe(33);
  });

  test('agrees with the string iterator on a mixed sample', () => {
    const s = 'aé中😀\ud800𠀀\udfffz👍🏽';
    expect(codePointLength(s)).toBe([...s].length);
  });
});

describe('truncateCodePoints', () => {
  test('never splits a surrogate pair', () => {
    expect(truncateCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀');
  });
  test('returns short strings unchanged', () => {
    expect(truncateCodePoints('abc', 10)).toBe('abc');
    expect(truncateCodePoints('', 0)).toBe('');
  });
});

describe('quoteExcerpt', () => {
  test('quotes short values whole, JSON-style', () => {
    expect(quoteExcerpt('N/A')).toBe('"N/A"');
    expect(quoteExcerpt('a\nb\u0000')).toBe('"a\\nb\\u0000"');
    expect(quoteExcerpt(null)).toBe('null');
  });
  test('truncates long values to 80 code points and says how long they were', () => {
    const big = '😀'.repeat(1_000_000);
    const q = quoteExcerpt(big);
    expect(q).toBe(`${JSON.stringify('😀'.repeat(80))}… (1000000 code points)`);
  });
  test('exactly 80 code points is not truncated', () => {
    expect(quoteExcerpt('x'.repeat(80))).toBe(JSON.stringify('x'.repeat(80)));
  });
});

describe('isAlreadyNormal (the fast path of text())', () => {
  const regex = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;
  it.each(['a', 'a b', 'ab cd ef', '', ' ', ' a', 'a ', 'a  b', 'a\tb', 'é', 'a\u3000b', '~!{}', 'x'.repeat(50) + ' y'])(
    'agrees with the regex it replaces on %j',
    (s) => {
      expect(isAlreadyNormal(s)).toBe(regex.test(s));
    },
  );

  it('takes megabytes without a space in linear time and no stack (the input that overflowed the regex)', () => {
    const big = '{"a":"' + '\\'.repeat(8_500_000) + '"}';
    expect(isAlreadyNormal(big)).toBe(true);
    expect(normalizeText(big)).toBe(big);
    expect(isAlreadyNormal(big + ' ')).toBe(false);
  });
});
