import { TypedSearchAttributes } from '@temporalio/common';
import { ETL_MODE, ETL_PIPELINE, PIPELINE_NAME } from '../temporal/searchAttributes';
import { DEFAULT_BATCH_SIZE, ProductSyncInput } from '../workflows/definitions';

/*
 * What the UI and visibility show for a run, derived from its input alone, so a run started by `sync`, by a schedule
 * or by the fault harness reads the same.
 */

export function modeOf(input: ProductSyncInput): string {
  return input.dryRun ? 'dry-run' : input.resume === false ? 'full-resync' : 'sync';
}

/** The one-line summary the UI shows for a run, e.g. `products sync · batch 1000 · dry-run`. */
export function staticSummaryOf(input: ProductSyncInput): string {
  const parts = [`products sync`, `batch ${input.batchSize ?? DEFAULT_BATCH_SIZE}`];
  if (input.dryRun) parts.push('dry-run');
  if (input.resume === false) parts.push('no-resume (re-apply all)');
  if (input.lookback !== undefined) parts.push(`lookback ${input.lookback}`);
  return parts.join(' · ');
}

export function searchAttributesOf(input: ProductSyncInput): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: ETL_PIPELINE, value: PIPELINE_NAME },
    { key: ETL_MODE, value: modeOf(input) },
  ]);
}
