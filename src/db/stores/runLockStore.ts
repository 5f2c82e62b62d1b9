import type { Knex } from 'knex';
import { EtlRunLockModel } from '../models';
import { RUN_LOCK_TABLE } from '../tables';
import type { RunOwner } from '../../shared/syncTypes';

/** Who holds the pipeline's lock: a pipeline run, which keeps it across continue-as-new. */
export interface RunLockHolder extends RunOwner {
  acquiredAt: string;
}

export const runLockStore = {
  /** Reads and locks the pipeline's lock row until the transaction ends. */
  async lockRow(trx: Knex.Transaction, pipeline: string): Promise<RunLockHolder | undefined> {
    const r = await EtlRunLockModel.query(trx).where('pipeline', pipeline).forUpdate().first();
    return r ? { workflowId: r.workflow_id, pipelineRunId: r.run_id, acquiredAt: r.acquired_at } : undefined;
  },

  async take(trx: Knex.Transaction, pipeline: string, holder: RunOwner): Promise<void> {
    await trx.raw(
      `INSERT INTO ${RUN_LOCK_TABLE} (pipeline, workflow_id, run_id, acquired_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(6))
       ON DUPLICATE KEY UPDATE workflow_id = VALUES(workflow_id), run_id = VALUES(run_id), acquired_at = VALUES(acquired_at)`,
      [pipeline, holder.workflowId, holder.pipelineRunId],
    );
  },

  async release(db: Knex | Knex.Transaction, pipeline: string, holder: RunOwner): Promise<boolean> {
    const n = await EtlRunLockModel.query(db).where({ pipeline, workflow_id: holder.workflowId, run_id: holder.pipelineRunId }).delete();
    return n > 0;
  },
};
