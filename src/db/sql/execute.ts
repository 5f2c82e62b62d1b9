import type { Knex } from 'knex';

/** The OK packet mysql2 returns for INSERT/UPDATE/DELETE. */
export interface WriteResult {
  affectedRows: number;
  insertId: number;
}

/**
 * A statement's text, or its UTF-8 bytes (the multi-row statements, src/db/sql/rowWriter.ts). mysql2 takes either:
 * without values it passes `sql` unchanged to its COM_QUERY packet, which is `Buffer.from(sql, 'utf8')` of it, a copy
 * for bytes. Its typings say string; test/integration/transactionSend.test.ts holds the bytes path to the server.
 */
export type StatementText = string | Buffer;

interface DriverQuery {
  sql: StatementText;
  values?: readonly unknown[];
  rowsAsArray?: boolean;
}

/** The part of a mysql2 callback connection these helpers use. */
interface DriverConnection {
  __knexUid?: string;
  __knexTxId?: string;
  query(options: DriverQuery, cb: (err: Error | null, result?: unknown) => void): void;
}

/** What a knex transaction offers beyond Knex.Transaction's public type: the one connection it runs on. */
interface TransactionClient {
  acquireConnection(): Promise<DriverConnection>;
}

const connections = new WeakMap<Knex.Transaction, Promise<DriverConnection>>();

/**
 * Runs a statement of a transaction on the transaction's mysql2 connection, without knex's query runner.
 *
 * Why: these are the batch's multi-row statements of up to megabytes, and knex spends CPU on each that does nothing for
 * them. Its debug hook alone runs `sql.replace(/%/g, '%%')` over the whole text (and copies it when a value holds a
 * `%`) whether or not debugging is on; then come its binding positioning, a query id and the runner's promise chain.
 * That was about 5 ms of CPU per 1000-row batch (docs/benchmarks.md, 2026-12-03).
 *
 * knex's 'query' event is still emitted, so observers of the queries see these too.
 *
 * Safe because it keeps knex's one rule for transaction queries: nothing is sent once the transaction is completed.
 * knex marks it completed synchronously as it queues COMMIT or ROLLBACK on the same connection, so a statement
 * checked here either is queued before that COMMIT/ROLLBACK (and is part of the transaction) or is refused; it never
 * reaches a connection the pool has handed to someone else. Errors are mysql2's own (code, sqlMessage), which
 * failures.ts classifies as before, and, unlike knex's, their message does not carry the SQL and its row values.
 */
function onTransaction<T>(trx: Knex.Transaction, options: DriverQuery): Promise<T> {
  let connection = connections.get(trx);
  if (!connection) {
    connection = (trx.client as unknown as TransactionClient).acquireConnection();
    connections.set(trx, connection);
  }
  return connection.then(
    (conn) =>
      new Promise<T>((resolve, reject) => {
        if (trx.isCompleted()) throw new Error('The transaction has already ended (committed or rolled back); the statement was not sent.');
        // knex's 'query' event, as its runner emits it (the transaction's client passes it on to the knex instance),
        // so whoever observes the queries (logging, tests measuring statement sizes) still sees these. The text of a
        // statement sent as bytes is decoded only if an observer reads it.
        const sql = options.sql;
        trx.client.emit('query', {
          method: 'raw', get sql() { return textOf(sql); }, bindings: options.values ?? [], __knexUid: conn.__knexUid, __knexTxId: conn.__knexTxId,
        });
        conn.query(options, (err, result) => (err ? reject(err) : resolve(result as T)));
      }),
  );
}

const textOf = (sql: StatementText): string => (typeof sql === 'string' ? sql : sql.toString('utf8'));

const isTransaction = (db: Knex | Knex.Transaction): db is Knex.Transaction => (db as { isTransaction?: boolean }).isTransaction === true;

/**
 * Sends a statement now and returns its promise. On one connection (a transaction) mysql2 queues statements in the
 * order they were sent, so a caller can send the next statement, or build it, while the server runs this one.
 */
export function send(db: Knex | Knex.Transaction, sql: StatementText): Promise<WriteResult> {
  if (isTransaction(db)) return onTransaction<WriteResult>(db, { sql });
  return Promise.resolve(db.raw(textOf(sql))).then((r) => (r as unknown as [WriteResult])[0]);
}

export function select<T>(db: Knex | Knex.Transaction, sql: string): Promise<T[]> {
  if (isTransaction(db)) return onTransaction<T[]>(db, { sql });
  return Promise.resolve(db.raw(sql)).then((r) => (r as unknown as [T[]])[0]);
}

/**
 * select(), with each row as an array of its columns' values in the SELECT's order (mysql2's `rowsAsArray`), and `?`
 * placeholders filled from `values` by the driver (the staging reads pass their cursors so). Without values the SQL
 * goes as it is: hand-built statements may hold a `?` inside a literal.
 */
export function selectArrays<T extends unknown[]>(db: Knex | Knex.Transaction, sql: string, values: readonly unknown[] = []): Promise<T[]> {
  if (isTransaction(db)) return onTransaction<T[]>(db, values.length ? { sql, values, rowsAsArray: true } : { sql, rowsAsArray: true });
  const query = values.length ? db.raw(sql, values as Knex.RawBinding[]) : db.raw(sql);
  return Promise.resolve(query.options({ rowsAsArray: true })).then((r) => (r as unknown as [T[]])[0]);
}
