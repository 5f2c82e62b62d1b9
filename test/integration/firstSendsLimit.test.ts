/**
 * Every single-row read through an objection model sends LIMIT 1. Objection's `first()` fetches all matching rows
 * unless the model says otherwise (src/db/models/BaseModel.ts): on staging, "the newest row" read the whole table at
 * the start of every run, a 250 MB spike in the worker's heap at 1M rows (docs/operations.md, Worker memory).
 * Checked on the statements MariaDB receives, and by how many rows come back to the driver.
 */
import { stagingRepository } from '../../src/db/stores/stagingRepository';
import { START_CURSOR } from '../../src/domain/cursor';
import { createTestDatabase, insertStaging, TestDatabase } from '../support/testDatabase';

let db: TestDatabase;
const sent: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('first', { migrate: true, staging: true });
  await insertStaging(
    db.knex,
    Array.from({ length: 500 }, (_, i) => ({
      id: i + 1,
      brand_code: 'B',
      sku: `S${i}`,
      name: 'n',
      status: 'active',
      src_updated_at: `2026-01-01 00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000000`,
    })),
  );
  db.knex.on('query', (q: { sql: string }) => sent.push(q.sql));
});

afterAll(async () => {
  await db.drop();
});

beforeEach(() => {
  sent.length = 0;
});

/** Rows the server has sent on this session, by MariaDB's own count (its own SHOW STATUS rows are not counted). */
async function sessionRowsSent(trx: TestDatabase['knex']): Promise<number> {
  const [rows] = (await trx.raw("SHOW SESSION STATUS LIKE 'Rows_sent'")) as [Array<{ Value: string }>];
  return Number(rows[0].Value);
}

/** What `read` returned, and how many rows MariaDB sent for it. */
async function measured<T>(read: (trx: TestDatabase['knex']) => Promise<T>): Promise<{ value: T; rowsSent: number }> {
  return db.knex.transaction(async (trx) => {
    const before = await sessionRowsSent(trx);
    const value = await read(trx);
    return { value, rowsSent: (await sessionRowsSent(trx)) - before };
  });
}

it('lastCursor reads one row, not the table', async () => {
  const { value, rowsSent } = await measured((trx) => stagingRepository.lastCursor(trx));
  expect(value).toEqual({ at: '2026-01-01 00:08:19.000000', id: '500' });
  expect(rowsSent).toBe(1);
  const reads = sent.filter((s) => s.includes('products_staging'));
  expect(reads.length).toBeGreaterThan(0);
  for (const sql of reads) expect(sql).toMatch(/\blimit\b/i);
});

it('windowEnd reads one row to find the n-th, not everything after it', async () => {
  const { value, rowsSent } = await measured((trx) => stagingRepository.windowEnd(trx, START_CURSOR, { at: '2026-12-31 00:00:00.000000', id: '0' }, 100));
  expect(value).toEqual({ to: { at: '2026-01-01 00:01:39.000000', id: '100' }, rows: 100 });
  expect(rowsSent).toBe(1);
});
