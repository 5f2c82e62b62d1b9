import type { Knex } from 'knex';
import { select } from './sql/execute';
import { statementLimit } from './sql/multiRowInsert';

/**
 * What every connection the project opens must be before it sends a data statement.
 *
 * The sync's statements are built by hand (src/db/sql/literal.ts) and escape `\`, `'` and NUL with a backslash. That
 * is a complete escaping only when (1) the server reads the bytes as UTF-8, where no byte of a multibyte character is
 * 0x5C or 0x27, and (2) sql_mode has no NO_BACKSLASH_ESCAPES. Under gbk, big5 or sjis a character's last byte can be
 * 0x5C, so a hostile value can eat the escaping backslash and close the string: SQL injection. The handshake's
 * charset is not enough (a server started with --skip-character-set-client-handshake ignores it, an init_connect or
 * a proxy may change it), so the session is set explicitly and then read back.
 */
export const SESSION_COLLATION = 'utf8mb4_bin';

export const SQL_MODE = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

/** Sent in this order on every new connection. */
export const SESSION_SETUP: readonly string[] = [
  `SET NAMES utf8mb4 COLLATE ${SESSION_COLLATION}`,
  // UTC for CURRENT_TIMESTAMP columns, and strict mode so a value that does not fit is an error, not a truncation.
  `SET time_zone = '+00:00', sql_mode = '${SQL_MODE}'`,
];

export const SESSION_CHECK =
  'SELECT @@character_set_client AS character_set_client, @@character_set_connection AS character_set_connection, ' +
  '@@character_set_results AS character_set_results, @@sql_mode AS sql_mode, @@max_allowed_packet AS max_allowed_packet';

export interface SessionState {
  character_set_client: string | null;
  character_set_connection: string | null;
  character_set_results: string | null;
  sql_mode: string | null;
  max_allowed_packet: string | number;
}

/** The connection's session is not one the hand-built statements are safe on; the message says what to change. */
export class UnsafeSessionError extends Error {
  readonly code = 'PRODUCT_ETL_UNSAFE_SESSION';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeSessionError';
  }
}

const CHARSET_VARIABLES = ['character_set_client', 'character_set_connection', 'character_set_results'] as const;

/** Why this session is unsafe, or undefined when it is safe. Pure, so every rule is unit-tested. */
export function sessionProblem(state: SessionState): UnsafeSessionError | undefined {
  for (const variable of CHARSET_VARIABLES) {
    const value = state[variable];
    if (value !== 'utf8mb4') {
      return new UnsafeSessionError(
        variable,
        `The MySQL session's ${variable} is ${value ?? 'NULL'} after SET NAMES utf8mb4, not utf8mb4: something between ` +
          `the sync and the server (an init_connect, a proxy) changes it, and the sync's SQL escaping is only safe on ` +
          `utf8mb4. Nothing was written. Remove what sets ${variable} for the sync's user (for example the server's ` +
          `init_connect, or the proxy's character set setting), then run the sync again.`,
      );
    }
  }
  const modes = String(state.sql_mode ?? '').split(',');
  if (modes.includes('NO_BACKSLASH_ESCAPES')) {
    return new UnsafeSessionError(
      'sql_mode',
      `The MySQL session's sql_mode includes NO_BACKSLASH_ESCAPES after the sync set it; the sync's SQL escaping uses ` +
        `backslashes. Nothing was written. Remove what changes sql_mode for the sync's user (init_connect, a proxy), ` +
        `then run the sync again.`,
    );
  }
  return undefined;
}

/** Minimal shape of a mysql2 callback connection, as knex's pool hands it to afterCreate. */
export interface CallbackConnection {
  query(sql: string, cb: (err: Error | null, rows?: unknown) => void): void;
}

function query(conn: CallbackConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, (err, rows) => (err ? reject(err) : resolve(rows))));
}

/** Sets the session up and reads it back; rejects with UnsafeSessionError when it is not what was set. */
export async function prepareSession(conn: CallbackConnection): Promise<SessionState> {
  for (const sql of SESSION_SETUP) await query(conn, sql);
  const [state] = (await query(conn, SESSION_CHECK)) as SessionState[];
  const problem = sessionProblem(state);
  if (problem) throw problem;
  return state;
}

/**
 * The most bytes of SQL one statement may have on this connection. Read per transaction, not once per process:
 * max_allowed_packet is fixed for a session at connect time, and a DBA's SET GLOBAL changes it for new connections.
 */
export async function readStatementLimit(db: Knex | Knex.Transaction): Promise<number> {
  const [row] = await select<{ m: string | number }>(db, 'SELECT @@max_allowed_packet AS m');
  return statementLimit(Number(row.m));
}
