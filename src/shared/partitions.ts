/**
 * How many partitions (K) one window is split into (docs/scaling.md). One rule for the workflow's input and update
 * validator, the activities and the command line. Pure: workflow code imports it too.
 */
export const MIN_PARTITIONS = 1;
export const MAX_PARTITIONS = 32;
export const DEFAULT_PARTITIONS = 1;

export function partitionsProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PARTITIONS || value > MAX_PARTITIONS) {
    return `partitions must be a whole number from ${MIN_PARTITIONS} to ${MAX_PARTITIONS} (got ${JSON.stringify(value)})`;
  }
  return undefined;
}

