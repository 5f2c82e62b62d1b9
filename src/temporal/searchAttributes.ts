/**
 * Custom search attributes of the runs, so the UI can filter them:
 *   EtlPipeline = "products"           (which pipeline)
 *   EtlMode     = "sync" | "dry-run" | "full-resync"
 * Imported by workflow code too, so it must only use @temporalio/common.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ETL_PIPELINE = defineSearchAttributeKey('EtlPipeline', SearchAttributeType.KEYWORD);
export const ETL_MODE = defineSearchAttributeKey('EtlMode', SearchAttributeType.KEYWORD);

/** name -> type, as `temporal server start-dev --search-attribute NAME=TYPE` and the operator API want them. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; cliType: 'Keyword' }> = [
  { name: ETL_PIPELINE.name, cliType: 'Keyword' },
  { name: ETL_MODE.name, cliType: 'Keyword' },
];

/** Re-exported for the CLI and client, which read the attribute's value beside its key. */
export { PIPELINE_NAME } from '../shared/pipeline';
