import {
  BAD_ROW_KINDS,
  DEFAULT_START_AT,
  GeneratedStagingRow,
  Rng,
  generateStagingRows,
  generateStagingRowsArray,
  mulberry32,
} from '../../src/demo/stagingGenerator';
import { normalizeProduct } from '../../src/domain/normalizer';
import { codePointLength, normalizeText } from '../../src/domain/text';
import type { RejectReason } from '../../src/domain/types';

const ALL_REASONS: readonly RejectReason[] = [
  'MISSING_BRAND_CODE',
  'MISSING_SKU',
  'MISSING_NAME',
  'FIELD_TOO_LONG',
  'INVALID_PRICE',
  'INVALID_STATUS',
  'INVALID_ATTRIBUTES',
  'INVALID_TAGS',
];

/** The staging DDL's VARCHAR sizes (characters = code points): a longer value would fail a strict-mode insert. */
const COLUMN_LIMITS = { brand_code: 32, sku: 64, name: 255, category: 128, price: 32, status: 16 } as const;

const DATETIME6 = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

/** Tags JSON with two elements that are equal after text(), which the normaliser must de-duplicate. */
function tagsWithDuplicates(tags: string | null): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(tags ?? '');
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  const texts = parsed.filter((t): t is string => typeof t === 'string').map((t) => normalizeText(t));
  return new Set(texts).size < texts.length;
}

// One shared sample: 5,000 rows with the default seed, as the brief's coverage claims are about.
const sample = generateStagingRowsArray({ rows: 5000 });

