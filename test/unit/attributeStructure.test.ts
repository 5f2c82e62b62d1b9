/**
 * Repeated keys and nesting depth in an attributes document are found by two passes: countJsonKeys (no allocation,
 * every document) and scanJsonStructure (a Set per object, only when the key counts differ, the document is too deep
 * or the walk finds a problem). These tests hold the pair to the rule of scanning first: a document the scan finds a
 * problem in is rejected with that problem, whatever else is wrong with it, and the walk's own problems and results
 * are what they were.
 */
import { countJsonKeys, MAX_ATTRIBUTES_DEPTH, normalizeAttributes, normalizeAttributesJson, scanJsonStructure } from '../../src/domain/normalizer';
import { stableStringify } from '../../src/domain/stableJson';
import { quoteExcerpt } from '../../src/domain/text';

describe('countJsonKeys', () => {
  test.each<[string, number, number]>([
    ['{}', 1, 0],
    ['[]', 1, 0],
    ['[[]]', 1, -1],
    ['[[]]', 2, 0],
    ['{"a":"[[[[["}', 1, 1],
    ['{"a":1,"b":2,"a":3}', 100, 3],
    ['{"a":["a","a"]}', 100, 1],
    ['{"a":{"b":1},"b":2}', 100, 3],
    ['{"\\"":1,"\\u0022":2}', 100, 2],
    ['{"a":[{"b":1,"c":[{"d":2}]},"e"],"f":"g,\\"h\\":1"}', 100, 5],
    ['"no containers"', 1, 0],
  ])('%j with max %i', (json, max, expected) => {
    expect(countJsonKeys(json, max)).toBe(expected);
  });

  test('agrees with scanJsonStructure on the depth limit, from 90 to 110 levels', () => {
    for (let depth = 90; depth <= 110; depth++) {
      const doc = `{"a":${'{"b":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;
      expect(countJsonKeys(doc, MAX_ATTRIBUTES_DEPTH) < 0).toBe(scanJsonStructure(doc, MAX_ATTRIBUTES_DEPTH).kind === 'too-deep');
    }
  });
});

/** The answer of scanning before walking: the scan's problem if it finds one, else whatever the walk gives. */
function scanFirst(raw: string): { message: string } | undefined {
  const scan = scanJsonStructure(raw.trim(), MAX_ATTRIBUTES_DEPTH);
  if (scan.kind === 'too-deep') return { message: `attributes ${quoteExcerpt(raw)} is nested more than ${MAX_ATTRIBUTES_DEPTH} levels deep (MySQL's JSON depth limit)` };
  if (scan.kind === 'duplicate-key') return { message: `attributes ${quoteExcerpt(raw)} has the key ${quoteExcerpt(scan.key)} twice in one object` };
  return undefined;
}

function expectScanFirst(raw: string): void {
  JSON.parse(raw); // only documents JSON.parse accepts reach the scans
  const structure = scanFirst(raw);
  const reference = normalizeAttributes(raw);
  const fast = normalizeAttributesJson(raw);
  if (structure) {
    expect(reference).toEqual({ ok: false, reason: 'INVALID_ATTRIBUTES', message: structure.message });
    expect(fast).toEqual({ ok: false, reason: 'INVALID_ATTRIBUTES', message: structure.message });
  } else {
    expect(fast).toEqual(reference.ok ? { ok: true, value: stableStringify(reference.value) } : reference);
  }
}

describe('a structure problem comes first, as when the scan ran before the walk', () => {
  const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
  test.each([
    ['a repeat after a blank key', '{" ":1,"a":1,"a":2}'],
    ['a repeat after a key collision', '{"ａ":1,"a":2,"b":1,"b":2}'],
    ['a repeat after an unpaired surrogate', '{"s":"\\ud800","b":1,"b":2}'],
    ['a repeat after a number too large', '{"n":1e400,"b":1,"b":2}'],
    ['a repeat whose first value is dropped', '{"a":null,"a":1}'],
    ['a repeat whose both values are dropped', '{"a":null,"a":" "}'],
    ['a repeat before nesting too deep', `{"a":1,"a":2,"d":${deep(120)}}`],
    ['nesting too deep before a repeat', `{"d":${deep(120)},"a":1,"a":2}`],
    ['a repeat inside an object that Object.keys orders after others', '{"b":{"x":1,"x":2},"1":{"y":1}}'],
    ['a repeat in an object inside an array', '{"l":[1,{"k":1},{"k":1,"k":2}]}'],
    ['__proto__ twice', '{"__proto__":1,"__proto__":2}'],
    ['__proto__ once', '{"__proto__":{"x":1},"a":1}'],
    ['a collision only, no repeat', '{"ａ":1,"a":2}'],
    ['integer-like keys, no repeat', '{"b":1,"2":2,"1":{"1":1,"0":0}}'],
  ])('%s', (_, raw) => expectScanFirst(raw));
});

describe('generated documents with repeats, collisions, dropped members and deep nesting', () => {
  // A fixed pseudo-random sequence, so a failure can be reproduced.
  let state = 987654321;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const KEYS = ['a', 'b', 'ａ', ' a', '', '\u3000', '1', '10', '__proto__', 'k', 'ｋ', '\\u0061', '\\ud800'];
  const SCALARS = ['1', '-0', '1e400', 'null', 'true', '" x "', '"  "', '"\\ud800"', '"ｘ"', '"黑色"'];

  function value(depth: number): string {
    const r = next();
    if (depth > 0 && r < 0.25) return object(depth - 1);
    if (depth > 0 && r < 0.35) return `[${Array.from({ length: Math.floor(next() * 4) }, () => value(depth - 1)).join(',')}]`;
    if (r < 0.37) return `${'['.repeat(105)}1${']'.repeat(105)}`;
    return pick(SCALARS);
  }

  function object(depth: number): string {
    const n = Math.floor(next() * 6);
    return `{${Array.from({ length: n }, () => `"${pick(KEYS)}":${value(depth)}`).join(',')}}`;
  }

  test('5,000 documents, each answered as scanning first would answer it', () => {
    let repeats = 0;
    let tooDeep = 0;
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const raw = object(3);
      const scan = scanJsonStructure(raw, MAX_ATTRIBUTES_DEPTH);
      if (scan.kind === 'duplicate-key') repeats++;
      if (scan.kind === 'too-deep') tooDeep++;
      expectScanFirst(raw);
      if (normalizeAttributesJson(raw).ok) accepted++;
    }
    // The generator must reach every branch for the test to mean anything.
    expect(repeats).toBeGreaterThan(500);
    expect(tooDeep).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(500);
  });

  test('a document that fails deep inside its walk leaves nothing behind for the next one', () => {
    const failing = '{"a":{"b":{"c":[{"d":1,"ｄ":2}]}},"z":1}';
    expect(normalizeAttributesJson(failing).ok).toBe(false);
    expect(normalizeAttributesJson('{"y":{"b":2,"a":1},"x":[{"d":1}]}')).toEqual({ ok: true, value: '{"x":[{"d":1}],"y":{"a":1,"b":2}}' });
  });

  test('an object of 100,000 keys, then a small one', () => {
    const huge = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const r = normalizeAttributesJson(huge);
    expect(r.ok && r.value.length).toBeGreaterThan(1_000_000);
    expect(normalizeAttributesJson('{"b":1,"a":{"c":null,"b":[1]}}')).toEqual({ ok: true, value: '{"a":{"b":[1]},"b":1}' });
  });
});
