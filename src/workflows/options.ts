import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../shared/failureTypes';
import { parseDurationSeconds } from '../shared/duration';
import { batchSizeProblem, DEFAULT_BATCH_SIZE, DEFAULT_PARTITIONS, partitionsProblem, ProductSyncInput } from './definitions';

const DEFAULT_MAX_BATCHES_PER_RUN = 2000;

/** The input as the run uses it: checked once when the run starts, then carried across continue-as-new. */
export interface RunOptions {
  batchSize: number;
  resume: boolean;
  dryRun: boolean;
  lookbackSeconds: number;
  maxBatchesPerRun: number;
  /** K: partitions per window (docs/scaling.md). Absent in runs started before partitioned windows: 1. */
  partitions?: number;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.InvalidInput, message: `Invalid workflow input: ${message}`, nonRetryable: true });
}

/** People type the input in the UI, so a mistake fails the run at once with a message that says what to fix. */
export function parseOptions(input: ProductSyncInput | null | undefined): RunOptions {
  const i = input ?? {};
  if (typeof i !== 'object' || Array.isArray(i)) throw invalid('expected an object like {"batchSize": 1000, "resume": true, "dryRun": false}');
  const known = ['batchSize', 'resume', 'dryRun', 'lookback', 'maxBatchesPerRun', 'partitions'];
  const unknown = Object.keys(i).filter((k) => !known.includes(k));
  if (unknown.length) throw invalid(`unknown field(s) ${unknown.join(', ')}; known fields are ${known.join(', ')}`);
  const batchSize = i.batchSize ?? DEFAULT_BATCH_SIZE;
  const problem = batchSizeProblem(batchSize);
  if (problem) throw invalid(problem);
  for (const flag of ['resume', 'dryRun'] as const) {
    if (i[flag] !== undefined && typeof i[flag] !== 'boolean') throw invalid(`${flag} must be true or false (got ${JSON.stringify(i[flag])})`);
  }
  let lookbackSeconds = 0;
  if (i.lookback !== undefined) {
    try {
      lookbackSeconds = parseDurationSeconds(i.lookback);
    } catch (err) {
      throw invalid(`lookback: ${(err as Error).message}`);
    }
  }
  const maxBatchesPerRun = i.maxBatchesPerRun ?? DEFAULT_MAX_BATCHES_PER_RUN;
  if (!Number.isInteger(maxBatchesPerRun) || maxBatchesPerRun < 1) throw invalid(`maxBatchesPerRun must be a positive whole number (got ${JSON.stringify(maxBatchesPerRun)})`);
  const options: RunOptions = { batchSize, resume: i.resume ?? true, dryRun: i.dryRun ?? false, lookbackSeconds, maxBatchesPerRun };
  if (i.partitions !== undefined) {
    const refused = partitionsProblem(i.partitions);
    if (refused) throw invalid(refused);
    // Only when given: the options of a run without it stay as they were, field for field.
    if (i.partitions !== DEFAULT_PARTITIONS) options.partitions = i.partitions;
  }
  return options;
}
