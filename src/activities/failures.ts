import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../shared/failureTypes';

export { FailureType };

const NON_RETRYABLE_SQL: Record<string, { type: string; hint: string }> = {
  ER_NO_SUCH_TABLE: { type: FailureType.SchemaMissing, hint: 'Run `npx product-etl migrate`; products_staging must exist (the DBA owns it).' },
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
  const native = ((err as { nativeError?: DriverError })?.nativeError ?? err) as DriverError;
  const code = native?.code;
  if (!code) return err;
  // knex appends the driver's message after " - "; the part before it is the SQL.
  const driverMessage = native.sqlMessage ?? String(native.message ?? '').split(' - ').pop() ?? '';
  const known = NON_RETRYABLE_SQL[code];
  if (known) {
    return ApplicationFailure.create({ type: known.type, message: `${driverMessage} (${code}). ${known.hint}`, nonRetryable: true });
  }
  return ApplicationFailure.create({ type: 'DatabaseError', message: `${driverMessage} (${code})`, nonRetryable: false });
}
