/**
 * The watermark lock is the batch fence, and transactions that contend for it must queue, not deadlock. Found by the
 * chaos harness on 2026-12-04: a stale attempt thawed next to the live batch failed with ER_LOCK_DEADLOCK. The lock
 * used to begin with `INSERT IGNORE` of the row, which on an existing row takes a shared lock; two transactions
 * waiting behind a third were then both granted it, and each one's `FOR UPDATE` waited for the other's shared lock.
 * A deadlock victim rolls back and is retried, so nothing was wrong in the tables, but the live batch could be the
 * victim as well as the stale one. Here: the same three transactions, on the real server, with the row there and
 * (the first batch ever) without it, where a `FOR UPDATE` before the insert would take gap locks that deadlock.
 */
import type { Knex } from 'knex';
import { watermarkStore } from '../../src/db/stores/watermarkStore';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('wmlock', { migrate: true, staging: true });
});

afterAll(async () => {
  await db.drop();
});

/** A transaction of its own, handed out open; the caller commits or rolls it back. */
const open = (): Promise<Knex.Transaction> => db.knex.transaction();

/** How many transactions wait for a lock right now (InnoDB's own view). */
async function lockWaits(): Promise<number> {
  const [rows] = (await db.knex.raw("SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")) as [Array<{ n: number }>];
  return Number(rows[0].n);
}

async function waitForLockWaits(n: number): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await lockWaits()) < n) {
    if (Date.now() > until) throw new Error(`expected ${n} transactions waiting for the watermark lock`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watermarkStore.lock', () => {
  it('creates the row on first use', async () => {
    const trx = await open();
    const w = await watermarkStore.lock(trx);
    await trx.commit();
    expect(w.cursor).toBeNull();
    const [rows] = (await db.knex.raw('SELECT COUNT(*) AS n FROM etl_watermark')) as [Array<{ n: number }>];
    expect(Number(rows[0].n)).toBe(1);
  });

  /**
   * A holder of the lock and two more transactions queued behind it: each must get the lock in turn. Whatever goes
   * wrong, no transaction is left open (an open one would hold the test database's drop forever).
   */
  async function threeContenders(): Promise<string[]> {
    const all = [await open(), await open(), await open()];
    const [holder, ...waiting] = all;
    try {
      await watermarkStore.lock(holder);
      const outcomes = waiting.map((trx) =>
        watermarkStore.lock(trx).then(
          async () => {
            // Holds the lock a moment, as a batch would, then lets the next one in.
            await new Promise((r) => setTimeout(r, 100));
            await trx.commit();
            return 'locked';
          },
          (err: { code?: string }) => err.code ?? String(err),
        ),
      );
      await waitForLockWaits(2);
      await holder.commit();
      return await Promise.all(outcomes);
    } finally {
      for (const trx of all) if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    }
  }

  it('queues two waiting transactions one after the other instead of deadlocking them', async () => {
    expect(await threeContenders()).toEqual(['locked', 'locked']);
  });

  it('does the same when the row does not exist yet (the first batch ever)', async () => {
    // TRUNCATE, not DELETE: a deleted row stays in the index, delete-marked, until InnoDB's purge removes it, and the
    // inserts then meet it or not depending on the purge's timing (one CI run on 2026-12-05 saw only one of the two
    // waiters queue). A table that never held the row is what the first batch ever finds.
    await db.knex.raw('TRUNCATE TABLE etl_watermark');
    expect(await threeContenders()).toEqual(['locked', 'locked']);
    const [rows] = (await db.knex.raw('SELECT COUNT(*) AS n FROM etl_watermark')) as [Array<{ n: number }>];
    expect(Number(rows[0].n)).toBe(1);
  });
});
