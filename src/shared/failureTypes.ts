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
} as const;

export const NON_RETRYABLE_FAILURE_TYPES: readonly string[] = Object.values(FailureType);
