import type { Knex } from 'knex';
import { createActivities } from '../activities';
import type { ActivityConfig } from '../activities/deps';
import { silentLogger } from '../activities/logger';
import { addCounts, OutcomeCounts, zeroCounts } from '../domain/outcome';
import type { RunOwner } from '../shared/syncTypes';
import { PIPELINE_NAME } from '../shared/pipeline';

export interface DirectRunResult {
  batches: number;
  rowsRead: number;
  counts: OutcomeCounts;
}

/**
 * A whole run made by calling the activities in a loop in this process, the way the workflow calls them, without
 * Temporal: the benchmark uses it to tell the batches' own cost from orchestration's, tests to drive the activities
 * under other settings. Not a way to run the sync: nothing here survives a crash or honours pause and cancel.
 */
export async function runBatchesDirectly(
  knex: Knex,
  /** `runId` is both the pipeline run's and the execution's id: a direct run is one execution, like a workflow's first. */
  opts: { batchSize: number; runId: string; config?: Partial<ActivityConfig> },
): Promise<DirectRunResult> {
  const acts = createActivities({ knex, logger: silentLogger, config: { pipeline: PIPELINE_NAME, ...opts.config } });
  const owner: RunOwner = { workflowId: `direct-${opts.runId}`, pipelineRunId: opts.runId };
  const temporalRunId = opts.runId;
  const plan = await acts.beginRun({ ...owner, resume: true, dryRun: false, lookbackSeconds: 0 });
  const result: DirectRunResult = { batches: 0, rowsRead: 0, counts: zeroCounts() };
  if (!plan.end) return result;
  for (let from = plan.start; ; ) {
    const r = await acts.applyBatch({ ...owner, runId: temporalRunId, from, end: plan.end, batchSize: opts.batchSize, dryRun: false });
    result.batches++;
    result.rowsRead += r.rowsRead;
    result.counts = addCounts(result.counts, r.counts);
    from = r.to;
    if (r.done) return result;
  }
}
