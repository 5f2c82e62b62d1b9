import { createHash } from 'node:crypto';
import type { RejectEntry } from '../../src/domain/applyPlan';
import type { StagingRow } from '../../src/domain/types';
import { REJECT_HEAD, REJECT_TAIL, rejectStatements, rejectTuple, TRUNCATED_KEY } from '../../src/db/stores/rejectStore';
import { StatementTooLargeError } from '../../src/db/sql/multiRowInsert';

// The statement around the tuples: its head, and the tail that skips a reject already recorded.
const HEAD_BYTES = 'INSERT INTO product_etl_reject (staging_id, brand_code, sku, reason_code, field, message, raw_row, src_updated_at, workflow_id, run_id) VALUES '.length +
  ' ON DUPLICATE KEY UPDATE id = id'.length;
const run = { workflowId: 'wf-1', temporalRunId: '00000000-0000-0000-0000-000000000000' };

function entry(attributes: string, extra: Partial<StagingRow> = {}): RejectEntry {
  const raw_row: StagingRow = { id: '7', brand_code: 'B', sku: 'S', name: 'n', category: null, price: '1', status: 'active', attributes, tags: null, src_updated_at: '2026-01-01 00:00:00.000000', ...extra };
  return { staging_id: '7', brand_code: 'B', sku: 'S', reason_code: 'INVALID_ATTRIBUTES', field: 'attributes', message: 'attributes is not valid JSON', raw_row, src_updated_at: raw_row.src_updated_at };
}

/** The raw_row JSON inside a rendered tuple: the 7th literal, unescaped. */
function rawRowOf(tuple: string): Record<string, unknown> {
  const literals = [...tuple.matchAll(/'((?:[^'\\]|\\.)*)'/gs)].map((m) => m[1].replace(/\\0/g, '\0').replace(/\\(.)/gs, '$1'));
  return JSON.parse(literals[5]);
}

// Every kind of character the cost model distinguishes: quote, backslash, apostrophe, control, 2/3/4-byte, lone surrogates.
const ALPHABET = ['a', '"', '\\', "'", '\n', '\u0001', 'é', '中', '😀', '\ud800', '\udc00', ' '];
function mixed(n: number, seed: number): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += ALPHABET[x % ALPHABET.length];
  }
  return s;
}

describe('rejectTuple', () => {
  it('keeps a reject whole when it fits', () => {
    const r = entry('{"a":1');
    expect(rawRowOf(rejectTuple(r, run, 10_000))).toEqual(r.raw_row);
  });

  it.each([1, 2, 3, 4, 5, 6])('cuts the long field to the longest prefix that fits, and says what it cut (seed %i)', (seed) => {
    const value = mixed(5000, seed);
    const r = entry(value);
    for (const limit of [1500, 4000, 9000, 16_000, 40_000]) {
      const t = rejectTuple(r, run, limit);
      expect(HEAD_BYTES + Buffer.byteLength(t)).toBeLessThanOrEqual(limit);
      const raw = rawRowOf(t);
      const kept = raw.attributes as string;
      if (kept === value) {
        expect(raw[TRUNCATED_KEY]).toBeUndefined();
        continue;
      }
      expect(value.startsWith(kept)).toBe(true);
      expect(raw[TRUNCATED_KEY]).toEqual({ attributes: { chars: value.length, utf8_bytes: Buffer.byteLength(value), sha256: createHash('sha256').update(value).digest('hex') } });
      expect(raw.id).toBe('7');
      // Maximal: one more character (or surrogate pair) would not fit.
      const step = /[\ud800-\udbff]/.test(value[kept.length]) && /[\udc00-\udfff]/.test(value[kept.length + 1] ?? '') ? 2 : 1;
      const longer = entry(value.slice(0, kept.length + step));
      const tLonger = rejectTuple({ ...longer, raw_row: { ...longer.raw_row } }, run, 1e9);
      const withCutMarker = tLonger.replace(/\}'(,'2026)/, `,"${TRUNCATED_KEY}":${JSON.stringify(raw[TRUNCATED_KEY])}}'$1`);
      expect(HEAD_BYTES + Buffer.byteLength(withCutMarker)).toBeGreaterThan(limit);
    }
  });

  it('cuts the next longest field too when cutting the longest is not enough, and fails clearly when nothing fits', () => {
    const r = entry('x'.repeat(3000), { name: 'y'.repeat(200), tags: 'z'.repeat(250) });
    const t = rejectTuple(r, run, 1000);
    expect(HEAD_BYTES + Buffer.byteLength(t)).toBeLessThanOrEqual(1000);
    expect(Object.keys(rawRowOf(t)[TRUNCATED_KEY] as object).sort()).toEqual(expect.arrayContaining(['attributes', 'tags']));
    expect(() => rejectTuple(r, run, 300)).toThrow(StatementTooLargeError);
  });
});

describe('rejectStatements writes what rejectTuple renders', () => {
  // The bytes of the string path: the tuples joined into one statement.
  const byStrings = (rejects: RejectEntry[], limit: number) =>
    Buffer.from(REJECT_HEAD + rejects.map((r) => rejectTuple(r, run, limit)).join(',') + REJECT_TAIL, 'utf8');

  it('rows that fit, written straight into bytes, with every kind of character', () => {
    const rejects = Array.from({ length: 40 }, (_, i) => entry(mixed(50 + i * 13, i + 1), { name: mixed(i, 99 + i), category: i % 2 ? mixed(5, i) : null }));
    rejects.push({ ...entry('{}'), brand_code: null, sku: null, message: "it's \\ bad \0" });
    const statements = rejectStatements(rejects, run, 1_000_000);
    expect(statements).toHaveLength(1);
    expect(statements[0].equals(byStrings(rejects, 1_000_000))).toBe(true);
  });

  it('a row that may not fit is cut by rejectTuple, beside rows written directly', () => {
    const limit = 4_000;
    const rejects = [entry('{"a":1}'), entry(mixed(3_000, 5)), entry('[]')];
    const statements = rejectStatements(rejects, run, limit);
    // The cut row fills its statement to the limit, so each row is a statement of its own.
    expect(statements.map(String)).toEqual(rejects.map((r) => REJECT_HEAD + rejectTuple(r, run, limit) + REJECT_TAIL));
    for (const s of statements) expect(s.length).toBeLessThanOrEqual(limit);
    expect(rawRowOf(rejectTuple(rejects[1], run, limit))[TRUNCATED_KEY]).toBeDefined();
  });
});
