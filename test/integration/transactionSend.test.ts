/**
 * The batch's statements go to the transaction's mysql2 connection without knex's runner (src/db/sql/execute.ts).
 * These check, on the real server, that they are part of the transaction and that nothing is sent once it has ended.
 */
import type { Knex } from 'knex';
import { select, send } from '../../src/db/sql/execute';
import { stringLiteral } from '../../src/db/sql/literal';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

let db: TestDatabase;
let knex: Knex;

beforeAll(async () => {
  db = await createTestDatabase('trx_send', { migrate: false, staging: false });
  knex = db.knex;
  await knex.raw('CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
});

afterAll(async () => {
  await db.drop();
});

const ids = async () => (await knex('t').select('id').orderBy('id')).map((r: { id: number }) => r.id);

test('statements sent in a transaction commit with it, and their results are mysql2 results', async () => {
  await knex.raw('DELETE FROM t');
  const result = await knex.transaction(async (trx) => {
    const written = await send(trx, 'INSERT INTO t (id) VALUES (1),(2)');
    const [row] = await select<{ n: number }>(trx, 'SELECT COUNT(*) AS n FROM t');
    return { written, n: Number(row.n) };
  });
  expect(result.written.affectedRows).toBe(2);
  expect(result.n).toBe(2);
  expect(await ids()).toEqual([1, 2]);
});

test("knex's 'query' event still reports them, with the transaction's id", async () => {
  const seen: Array<{ sql: string; __knexTxId?: string }> = [];
  const listener = (q: { sql: string; __knexTxId?: string }) => seen.push(q);
  knex.on('query', listener);
  try {
    await knex.transaction((trx) => send(trx, 'INSERT INTO t (id) VALUES (10)'));
  } finally {
    knex.off('query', listener);
  }
  const insert = seen.find((q) => q.sql === 'INSERT INTO t (id) VALUES (10)');
  expect(insert?.__knexTxId).toBeDefined();
  expect(seen.filter((q) => q.__knexTxId === insert?.__knexTxId).map((q) => q.sql)).toEqual(['BEGIN;', 'INSERT INTO t (id) VALUES (10)', 'COMMIT;']);
});

test('a statement sent as its UTF-8 bytes (as the multi-row statements are) reaches the server byte for byte', async () => {
  await knex.raw('CREATE TABLE IF NOT EXISTS s (id INT PRIMARY KEY, v VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin) ENGINE=InnoDB');
  const value = "O'Brien \\ 中文 😀 ０ ? %s \0 end";
  const sql = `INSERT INTO s (id, v) VALUES (1, ${stringLiteral(value)})`;
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql);
  knex.on('query', listener);
  try {
    const written = await knex.transaction((trx) => send(trx, Buffer.from(sql, 'utf8')));
    expect(written.affectedRows).toBe(1);
  } finally {
    knex.off('query', listener);
  }
  const [row] = await knex('s').select('v', knex.raw('HEX(v) AS hex')).where({ id: 1 });
  expect(row.v).toBe(value);
  expect(row.hex).toBe(Buffer.from(value, 'utf8').toString('hex').toUpperCase());
  // Observers of knex's 'query' event read the statement as text.
  expect(seen).toContain(sql);
});

test('they roll back with the transaction', async () => {
  await knex.raw('DELETE FROM t');
  await expect(
    knex.transaction(async (trx) => {
      await send(trx, 'INSERT INTO t (id) VALUES (3)');
      throw new Error('stop');
    }),
  ).rejects.toThrow('stop');
  expect(await ids()).toEqual([]);
});

test('a statement sent after the transaction ended is refused and never reaches the server', async () => {
  await knex.raw('DELETE FROM t');
  let ended: Knex.Transaction | undefined;
  await knex.transaction(async (trx) => {
    await send(trx, 'INSERT INTO t (id) VALUES (4)');
    ended = trx;
  });
  await expect(send(ended as Knex.Transaction, 'INSERT INTO t (id) VALUES (5)')).rejects.toThrow(/already ended/);
  expect(await ids()).toEqual([4]);
});

test('a server error comes back with the driver code and without the statement text', async () => {
  const err = await knex.transaction((trx) => send(trx, "INSERT INTO no_such_table (id) VALUES ('secret')")).catch((e: unknown) => e);
  expect((err as { code?: string }).code).toBe('ER_NO_SUCH_TABLE');
  expect(String((err as Error).message)).not.toContain('secret');
});
