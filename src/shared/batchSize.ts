/**
 * How many staging rows one batch may read. One rule for the workflow's input and update validator, the activity and
 * the command line, so they all refuse the same values with the same words. Pure: workflow code imports it too.
 */
export const DEFAULT_BATCH_SIZE = 1000;
export const MIN_BATCH_SIZE = 1;
export const MAX_BATCH_SIZE = 10_000;

export function batchSizeProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_BATCH_SIZE || value > MAX_BATCH_SIZE) {
    return `batch size must be a whole number from ${MIN_BATCH_SIZE} to ${MAX_BATCH_SIZE} (got ${JSON.stringify(value)})`;
  }
  return undefined;
}
