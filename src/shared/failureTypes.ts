/**
 * Failure types that a workflow or a person can tell apart in the UI. Each names a failure that retrying cannot fix
 * (the run is already held, the watermark moved under it, the schema or a grant is missing, the input is wrong); the
 * one retryable kind, a database hiccup, is left out on purpose. Pure: the activities raise these types and the
 * workflow's retry policy names them, and workflow code must not import activity code.
 */
export const FailureType = {
  SyncAlreadyRunning: 'SyncAlreadyRunning',
  WatermarkMoved: 'WatermarkMoved',
  SchemaMissing: 'SchemaMissing',
  AccessDenied: 'AccessDenied',
  InvalidInput: 'InvalidInput',
  /** The connection's character set or sql_mode is not one the hand-built statements are safe on. */
  UnsafeConnection: 'UnsafeConnection',
  /** A statement could not be made to fit max_allowed_packet. */
  StatementTooLarge: 'StatementTooLarge',
  /** The same batch failed on a database error attempt after attempt; a person has to look. */
  BatchKeepsFailing: 'BatchKeepsFailing',
} as const;

/** The failures that a retry may cure: kept out of FailureType so the retry policy never stops them. */
export const RetryableFailureType = {
  /** The connection died mid-batch (server restart, KILL, network); retried on a new connection. */
  ConnectionLost: 'ConnectionLost',
  /** Any other driver error on a reachable server (deadlock, lock wait); bounded per batch. */
  DatabaseError: 'DatabaseError',
} as const;

export const NON_RETRYABLE_FAILURE_TYPES: readonly string[] = Object.values(FailureType);
