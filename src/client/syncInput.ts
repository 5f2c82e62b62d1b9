import { ConfigError } from '../errors';
import { parseDurationSeconds } from '../shared/duration';
import { MAX_BATCH_SIZE, MAX_PARTITIONS, MIN_BATCH_SIZE, MIN_PARTITIONS, ProductSyncInput } from '../workflows/definitions';
import { wholeNumber } from './wholeNumber';

/** The run options as typed on the command line, shared by `sync` and `schedule create|update`. */
export interface SyncFlags {
  /** The plan's name of the batch size; --batch-size is the same, under its clear name. */
  limit?: string;
  batchSize?: string;
  /** undefined: the workflow's default (resume from the watermark). */
  resume?: boolean;
  dryRun?: boolean;
  lookback?: string;
  /** K: partitions per window (docs/scaling.md); undefined: 1. */
  partitions?: string;
}

/**
 * Scheduled runs re-read this far behind the watermark unless --lookback says otherwise. Nobody watches a scheduled
 * run, so a row that an upstream transaction stamped with an old src_updated_at and committed after the previous run
 * had passed that time would be missed silently; 15 minutes covers ordinary long transactions, and re-reading rows
 * already applied writes nothing to products or the change log (see docs/input-and-access.md).
 */
export const DEFAULT_SCHEDULED_LOOKBACK = '15m';

/** The workflow input for these flags, refusing what the workflow would refuse later, with the flag's name. */
export function syncInputFromFlags(flags: SyncFlags): ProductSyncInput {
  const input: ProductSyncInput = {};
  const limit = wholeNumber('limit', flags.limit, MIN_BATCH_SIZE, MAX_BATCH_SIZE);
  const batchSize = wholeNumber('batch-size', flags.batchSize, MIN_BATCH_SIZE, MAX_BATCH_SIZE);
  if (limit !== undefined && batchSize !== undefined && limit !== batchSize) {
    throw new ConfigError(`--limit ${flags.limit} and --batch-size ${flags.batchSize} contradict each other: they are the same setting.`, 'Give one of them.');
  }
  if ((batchSize ?? limit) !== undefined) input.batchSize = batchSize ?? limit;
  const partitions = wholeNumber('partitions', flags.partitions, MIN_PARTITIONS, MAX_PARTITIONS);
  if (partitions !== undefined) input.partitions = partitions;
  if (flags.resume !== undefined) input.resume = flags.resume;
  if (flags.dryRun) input.dryRun = true;
  if (flags.lookback !== undefined) {
    try {
      parseDurationSeconds(flags.lookback);
    } catch (err) {
      throw new ConfigError(`--lookback: ${(err as Error).message}`);
    }
    input.lookback = flags.lookback;
  }
  return input;
}

/**
 * The input of each scheduled run: the `sync` flags, plus the default lookback when --lookback is not given.
 * A --no-resume schedule re-reads everything anyway, so it gets no lookback it would ignore.
 */
export function scheduledInputFromFlags(flags: SyncFlags): ProductSyncInput {
  const input = syncInputFromFlags(flags);
  if (input.lookback === undefined && input.resume !== false) input.lookback = DEFAULT_SCHEDULED_LOOKBACK;
  return input;
}
