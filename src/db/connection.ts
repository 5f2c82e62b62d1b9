import knexFactory, { Knex } from 'knex';
import { DatabaseUnavailableError } from '../errors';
import { DatabaseSettings, describeDatabase } from './databaseUrl';
import { CallbackConnection, prepareSession, UnsafeSessionError } from './session';

/**
 * One knex instance per process. DATETIME(6) values come back as strings ('dateStrings') because a JS Date keeps
 * milliseconds only and the cursor needs microseconds; BIGINTs come back as strings for the same reason.
 */
export function createKnex(settings: DatabaseSettings, options: { database?: boolean; poolMax?: number } = {}): Knex {
  const useDatabase = options.database ?? true;
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: useDatabase ? settings.database : undefined,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      connectTimeout: 10_000,
    },
    pool: {
      min: 0,
      max: options.poolMax ?? 4,
      // Every new connection is made safe for the hand-built statements before the pool hands it out (src/db/session.ts):
      // a connection whose session cannot be made utf8mb4 is never used, so nothing is written through it.
      afterCreate(conn: CallbackConnection, done: (err: Error | null, c: unknown) => void) {
        prepareSession(conn).then(() => done(null, conn), (err: Error) => done(err, conn));
      },
    },
    acquireConnectionTimeout: 15_000,
  });
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN']);

/** Turns a driver error into a message that names host, port and what to do, without the password. */
export function explainConnectionError(err: unknown, settings: DatabaseSettings): Error {
  const code = (err as { code?: string })?.code ?? '';
  const where = `${settings.host}:${settings.port}`;
  if (UNREACHABLE_CODES.has(code) || /Knex: Timeout acquiring a connection/.test(String((err as Error)?.message))) {
    return new DatabaseUnavailableError(
      `Cannot reach MySQL at ${where} (${code || 'timeout'}).`,
      `Start MySQL/MariaDB there, or point DATABASE_URL at a running server (now ${describeDatabase(settings)}).`,
      { cause: err },
    );
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return new DatabaseUnavailableError(
      `MySQL at ${where} refused user "${settings.user}" (${code}).`,
      'Check the user and password in DATABASE_URL, and the grants described in docs/operations.md.',
      { cause: err },
    );
  }
  if (err instanceof UnsafeSessionError) {
    return new DatabaseUnavailableError(`MySQL at ${where}: ${err.message}`, undefined, { cause: err });
  }
  if (code === 'ER_BAD_DB_ERROR') {
    return new DatabaseUnavailableError(
      `Database "${settings.database}" does not exist on ${where}.`,
      'Run `npx product-etl migrate` to create it.',
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Runs a trivial query so a bad URL fails fast with a clear message instead of deep inside a batch. */
export async function checkConnection(knex: Knex, settings: DatabaseSettings): Promise<void> {
  try {
    await knex.raw('SELECT 1');
  } catch (err) {
    throw explainConnectionError(err, settings);
  }
}

/** CREATE DATABASE IF NOT EXISTS, with the collation the keys need (utf8mb4_bin: equal only when the strings are). */
export async function ensureDatabase(settings: DatabaseSettings): Promise<void> {
  const admin = createKnex(settings, { database: false, poolMax: 1 });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [settings.database]);
  } catch (err) {
    throw explainConnectionError(err, settings);
  } finally {
    await admin.destroy();
  }
}

export async function dropDatabase(settings: DatabaseSettings): Promise<void> {
  const admin = createKnex(settings, { database: false, poolMax: 1 });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [settings.database]);
  } finally {
    await admin.destroy();
  }
}
