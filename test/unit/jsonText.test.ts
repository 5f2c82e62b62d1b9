import { jsonText } from '../../src/domain/jsonText';

describe('jsonText is lead + JSON.stringify(s) + close, cached or not', () => {
  const SAMPLES = ['', 'a', 'color', '黑色', 'a"b', 'back\\slash', 'tab\there', '\u0000', '\u2028', '😀', 'x'.repeat(48), 'y'.repeat(49), 'z'.repeat(5000)];

  test.each(SAMPLES.map((s) => [s]))('%j, with every lead and close, twice', (s) => {
    for (const lead of ['', ','] as const) {
      for (const close of ['', ':'] as const) {
        const expected = lead + JSON.stringify(s) + close;
        expect(jsonText(s, lead, close)).toBe(expected);
        expect(jsonText(s, lead, close)).toBe(expected);
      }
    }
  });

  test('past the cache size, with the cache cleared and refilled', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        const s = `k${i}`;
        expect(jsonText(s, ',', ':')).toBe(`,"k${i}":`);
      }
    }
  });
});
