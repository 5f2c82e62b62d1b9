/**
 * The products and change-log statements are written straight into bytes (src/db/sql/rowWriter.ts). These tests hold
 * those bytes to the string forms the size checks still use (productTuple, renderTail), and the writer's statement
 * splitting to its rules: every row once and in order, at most MAX_STATEMENT_ROWS rows and
 * the soft size per statement (a lone larger row excepted), never over the connection's limit, and no statement cut
 * before it had to be.
 */
import type { ChangeEntry, ProductWrite } from '../../src/domain/applyPlan';
import { normalizeProductStable } from '../../src/domain/normalizer';
import { toStoredProduct } from '../../src/domain/storedProduct';
import { generateStagingRowsArray } from '../../src/demo/stagingGenerator';
import { MAX_STATEMENT_BYTES, MAX_STATEMENT_ROWS, StatementTooLargeError } from '../../src/db/sql/multiRowInsert';
import { stringLiteral } from '../../src/db/sql/literal';
import { ByteSink, MultiRowWriter } from '../../src/db/sql/rowWriter';
import { changeLogStore, renderTail, runTail } from '../../src/db/stores/changeLogStore';
import { INSERT_HEAD, productTuple, UPDATE_HEAD, UPDATE_TAIL, upsertStatements } from '../../src/db/stores/productStore';

const text = (statements: Buffer[]) => statements.map((b) => b.toString('utf8'));

/** Rows of varied sizes and scripts: ASCII, CJK, emoji, and every character a literal escapes. */
function rowTexts(n: number, seed: number): string[] {
  const pieces = ['a', '黑色', '😀', "it's", 'back\\slash', 'nul\0', 'x'.repeat(40)];
  return Array.from({ length: n }, (_, i) => `(${i},'${pieces[(i * seed) % pieces.length].repeat(1 + ((i * 7 + seed) % 5))}')`);
}

function writeAll(head: string, rows: readonly string[], tail: string, limit: number): Buffer[] {
  const w = new MultiRowWriter(head, tail, limit);
  for (const r of rows) {
    w.beginRow();
    w.sql(r.slice(1, -1)); // the writer adds the parentheses
    w.endRow();
  }
  return w.finish();
}

describe('ByteSink.str writes what stringLiteral writes', () => {
  test.each([
    [''], ['plain'], ["'"], ['\\'], ['\0'], ["a'b\\c\0d"], ["'".repeat(1000)], ['\\'.repeat(70_000)],
    ['黑色\'s 😀 \\ \0'], ['\ud800 lone'], ['{"a":"say \\"hi\\""}'],
  ])('%j', (s) => {
    const sink = new ByteSink(4);
    sink.str(s).comma().str(s);
    expect(sink.view().equals(Buffer.from(stringLiteral(s) + ',' + stringLiteral(s), 'utf8'))).toBe(true);
  });
});

describe('MultiRowWriter splits statements by the size and row rules', () => {
  test.each([
    [10, MAX_STATEMENT_BYTES],
    [MAX_STATEMENT_ROWS, MAX_STATEMENT_BYTES],
    [MAX_STATEMENT_ROWS + 1, MAX_STATEMENT_BYTES],
    [2500, MAX_STATEMENT_BYTES],
    [300, 2000],
    [300, 700],
    [50, 120],
  ])('%i rows, limit %i', (n, limit) => {
    const head = 'INSERT INTO t (a, b) VALUES ';
    const tail = ' ON DUPLICATE KEY UPDATE b = VALUES(b)';
    const rows = rowTexts(n, n % 5 + 1).filter((r) => Buffer.byteLength(head + r + tail) <= limit);
    const statements = text(writeAll(head, rows, tail, limit));
    const soft = Math.min(MAX_STATEMENT_BYTES, limit);
    const written: string[] = [];
    statements.forEach((s, k) => {
      expect(s.startsWith(head) && s.endsWith(tail)).toBe(true);
      const body = s.slice(head.length, s.length - tail.length);
      const mine = rows.slice(written.length).filter((_, j, all) => all.slice(0, j + 1).join(',') === body.slice(0, all.slice(0, j + 1).join(',').length)).length;
      const taken = rows.slice(written.length, written.length + mine);
      expect(taken.join(',')).toBe(body);
      const bytes = Buffer.byteLength(s);
      expect(bytes).toBeLessThanOrEqual(limit);
      expect(taken.length).toBeLessThanOrEqual(MAX_STATEMENT_ROWS);
      if (taken.length > 1) expect(bytes).toBeLessThanOrEqual(soft);
      const next = rows[written.length + taken.length];
      if (k < statements.length - 1) {
        // Cut only because the next row would not fit, or the statement was full.
        expect(taken.length === MAX_STATEMENT_ROWS || bytes + 1 + Buffer.byteLength(next) > soft).toBe(true);
      }
      written.push(...taken);
    });
    expect(written).toEqual(rows);
  });

  test('a row that cannot fit even alone throws, naming the sizes', () => {
    const w = new MultiRowWriter('INSERT INTO t VALUES ', '', 100, 'A t row');
    w.beginRow();
    w.str('y'.repeat(200));
    expect(() => w.endRow()).toThrow(StatementTooLargeError);
  });

  test('a lone row larger than the soft size is sent alone, and the next writer starts small', () => {
    const big = 'z'.repeat(MAX_STATEMENT_BYTES + 10);
    const statements = writeAll('I ', ['(1)', `('${big}')`, '(2)'], '', MAX_STATEMENT_BYTES * 2);
    expect(text(statements)).toEqual(['I (1)', `I ('${big}')`, 'I (2)']);
    expect(text(writeAll('J ', ['(3)'], '', 1000))).toEqual(['J (3)']);
  });

  test('no rows, no statements', () => {
    expect(writeAll('I ', [], '', 1000)).toEqual([]);
  });
});

