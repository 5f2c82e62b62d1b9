import { stableStringify } from '../../src/domain/stableJson';
import type { JsonValue } from '../../src/domain/types';

describe('stableStringify', () => {
  test('matches a hand-written expected string (keys sorted at every level, no white space)', () => {
    const value: JsonValue = { b: 1, a: [3, { d: null, c: 'x' }], '': true, z: { y: { x: false } } };
    expect(stableStringify(value)).toBe('{"":true,"a":[3,{"c":"x","d":null}],"b":1,"z":{"y":{"x":false}}}');
  });

  test.each<[JsonValue, string]>([
    [null, 'null'],
    [true, 'true'],
    [false, 'false'],
    [0, '0'],
    [-0, '0'],
    [1.5, '1.5'],
    [-12, '-12'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [12345678901234567890, '12345678901234567000'],
    ['str', '"str"'],
    [{}, '{}'],
    [[], '[]'],
    [[[], {}], '[[],{}]'],
  ])('%j -> %s', (value, expected) => {
    expect(stableStringify(value)).toBe(expected);
  });

  test('equals JSON.stringify for inputs whose keys are already sorted', () => {
    const inputs: JsonValue[] = [
      { a: 1, b: [1, 'two', null, true], c: { d: 'é中😀', e: -0.5 } },
      [{ a: { b: { c: [] } } }, 'x', 3.14159],
      { A: 1, B: 2, a: 3, b: 4 },
      'plain',
    ];
    for (const v of inputs) expect(stableStringify(v)).toBe(JSON.stringify(v));
  });

  test('sorts keys by UTF-16 code units, not code points and not numerically', () => {
    const value: JsonValue = { '\uffff': 1, '😀': 2, é: 3, b: 4, B: 5, '10': 6, '9': 7, '2': 8 };
    // '😀' starts with 0xD83D, which sorts before 0xFFFF although its code point (0x1F600) is larger.
    expect(stableStringify(value)).toBe('{"10":6,"2":8,"9":7,"B":5,"b":4,"é":3,"😀":2,"\uffff":1}');
  });

  test('is independent of key insertion order', () => {
    const a: JsonValue = { x: 1, y: { p: [1, 2], q: 'v' } };
    const b: JsonValue = { y: { q: 'v', p: [1, 2] }, x: 1 };
    expect(stableStringify(a)).toBe(stableStringify(b));
  });

  test('keeps array order', () => {
    expect(stableStringify([3, 1, 2])).toBe('[3,1,2]');
  });

  const trickyStrings = [
    '\u2028',
    '\u2029',
    '"quoted" \\ backslash / slash',
    '\b\f\n\r\t',
    '\ud800',
    '\udfff',
    'a\ud800b',
    '\udc00\ud800',
    '😀',
    'é中文',
    '\u007f\u0080\u009f',
    '\ufeff',
    ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  ];

  test.each(trickyStrings.map((s) => [s]))('escapes %j exactly as JSON.stringify, as value and as key', (s) => {
    expect(stableStringify(s)).toBe(JSON.stringify(s));
    expect(stableStringify({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
  });

  test('hand-written escapes: control characters, lone surrogates, non-ASCII as itself', () => {
    expect(stableStringify('\u0000\u001f')).toBe('"\\u0000\\u001f"');
    expect(stableStringify('\ud800')).toBe('"\\ud800"');
    expect(stableStringify('\n')).toBe('"\\n"');
    expect(stableStringify('é😀')).toBe('"é😀"');
    expect(stableStringify('\u2028')).toBe('"\u2028"');
  });

  test('a "__proto__" own key is serialised like any other key', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as JsonValue;
    expect(stableStringify(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  test('round-trips through JSON.parse', () => {
    const value: JsonValue = { z: [1, { b: 'é', a: null }], a: { '': [true, false, -1.25e-10] } };
    expect(JSON.parse(stableStringify(value))).toEqual(value);
  });

  test('handles 100-level nesting (the normaliser maximum)', () => {
    let v: JsonValue = 1;
    for (let i = 0; i < 100; i++) v = i % 2 === 0 ? [v] : { k: v };
    expect(stableStringify(v)).toBe(JSON.stringify(v));
  });

  test('does not overflow the stack on 100,000-level nesting', () => {
    const depth = 100_000;
    let arr: JsonValue = [];
    for (let i = 0; i < depth; i++) arr = [arr];
    expect(stableStringify(arr)).toBe('['.repeat(depth + 1) + ']'.repeat(depth + 1));
    let obj: JsonValue = {};
    for (let i = 0; i < depth; i++) obj = { a: obj };
    expect(stableStringify(obj)).toBe('{"a":'.repeat(depth) + '{}' + '}'.repeat(depth));
  });

  test('refuses non-finite numbers instead of writing null', () => {
    expect(() => stableStringify(Infinity)).toThrow(RangeError);
    expect(() => stableStringify({ a: [NaN] })).toThrow(RangeError);
  });

  test('refuses values that are not JSON', () => {
    expect(() => stableStringify({ a: undefined } as unknown as JsonValue)).toThrow(TypeError);
    expect(() => stableStringify([undefined] as unknown as JsonValue)).toThrow(TypeError);
    expect(() => stableStringify((() => 1) as unknown as JsonValue)).toThrow(TypeError);
    expect(() => stableStringify(1n as unknown as JsonValue)).toThrow(TypeError);
  });

  test('does not mutate its input', () => {
    const value: JsonValue = { b: [2, 1], a: { d: 1, c: 2 } };
    const before = JSON.stringify(value);
    stableStringify(value);
    expect(JSON.stringify(value)).toBe(before);
  });
});
