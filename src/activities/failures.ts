import { ApplicationFailure } from '@temporalio/common';

/** Failure types that a workflow or a person can tell apart in the UI. */
export const FailureType = {
  SyncAlreadyRunning: 'SyncAlreadyRunning',
  WatermarkMoved: 'WatermarkMoved',
  SchemaMissing: 'SchemaMissing',
  AccessDenied: 'AccessDenied',
  InvalidInput: 'InvalidInput',
} as const;

const NON_RETRYABLE_SQL: Record<string, { type: string; hint: string }> = {
  ER_NO_SUCH_TABLE: { type: FailureType.SchemaMissing, hint: 'Run `npx product-etl migrate`; products_staging must exist (the DBA owns it).' },
  ER_BAD_FIELD_ERROR: { type: FailureType.SchemaMissing, hint: 'The schema is older than the code: run `npx product-etl migrate`.' },
  ER_TABLEACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_COLUMNACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_DBACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Grant the sync user the privileges listed in docs/operations.md.' },
  ER_ACCESS_DENIED_ERROR: { type: FailureType.AccessDenied, hint: 'Check the user and password in DATABASE_URL.' },
};

/**
 * Errors that retrying cannot fix (a missing table, a missing grant) become non-retryable failures with a message
 * that says what to do; everything else (lost connection, deadlock, server restart) is rethrown to be retried.
 * The driver's message is kept, the cause too, but never the connection settings (no password can leak).
 */
export function classifyDatabaseError(err: unknown): unknown {
  const code = (err as { code?: string })?.code;
  const known = code ? NON_RETRYABLE_SQL[code] : undefined;
  if (!known) return err;
  const sqlMessage = (err as { sqlMessage?: string }).sqlMessage ?? (err as Error).message;
  return ApplicationFailure.create({
    type: known.type,
    message: `${sqlMessage} (${code}). ${known.hint}`,
    nonRetryable: true,
    cause: err instanceof Error ? err : undefined,
  });
}
