import type { Knex } from 'knex';

/**
 * Runs `body` in the transaction with autocommit off, and ends the transaction itself. Why: InnoDB resolves a deadlock
 * by rolling back the victim's whole transaction, and the statements already queued behind the failed one on the
 * connection (the writes are pipelined) would then run with autocommit on, each committed on its own: products
 * written with no change log, no fence (seen in test). With autocommit off they run in a new implicit transaction,
 * which the ROLLBACK here undoes once they have all settled. On success `SET autocommit = 1` commits (MySQL commits
 * an open transaction when autocommit is switched on), and knex's COMMIT after it has nothing left to do; either way
 * the connection goes back to the pool with autocommit on.
 */
export async function inOwnTransaction<T>(trx: Knex.Transaction, body: () => Promise<T>): Promise<T> {
  await trx.raw('SET autocommit = 0');
  let result: T;
  try {
    result = await body();
  } catch (err) {
    await trx.raw('ROLLBACK').catch(() => undefined);
    await trx.raw('SET autocommit = 1').catch(() => undefined);
    throw err;
  }
  await trx.raw('SET autocommit = 1');
  return result;
}