/** Generated products, plus hand-made ones with every nullable field null and values that need escaping. */
function productWrites(): ProductWrite[] {
  const rows = generateStagingRowsArray({ rows: 3000, seed: 7 });
  const writes: ProductWrite[] = [];
  rows.forEach((row, i) => {
    const r = normalizeProductStable(row);
    if (r.ok) writes.push({ id: i % 3 === 0 ? String(1000 + i) : undefined, product: toStoredProduct(r.product, { at: row.src_updated_at, id: String(i + 1) }) });
  });
  const odd = { brand_code: "O'NEIL", sku: 'A\\B\0C', name: '名字 😀', category: null, price: null, status: 'active', attributes: null, tags: null, data_version: null, source: null };
  writes.push({ product: odd }, { id: '7', product: { ...odd, sku: 'D' } });
  return writes;
}

describe('the products and change-log rows written as bytes equal their string forms', () => {
  test('products: updates and inserts, as productTuple renders them', () => {
    const writes = productWrites();
    const { updateStatements, insertStatements } = upsertStatements(writes, MAX_STATEMENT_BYTES);
    const tuples = (updates: boolean) => writes.filter((w) => !!w.id === updates).map(productTuple);
    const join = (head: string, rows: string[], tail: string) =>
      Array.from({ length: Math.ceil(rows.length / MAX_STATEMENT_ROWS) }, (_, k) => head + rows.slice(k * MAX_STATEMENT_ROWS, (k + 1) * MAX_STATEMENT_ROWS).join(',') + tail);
    expect(text(updateStatements)).toEqual(join(UPDATE_HEAD, tuples(true), UPDATE_TAIL));
    expect(text(insertStatements)).toEqual(join(INSERT_HEAD, tuples(false), ''));
  });

  test('change log: each rendered row, as renderTail renders it', () => {
    const run = { workflowId: "wf-'ü'", temporalRunId: 'run-1' };
    const changes: ChangeEntry[] = productWrites().slice(0, 500).map((w, i) => ({
      key: `k${i}`,
      brand_code: w.product.brand_code,
      sku: w.product.sku,
      change_type: i % 2 ? 'INSERT' : 'UPDATE',
      changed_fields: i % 2 ? ['attributes', 'brand_code'] : ['name'],
      before: i % 2 ? null : `{"name":${JSON.stringify(w.product.name)}}`,
      after: w.product.attributes ?? '{}',
      old_data_version: i % 2 ? null : 'a'.repeat(64),
      new_data_version: 'b'.repeat(64),
      staging_id: String(i + 1),
      src_updated_at: '2026-01-01 00:00:00.000001',
    }));
    const rendered = changeLogStore.render(changes, run);
    changes.forEach((c, i) => {
      const bytes = rendered.bytes.subarray(i === 0 ? 0 : rendered.ends[i - 1], rendered.ends[i]);
      expect(bytes.toString('utf8')).toBe(renderTail(c, runTail(run)).slice(0, -1));
    });
  });
});