describe('mulberry32', () => {
  it('is deterministic and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(9_990);
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});

describe('generateStagingRows', () => {
  it('gives the same rows for the same options, and different rows for another seed', () => {
    const again = generateStagingRowsArray({ rows: 5000 });
    expect(again).toEqual(sample);
    const other = generateStagingRowsArray({ rows: 200, seed: 7 });
    expect(other).toEqual(generateStagingRowsArray({ rows: 200, seed: 7 }));
    expect(other).not.toEqual(sample.slice(0, 200));
  });

  it('yields exactly the requested number of rows, lazily', () => {
    expect(sample).toHaveLength(5000);
    expect(generateStagingRowsArray({ rows: 0 })).toEqual([]);
    expect(generateStagingRowsArray({ rows: 1 })).toHaveLength(1);
    // A billion rows: only the ten taken are ever built. (keySpace as the sample's, rows/3, so the rows match.)
    const it = generateStagingRows({ rows: 1_000_000_000, keySpace: Math.floor(5000 / 3) });
    const first: GeneratedStagingRow[] = [];
    for (const row of it) {
      first.push(row);
      if (first.length === 10) break;
    }
    expect(first).toEqual(sample.slice(0, 10));
  });

  it('refuses bad options when called, not at the first row', () => {
    expect(() => generateStagingRows({ rows: -1 })).toThrow(/rows/);
    expect(() => generateStagingRows({ rows: 1.5 })).toThrow(/rows/);
    expect(() => generateStagingRows({ rows: 10, keySpace: 0 })).toThrow(/keySpace/);
    expect(() => generateStagingRows({ rows: 10, startAt: '2026-01-01T00:00:00Z' })).toThrow(/startAt/);
    expect(() => generateStagingRows({ rows: 10, startAt: '2026-02-30 00:00:00.000000' })).toThrow(/startAt/);
    expect(() => generateStagingRowsArray({ rows: 10_000_000 })).toThrow(/generateStagingRows/);
  });

  it('writes well-formed, non-decreasing DATETIME(6) values starting at startAt', () => {
    expect(sample[0]?.src_updated_at).toBe(DEFAULT_START_AT);
    const ats = sample.map((r) => r.src_updated_at);
    expect(ats.filter((at) => !DATETIME6.test(at))).toEqual([]);
    expect(ats.filter((at, i) => i > 0 && at < (ats[i - 1] as string))).toEqual([]);
    const shifted = generateStagingRowsArray({ rows: 3, startAt: '2030-06-15 23:59:59.999999' });
    expect(shifted[0]?.src_updated_at).toBe('2030-06-15 23:59:59.999999');
    expect(shifted.every((r) => DATETIME6.test(r.src_updated_at))).toBe(true);
    expect(generateStagingRowsArray({ rows: 1, startAt: '2030-06-15 08:00:00' })[0]?.src_updated_at).toBe(
      '2030-06-15 08:00:00.000000',
    );
    // Before 1970 the arithmetic runs on negative microseconds; DATETIME starts at year 1000.
    for (const startAt of ['1000-01-01 00:00:00.000000', '1969-12-31 23:59:59.999990']) {
      const early = generateStagingRowsArray({ rows: 200, startAt }).map((r) => r.src_updated_at);
      expect(early[0]).toBe(startAt);
      expect(early.filter((at, i) => !DATETIME6.test(at) || (i > 0 && at < (early[i - 1] as string)))).toEqual([]);
    }
    expect(generateStagingRowsArray({ rows: 2000 }).some((r) => r.src_updated_at.startsWith('2026-01-01 00:00:01'))).toBe(true);
  });

  it('puts many rows on one src_updated_at (bursts) and uses microsecond digits', () => {
    const perInstant = new Map<string, number>();
    for (const r of sample) perInstant.set(r.src_updated_at, (perInstant.get(r.src_updated_at) ?? 0) + 1);
    const counts = [...perInstant.values()];
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(5);
    expect(counts.filter((n) => n >= 5).length).toBeGreaterThan(10);
    expect(sample.some((r) => !r.src_updated_at.endsWith('000'))).toBe(true);
  });

  it('fits every value in its staging column, so strict-mode inserts never fail', () => {
    const tooLong: string[] = [];
    for (const r of sample) {
      for (const [column, max] of Object.entries(COLUMN_LIMITS)) {
        const value = r[column as keyof typeof COLUMN_LIMITS];
        if (value !== null && codePointLength(value) > max) tooLong.push(`${column}: ${value}`);
      }
    }
    expect(tooLong).toEqual([]);
  });

  it('rejects roughly 15% of rows, with every reason of the spec', () => {
    const reasons = new Map<RejectReason, number>();
    for (const r of sample) {
      const result = normalizeProduct(r);
      if (!result.ok) reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
    }
    const rejected = [...reasons.values()].reduce((a, b) => a + b, 0);
    expect(rejected / sample.length).toBeGreaterThan(0.1);
    expect(rejected / sample.length).toBeLessThan(0.2);
    for (const reason of ALL_REASONS) expect(reasons.get(reason) ?? 0).toBeGreaterThan(0);
  });

  it('breaks each bad-row kind in exactly the way its reason says', () => {
    expect(new Set(BAD_ROW_KINDS.map((k) => k.reason))).toEqual(new Set(ALL_REASONS));
    const valid = sample.filter((r) => normalizeProduct(r).ok).slice(0, 40);
    for (const kind of BAD_ROW_KINDS) {
      const outcomes = valid.map((base, i) => {
        const row = { ...base };
        kind.apply(new Rng(i), row);
        const result = normalizeProduct(row);
        return result.ok ? 'accepted' : result.reason;
      });
      expect({ kind: kind.name, outcomes: [...new Set(outcomes)] }).toEqual({ kind: kind.name, outcomes: [kind.reason] });
    }
  });

  it('is messy: full-width text, U+3000, many price and status forms', () => {
    const has = (pred: (r: GeneratedStagingRow) => boolean): boolean => sample.some(pred);
    expect(has((r) => /[\uFF01-\uFF5E]/.test(r.brand_code ?? ''))).toBe(true);
    expect(has((r) => /[\uFF01-\uFF5E]/.test(r.price ?? ''))).toBe(true);
    expect(has((r) => (r.name ?? '').includes('\u3000'))).toBe(true);
    expect(has((r) => /^¥\d{1,3}(,\d{3})*\.\d{2}$/.test(r.price ?? ''))).toBe(true);
    expect(has((r) => /^RMB /.test(r.price ?? ''))).toBe(true);
    expect(has((r) => /元$/.test(r.price ?? ''))).toBe(true);
    expect(has((r) => /^\d+\.\d{3}$/.test(r.price ?? ''))).toBe(true);
    for (const status of ['active', 'ON', '1', '下架', 'inactive', 'deleted', null]) {
      expect(has((r) => r.status === status)).toBe(true);
    }
    expect(has((r) => /"[\uFF01-\uFF5E]+"\s*:/.test(r.attributes ?? ''))).toBe(true); // a full-width key
    expect(has((r) => /[[,]\s*\d/.test(r.tags ?? ''))).toBe(true); // a number among the tags
    expect(has((r) => /[[,]\s*null/.test(r.tags ?? ''))).toBe(true);
    expect(has((r) => tagsWithDuplicates(r.tags))).toBe(true);
  });

  it('repeats keys, also in other case or width, so later rows update earlier products', () => {
    const rawByKey = new Map<string, Set<string>>();
    let accepted = 0;
    for (const r of sample) {
      const result = normalizeProduct(r);
      if (!result.ok) continue;
      accepted++;
      const key = `${result.product.brand_code}\u0000${result.product.sku}`;
      const raws = rawByKey.get(key) ?? new Set<string>();
      raws.add(`${r.brand_code}\u0000${r.sku}`);
      rawByKey.set(key, raws);
    }
    // keySpace defaults to rows/3, so at most 1,666 distinct keys among ~4,250 accepted rows.
    expect(rawByKey.size).toBeLessThanOrEqual(Math.floor(sample.length / 3));
    expect(rawByKey.size).toBeLessThan(accepted);
    const spelledDifferently = [...rawByKey.values()].filter((raws) => raws.size > 1).length;
    expect(spelledDifferently).toBeGreaterThan(100);
    // The same key written two ways really is the same key after text() + upper case.
    const [a, b] = [...([...rawByKey.values()].find((raws) => raws.size > 1) as Set<string>)];
    const norm = (k: string): string => k.split('\u0000').map((p) => (normalizeText(p) ?? '').toUpperCase()).join('|');
    expect(norm(a as string)).toBe(norm(b as string));
  });

  it('honours keySpace', () => {
    const rows = generateStagingRowsArray({ rows: 2000, keySpace: 5 });
    const keys = new Set<string>();
    for (const r of rows) {
      const result = normalizeProduct(r);
      if (result.ok) keys.add(`${result.product.brand_code}|${result.product.sku}`);
    }
    expect(keys.size).toBe(5);
  });
});
