import type { Knex } from 'knex';

/** The OK packet mysql2 returns for INSERT/UPDATE/DELETE. */
export interface WriteResult {
  affectedRows: number;
  insertId: number;
}

/**
 * Sends a statement now and returns its promise. On one connection (a transaction) mysql2 queues statements in the
 * order they were sent, so a caller can send the next statement, or build it, while the server runs this one.
 */
export function send(db: Knex | Knex.Transaction, sql: string): Promise<WriteResult> {
  return Promise.resolve(db.raw(sql)).then((r) => (r as unknown as [WriteResult])[0]);
}

export function select<T>(db: Knex | Knex.Transaction, sql: string): Promise<T[]> {
  return Promise.resolve(db.raw(sql)).then((r) => (r as unknown as [T[]])[0]);
}
