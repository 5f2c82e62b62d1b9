import { ApplicationFailure } from '@temporalio/common';
import { FailureType, RetryableFailureType } from '../shared/failureTypes';
import { STAGING_TABLE } from '../db/tables';

export { FailureType, RetryableFailureType };

/** mysql2's message, without a code, for a statement sent on a connection that had already died. */
const CLOSED_CONNECTION = /connection is in closed state/i;
const LOST_CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ER_CONNECTION_KILLED', 'ER_NET_PACKET_TOO_LARGE']);

/**
 * Errors that mean the server could not be reached at all (down, restarting, overloaded). They are retried for as
 * long as it takes, so a run rides out maintenance; every other error counts towards the batch's attempt bound.
 */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS']);

/** The driver's error: objection wraps it (`nativeError`), knex and mysql2 do not. */
function driverError(err: unknown): DriverError & { name?: string } {
  return ((err as { nativeError?: DriverError })?.nativeError ?? err) as DriverError & { name?: string };
}

export function isOutage(err: unknown): boolean {
  const native = driverError(err);
  return OUTAGE_CODES.has(native?.code ?? '') || native?.name === 'KnexTimeoutError';
}

const NON_RETRYABLE_SQL: Record<string, { type: string; hint: string }> = {
  ER_NO_SUCH_TABLE: { type: FailureType.SchemaMissing, hint: `Run \`npx product-etl migrate\`; ${STAGING_TABLE} must exist (the DBA owns it).` },
  ER_BAD_FIELD_ERROR: { type: FailureType.SchemaMissing, hint: 'The schema is older than the code: run `npx product-etl migrate`.' },
  ER_TABLEACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_COLUMNACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_DBACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_ACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Check the user and password in DATABASE_URL.' },
};

interface DriverError {
  code?: string;
  sqlMessage?: string;
  message?: string;
}

/**
 * Database errors as activity failures. Errors that retrying cannot fix (a missing table, a missing grant) become
 * non-retryable failures with a message that says what to do; other driver errors (lost connection, deadlock, a
 * restarting server) stay retryable.
 *
 * Either way the failure is rebuilt from the driver's code and its own message, never passed on as it came: knex
 * prefixes the message with the whole SQL statement, values included, and failures are stored in workflow history,
 * which must never hold row contents. objection wraps driver errors, so the code is read from `nativeError` too.
 * No connection settings are in any of it, so no password can leak either.
 */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const native = driverError(err);
  const code = native?.code ?? (CLOSED_CONNECTION.test(String(native?.message)) ? 'CONNECTION_CLOSED' : undefined);
  if (!code) return err;
  if (code === 'PRODUCT_ETL_UNSAFE_SESSION') {
    return ApplicationFailure.create({ type: FailureType.UnsafeConnection, message: String(native.message), nonRetryable: true });
  }
  if (code === 'PRODUCT_ETL_STATEMENT_TOO_LARGE') {
    return ApplicationFailure.create({
      type: FailureType.StatementTooLarge,
      message: `${native.message} Raise the server's max_allowed_packet (SET GLOBAL max_allowed_packet = 67108864, and in its config), then run the sync again.`,
      nonRetryable: true,
    });
  }
  if (LOST_CONNECTION_CODES.has(code)) {
    // Retried on a new connection: the pool drops a connection that died (knex's validateConnection).
    return ApplicationFailure.create({ type: RetryableFailureType.ConnectionLost, message: `The connection to MySQL was lost (${code}); the batch rolled back and is retried on a new connection.`, nonRetryable: false });
  }
  // knex appends the driver's message after " - "; the part before it is the SQL.
  const driverMessage = native.sqlMessage ?? String(native.message ?? '').split(' - ').pop() ?? '';
  const known = NON_RETRYABLE_SQL[code];
  if (known) {
    return ApplicationFailure.create({ type: known.type, message: `${driverMessage} (${code}). ${known.hint}`, nonRetryable: true });
  }
  return ApplicationFailure.create({ type: RetryableFailureType.DatabaseError, message: `${driverMessage} (${code})`, nonRetryable: false });
}
